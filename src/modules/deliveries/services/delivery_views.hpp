#pragma once
// Who may read a delivery, and how much of it: its driver and admins all of it (the driver never
// the PIN), the order's customer the status, the driver's first name and the PIN, the merchant the
// status and the driver's first name; anyone else gets a 404. Tracking adds the driver's position
// for the driver themself and admins, and for the customer only between assignment and delivery
// (the privacy window); never for the merchant. Admins also list deliveries (active ones first of
// all), page by page.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "modules/deliveries/delivery_models.hpp"
#include "modules/deliveries/live/live_locations.hpp"

namespace nelo {
class UserInterface;
}

namespace nelo::deliveries {

class DeliveryRepository;

struct DeliveryViewer {
  std::string user_id;
  bool admin = false;
  bool driver = false;
  bool merchant = false;
  bool customer = false;
};

enum class ViewerRole { Admin, Driver, Customer, Merchant };

struct DeliveryView {
  Delivery delivery;
  ViewerRole role = ViewerRole::Customer;
  std::optional<std::string> driver_first_name;
};

struct TrackingView {
  DeliveryView view;
  std::optional<DriverPosition> position;  // null outside the viewer's window, or before any fix
};

struct DeliveryPage {
  std::vector<DeliveryView> items;  // each seen as an admin sees it
  std::optional<DeliveryKey> next;  // where the next page starts; nullopt on the last
};

class DeliveryViews {
 public:
  DeliveryViews(DeliveryRepository& deliveries, LiveLocations& live, UserInterface* users)
      : deliveries_(deliveries), live_(live), users_(users) {}

  boost::asio::awaitable<DeliveryView> get(DeliveryViewer viewer, std::string delivery_id);
  boost::asio::awaitable<TrackingView> tracking(DeliveryViewer viewer, std::string delivery_id);
  // Admins only (anyone else: Forbidden). A `driver_id` that is not a UUID matches nothing.
  boost::asio::awaitable<DeliveryPage> list(DeliveryViewer viewer, DeliveryListQuery query);

 private:
  DeliveryRepository& deliveries_;
  LiveLocations& live_;
  UserInterface* users_;
};

// The viewer's role for this delivery, or nullopt when they may not see it.
std::optional<ViewerRole> role_for(const Delivery& delivery, const DeliveryViewer& viewer) noexcept;
// Whether that role sees the driver's position now.
bool sees_position(ViewerRole role, DeliveryStatus status) noexcept;

}  // namespace nelo::deliveries
