// The notification texts, as data: one row per event and audience, French then English. Keep the
// two languages saying the same thing; tests/unit/notifications_templates_test.cpp renders every
// row in both and checks that each event the module subscribes to has one.

#include "modules/notifications/templates/notification_templates.hpp"

#include <array>
#include <stdexcept>

namespace nelo::notifications {
namespace {

using A = Audience;

// payment.authorized tells nobody: order.placed ("Order confirmed") follows it at once.
constexpr std::array<std::string_view, 19> kNotifiedEvents = {
    "order.created",      "order.placed",       "order.accepted",      "order.preparing", "order.ready_for_pickup",
    "order.picked_up",    "order.delivered",    "order.rejected",      "order.cancelled", "payment.failed",
    "payment.captured",   "payment.voided",     "payment.refunded",    "delivery.assigned", "delivery.picked_up",
    "delivery.completed", "delivery.failed",    "delivery.cancelled",  "delivery.unassigned"};

// clang-format off
constexpr std::array kTemplates = {
    // --- orders: the customer follows their order; the merchant hears of new and closed ones ---
    NotificationTemplate{"order.created", A::Customer, "order_status",
        {"Commande reçue", "Votre commande {ref} chez {merchant} attend la confirmation du paiement de {amount}."},
        {"Order received", "Your order {ref} at {merchant} is waiting for the payment of {amount} to be confirmed."}},
    NotificationTemplate{"order.placed", A::Customer, "order_status",
        {"Commande confirmée", "Votre commande {ref} chez {merchant} est confirmée : {amount}."},
        {"Order confirmed", "Your order {ref} at {merchant} is confirmed: {amount}."}},
    NotificationTemplate{"order.placed", A::Merchant, "order_status",
        {"Nouvelle commande {ref}", "Une nouvelle commande de {amount} attend votre réponse."},
        {"New order {ref}", "A new order of {amount} is waiting for your answer."}},
    NotificationTemplate{"order.accepted", A::Customer, "order_status",
        {"Commande acceptée", "{merchant} a accepté votre commande {ref}."},
        {"Order accepted", "{merchant} accepted your order {ref}."}},
    NotificationTemplate{"order.preparing", A::Customer, "order_status",
        {"Commande en préparation", "{merchant} prépare votre commande {ref}."},
        {"Order being prepared", "{merchant} is preparing your order {ref}."}},
    NotificationTemplate{"order.ready_for_pickup", A::Customer, "order_status",
        {"Commande prête", "Votre commande {ref} est prête et attend son livreur."},
        {"Order ready", "Your order {ref} is ready and waiting for its courier."}},
    NotificationTemplate{"order.picked_up", A::Customer, "order_status",
        {"Commande en route", "Votre commande {ref} a quitté {merchant} et arrive bientôt."},
        {"Order on its way", "Your order {ref} has left {merchant} and is on its way."}},
    NotificationTemplate{"order.delivered", A::Customer, "order_status",
        {"Commande livrée", "Votre commande {ref} a été livrée. Bon appétit !"},
        {"Order delivered", "Your order {ref} has been delivered. Enjoy!"}},
    NotificationTemplate{"order.delivered", A::Merchant, "order_status",
        {"Commande livrée", "La commande {ref} ({amount}) a été livrée."},
        {"Order delivered", "Order {ref} ({amount}) has been delivered."}},
    NotificationTemplate{"order.rejected", A::Customer, "order_status",
        {"Commande refusée", "Votre commande {ref} chez {merchant} n'a pas pu être acceptée.[ Motif : {reason}.]"},
        {"Order declined", "Your order {ref} at {merchant} could not be accepted.[ Reason: {reason}.]"}},
    NotificationTemplate{"order.cancelled", A::Customer, "order_status",
        {"Commande annulée", "Votre commande {ref} chez {merchant} a été annulée.[ Motif : {reason}.]"},
        {"Order cancelled", "Your order {ref} at {merchant} has been cancelled.[ Reason: {reason}.]"}},
    NotificationTemplate{"order.cancelled", A::Merchant, "order_status",
        {"Commande annulée", "La commande {ref} ({amount}) a été annulée.[ Motif : {reason}.]"},
        {"Order cancelled", "Order {ref} ({amount}) has been cancelled.[ Reason: {reason}.]"}},

    // --- payments: the customer hears of money moving on their card ---
    NotificationTemplate{"payment.failed", A::Customer, "payments",
        {"Échec du paiement", "Le paiement de {amount} pour votre commande {ref} a échoué.[ Motif : {reason}]"},
        {"Payment failed", "The payment of {amount} for your order {ref} failed.[ Reason: {reason}]"}},
    NotificationTemplate{"payment.captured", A::Customer, "payments",
        {"Paiement débité", "{amount} ont été débités pour votre commande {ref}."},
        {"Payment charged", "{amount} has been charged for your order {ref}."}},
    NotificationTemplate{"payment.voided", A::Customer, "payments",
        {"Paiement libéré", "La réservation de {amount} sur votre carte pour la commande {ref} a été levée."},
        {"Payment released", "The hold of {amount} on your card for order {ref} has been released."}},
    NotificationTemplate{"payment.refunded", A::Customer, "payments",
        {"Remboursement effectué", "Un remboursement de {amount} a été effectué pour votre commande {ref}."},
        {"Refund issued", "A refund of {amount} has been issued for your order {ref}."}},

    // --- deliveries: the courier's progress, told to whoever acts on it ---
    NotificationTemplate{"delivery.assigned", A::Customer, "deliveries",
        {"Livreur en route", "Un livreur se rend chez {merchant} pour votre commande {ref}."},
        {"Courier assigned", "A courier is heading to {merchant} for your order {ref}."}},
    NotificationTemplate{"delivery.assigned", A::Merchant, "deliveries",
        {"Livreur assigné", "Un livreur arrive pour récupérer la commande {ref}."},
        {"Courier assigned", "A courier is on the way to collect order {ref}."}},
    NotificationTemplate{"delivery.picked_up", A::Merchant, "deliveries",
        {"Commande récupérée", "Le livreur a récupéré la commande {ref}."},
        {"Order collected", "The courier has collected order {ref}."}},
    NotificationTemplate{"delivery.completed", A::Driver, "deliveries",
        {"Livraison terminée", "La livraison de la commande {ref} est terminée. Merci !"},
        {"Delivery completed", "The delivery of order {ref} is complete. Thank you!"}},
    NotificationTemplate{"delivery.failed", A::Customer, "order_status",
        {"Échec de la livraison",
         "Nous n'avons pas pu livrer votre commande {ref}.[ Motif : {reason}.] Notre équipe va vous contacter."},
        {"Delivery failed", "We could not deliver your order {ref}.[ Reason: {reason}.] Our team will contact you."}},
    NotificationTemplate{"delivery.failed", A::Merchant, "deliveries",
        {"Échec de la livraison", "La livraison de la commande {ref} a échoué.[ Motif : {reason}.]"},
        {"Delivery failed", "The delivery of order {ref} failed.[ Reason: {reason}.]"}},
    NotificationTemplate{"delivery.failed", A::Admin, "operations",
        {"Échec de livraison : {ref}",
         "La livraison de la commande {ref} de {merchant} a échoué et demande votre attention.[ Motif : {reason}.]"},
        {"Delivery failed: {ref}",
         "The delivery of order {ref} from {merchant} failed and needs attention.[ Reason: {reason}.]"}},
    NotificationTemplate{"delivery.cancelled", A::Driver, "deliveries",
        {"Livraison annulée", "La livraison de la commande {ref} est annulée : ne la récupérez pas.[ Motif : {reason}.]"},
        {"Delivery cancelled", "The delivery of order {ref} was cancelled: do not pick it up.[ Reason: {reason}.]"}},
    NotificationTemplate{"delivery.unassigned", A::Merchant, "deliveries",
        {"Livreur toujours recherché", "Aucun livreur n'a encore pris la commande {ref} ; nous continuons à chercher."},
        {"Still looking for a courier", "No courier has taken order {ref} yet; we keep looking."}},
    NotificationTemplate{"delivery.unassigned", A::Admin, "operations",
        {"Aucun livreur pour {ref}",
         "Personne n'a pris la livraison de la commande {ref} de {merchant}[ après {waited_minutes} min]."},
        {"No courier for {ref}", "Nobody has taken the delivery of order {ref} from {merchant}[ after {waited_minutes} min]."}},
};
// clang-format on

constexpr std::array<std::string_view, 5> kKnownPlaceholders = {"ref", "merchant", "amount", "reason",
                                                                 "waited_minutes"};

bool known(std::string_view name) {
  for (const auto k : kKnownPlaceholders) {
    if (k == name) return true;
  }
  return false;
}

// Walks `text`, calling on_text(piece) and on_placeholder(name, optional) in order; `optional` is
// true inside [brackets], and on_group_end() closes a bracketed part.
template <class Text, class Placeholder, class GroupStart, class GroupEnd>
void walk(std::string_view text, Text on_text, Placeholder on_placeholder, GroupStart on_group_start,
          GroupEnd on_group_end) {
  bool in_group = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{') {
      const auto end = text.find('}', i);
      if (end == std::string_view::npos) throw std::invalid_argument("unclosed { in template: " + std::string(text));
      const std::string_view name = text.substr(i + 1, end - i - 1);
      if (!known(name)) throw std::invalid_argument("unknown placeholder {" + std::string(name) + "}");
      on_placeholder(name, in_group);
      i = end + 1;
    } else if (c == '[') {
      if (in_group) throw std::invalid_argument("nested [ in template: " + std::string(text));
      in_group = true;
      on_group_start();
      ++i;
    } else if (c == ']') {
      if (!in_group) throw std::invalid_argument("unopened ] in template: " + std::string(text));
      in_group = false;
      on_group_end();
      ++i;
    } else if (c == '}') {
      throw std::invalid_argument("unopened } in template: " + std::string(text));
    } else {
      on_text(text.substr(i, 1));
      ++i;
    }
  }
  if (in_group) throw std::invalid_argument("unclosed [ in template: " + std::string(text));
}

}  // namespace

std::string_view to_string(Audience audience) noexcept {
  switch (audience) {
    case Audience::Customer: return "customer";
    case Audience::Merchant: return "merchant";
    case Audience::Driver: return "driver";
    case Audience::Admin: return "admin";
  }
  return "unknown";
}

std::span<const NotificationTemplate> notification_templates() { return kTemplates; }

std::vector<const NotificationTemplate*> templates_for(std::string_view event) {
  std::vector<const NotificationTemplate*> out;
  for (const auto& t : kTemplates) {
    if (t.event == event) out.push_back(&t);
  }
  return out;
}

std::span<const std::string_view> notified_events() { return kNotifiedEvents; }

std::string render_template(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out, group;
  bool group_complete = true, in_group = false;
  const auto value_of = [&](std::string_view name) -> std::string {
    auto it = values.find(std::string(name));
    return it == values.end() ? std::string() : it->second;
  };
  walk(
      text, [&](std::string_view piece) { (in_group ? group : out).append(piece); },
      [&](std::string_view name, bool optional) {
        const std::string value = value_of(name);
        if (optional) {
          if (value.empty()) group_complete = false;
          group += value;
        } else {
          out += value;
        }
      },
      [&] {
        in_group = true;
        group.clear();
        group_complete = true;
      },
      [&] {
        in_group = false;
        if (group_complete) out += group;
      });
  return out;
}

std::vector<std::string> placeholders(std::string_view text, bool required_only) {
  std::vector<std::string> names;
  walk(
      text, [](std::string_view) {},
      [&](std::string_view name, bool optional) {
        if (!required_only || !optional) names.emplace_back(name);
      },
      [] {}, [] {});
  return names;
}

}  // namespace nelo::notifications
