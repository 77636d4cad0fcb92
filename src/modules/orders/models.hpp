#pragma once
// Domain types of the orders module: what repositories return and services work on. Amounts are
// integer minor units of the order's currency (one currency per order: the merchant's).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace nelo::orders {

enum class OrderStatus {
  PendingPayment,
  Placed,
  Accepted,
  Preparing,
  ReadyForPickup,
  PickedUp,
  Delivered,
  Rejected,
  Cancelled,
};

// What is done to an order; each legal (status, action) pair is a row of the transition table
// (state_machine.hpp).
enum class Action { Place, Accept, Reject, StartPreparing, MarkReady, PickUp, Deliver, Cancel };

// Who does it. `System` is the platform itself reacting to another module's event (payment
// authorized, parcel picked up...).
enum class ActorKind { Customer, Merchant, Admin, System };

struct Actor {
  ActorKind kind = ActorKind::System;
  std::string id;  // the user id; empty for System

  static Actor system() { return Actor{}; }
};

enum class PaymentMethod { Card, Cash };

struct Payment {
  PaymentMethod method = PaymentMethod::Cash;
  std::optional<std::string> token;  // the payment provider's token, card only (never a card number)
};

struct GeoPoint {
  double lat = 0;  // WGS 84 degrees
  double lng = 0;
  bool operator==(const GeoPoint&) const = default;
};

// --- snapshots: copied when the order is placed, never rewritten by later changes elsewhere ---

struct AddressSnapshot {
  std::string address_id;
  std::string label;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::string postal_code;
  std::string country;
  std::optional<std::string> instructions;
  GeoPoint point;
  bool operator==(const AddressSnapshot&) const = default;
};

struct MerchantSnapshot {
  std::string name;
  std::string phone;
  std::string address;
  std::string time_zone;
  int prep_time_minutes = 0;
  GeoPoint point;
  bool operator==(const MerchantSnapshot&) const = default;
};

struct CustomerSnapshot {
  std::string name;
  std::optional<std::string> phone;
  bool operator==(const CustomerSnapshot&) const = default;
};

// One line of an order: the product as it was priced when the order was placed.
struct OrderLine {
  std::string product_id;
  std::string name;
  std::int64_t unit_price = 0;
  int quantity = 0;
  std::int64_t line_total = 0;  // unit_price * quantity
  bool operator==(const OrderLine&) const = default;
};

// Computed on the server only (services/pricing.hpp): total = subtotal + delivery_fee + service_fee.
struct PriceBreakdown {
  std::string currency;
  std::int64_t subtotal = 0;
  std::int64_t delivery_fee = 0;
  std::int64_t service_fee = 0;
  std::int64_t total = 0;
  bool operator==(const PriceBreakdown&) const = default;
};

// --- requests, already checked for shape by the API layer ---

struct RequestedItem {
  std::string product_id;
  int quantity = 0;
};

// POST /orders and /orders/quote. A quote may leave the payment out; placing an order may not.
struct OrderRequest {
  std::string merchant_id;
  std::vector<RequestedItem> items;
  std::string address_id;
  std::optional<Payment> payment;
  std::optional<std::string> notes;
};

// What an order would be, without creating it: also the checked core of a new order.
struct Quote {
  std::string merchant_id;
  std::string address_id;
  std::vector<OrderLine> lines;
  PriceBreakdown pricing;
  int distance_m = 0;  // merchant to delivery address, straight line on the WGS 84 spheroid
};

// --- the order ---

struct Order {
  std::string id;
  std::string customer_id;
  std::string merchant_id;
  std::string merchant_owner_id;  // lets merchants list their orders without asking the catalog
  OrderStatus status = OrderStatus::PendingPayment;
  PaymentMethod payment_method = PaymentMethod::Cash;
  std::vector<OrderLine> lines;
  PriceBreakdown pricing;
  int distance_m = 0;
  std::optional<std::string> notes;
  AddressSnapshot delivery_address;
  MerchantSnapshot merchant;
  CustomerSnapshot customer;
  int version = 1;  // +1 on every transition, carried by events so subscribers can order them
  Timestamp created_at{};
  Timestamp updated_at{};
};

// One entry of an order's status history. `from` is empty for the creation.
struct StatusChange {
  std::optional<OrderStatus> from;
  OrderStatus to = OrderStatus::PendingPayment;
  std::optional<Action> action;  // empty for the creation row
  ActorKind actor_kind = ActorKind::System;
  std::optional<std::string> actor_id;
  std::optional<std::string> reason;
  Timestamp at{};
};

// Who is reading or listing orders, and what that lets them see: admins everything, merchants
// the orders of merchants they own, customers their own orders.
struct Viewer {
  std::string user_id;
  bool admin = false;
  bool merchant = false;
  bool customer = false;
};

// Position in a list (newest first): the last order of the previous page.
struct OrderKey {
  Timestamp created_at{};
  std::string id;
  bool operator==(const OrderKey&) const = default;
};

struct OrderPage {
  std::vector<Order> items;  // without lines (a list shows summaries)
  std::optional<OrderKey> next;
};

struct OrderListQuery {
  std::optional<OrderStatus> status;
  std::optional<OrderKey> after;
  std::size_t limit = 20;
};

}  // namespace nelo::orders
