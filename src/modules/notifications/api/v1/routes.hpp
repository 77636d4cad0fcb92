#pragma once
// HTTP routes of the notifications module, /api/v1/notifications[...]: the caller's inbox,
// preferences and devices, and the admins' view of failed pushes.

namespace nelo::http {
class Router;
}

namespace nelo::notifications {

class DeviceService;
class InboxService;
class PreferenceService;
class PushFailureList;

struct RouteServices {
  InboxService& inbox;
  PreferenceService& preferences;
  DeviceService& devices;
  PushFailureList& failures;
};

// The services must outlive the router's use of these routes.
void register_routes(http::Router& router, RouteServices services);

}  // namespace nelo::notifications
