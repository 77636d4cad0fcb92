#include "modules/deliveries/services/delivery_steps.hpp"

#include "core/db/module_db.hpp"
#include "core/errors.hpp"
#include "core/security/tokens.hpp"
#include "core/uuid.hpp"
#include "modules/deliveries/repositories/delivery_repository.hpp"
#include "modules/deliveries/services/delivery_workflow.hpp"
#include "modules/deliveries/state_machine.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

[[noreturn]] void delivery_not_found(const std::string& id) {
  throw NotFound(is_uuid(id) ? "Delivery " + id + " does not exist" : std::string("The delivery does not exist"));
}

[[noreturn]] void pin_locked() {
  throw Conflict("pin-locked", "Too many wrong PINs: the hand-over is locked until an admin confirms the delivery");
}

}  // namespace

bool may_act_on(const Delivery& delivery, const Actor& actor) noexcept {
  if (actor.kind == ActorKind::Admin || actor.kind == ActorKind::System) return true;
  return actor.kind == ActorKind::Driver && !actor.id.empty() && delivery.driver_id == actor.id;
}

asio::awaitable<Delivery> DeliverySteps::perform(std::string delivery_id, DeliveryAction action, Actor actor,
                                                 std::optional<std::string> reason) {
  if (!is_uuid(delivery_id)) delivery_not_found(delivery_id);
  auto tx = co_await db_.begin();
  auto delivery = co_await deliveries_.find_for_update(tx, delivery_id);
  if (!delivery || !may_act_on(*delivery, actor)) delivery_not_found(delivery_id);
  co_await workflow_.apply(tx, *delivery, action, std::move(actor), std::move(reason));
  co_await tx.commit();
  co_return std::move(*delivery);
}

asio::awaitable<Delivery> DeliverySteps::deliver(std::string delivery_id, Actor actor, std::optional<std::string> pin,
                                                 std::optional<std::string> reason) {
  if (!is_uuid(delivery_id)) delivery_not_found(delivery_id);
  auto tx = co_await db_.begin();
  auto delivery = co_await deliveries_.find_for_update(tx, delivery_id);
  if (!delivery || !may_act_on(*delivery, actor)) delivery_not_found(delivery_id);
  // Illegal in this state (or for this actor): the 409 comes before any PIN is looked at.
  resolve_transition(delivery->status, DeliveryAction::Deliver, actor.kind);
  if (actor.kind == ActorKind::Admin) {
    if (!reason) throw ValidationError("reason", "is required when an admin confirms a delivery without its PIN");
    std::optional<std::string> recorded = "PIN override: " + *reason;
    co_await workflow_.apply(tx, *delivery, DeliveryAction::Deliver, std::move(actor), std::move(recorded));
    co_await tx.commit();
    co_return std::move(*delivery);
  }
  if (delivery->pin_attempts >= pin_max_attempts_) pin_locked();
  if (!pin) throw ValidationError("pin", "is required: ask the customer for the 4-digit code of their order");
  if (!security::constant_time_equal(*pin, delivery->pin)) {
    // The wrong try is kept even though the hand-over is refused.
    const int attempts = co_await deliveries_.record_pin_failure(tx, delivery_id);
    co_await tx.commit();
    if (attempts >= pin_max_attempts_) pin_locked();
    const int left = pin_max_attempts_ - attempts;
    throw ValidationError("pin", "is not the customer's code (" + std::to_string(left) +
                                     (left == 1 ? " try left)" : " tries left)"));
  }
  co_await workflow_.apply(tx, *delivery, DeliveryAction::Deliver, std::move(actor), std::nullopt);
  co_await tx.commit();
  co_return std::move(*delivery);
}

}  // namespace nelo::deliveries
