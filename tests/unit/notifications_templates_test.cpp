// The notification templates (modules/notifications/templates): every event the module subscribes
// to has a template, every template renders in French and English with nothing left unresolved,
// uses only the placeholders its event family always provides outside [optional] parts, and
// names a known category; the renderer keeps or drops optional parts; money and short references
// read as the locale expects.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "modules/notifications/categories.hpp"
#include "modules/notifications/services/event_facts.hpp"
#include "modules/notifications/services/notifier.hpp"
#include "modules/notifications/templates/formatting.hpp"
#include "modules/notifications/templates/notification_templates.hpp"

namespace nelo::notifications {
namespace {

// What each event family always provides (template_values): {ref} and {merchant} always, and
// {amount} for order and payment events (their total, their amount).
std::set<std::string> always_provided(std::string_view event) {
  std::set<std::string> names{"ref", "merchant"};
  if (event.starts_with("order.") || event.starts_with("payment.")) names.insert("amount");
  return names;
}

TEST(NotificationTemplates, EverySubscribedEventHasATemplate) {
  ASSERT_FALSE(notified_events().empty());
  for (const auto event : notified_events()) {
    EXPECT_FALSE(templates_for(event).empty()) << event << " has no template: nobody would be told";
  }
  for (const auto& t : notification_templates()) {
    bool subscribed = false;
    for (const auto event : notified_events()) subscribed |= event == t.event;
    EXPECT_TRUE(subscribed) << t.event << " has a template but the module does not subscribe to it";
  }
}

TEST(NotificationTemplates, TheOrderAndDeliveryEventsOfTheCatalogAreAllCovered) {
  for (const char* event : {"order.created", "order.placed", "order.accepted", "order.preparing", "order.ready_for_pickup",
                            "order.picked_up", "order.delivered", "order.rejected", "order.cancelled", "payment.failed",
                            "payment.refunded", "delivery.assigned", "delivery.picked_up", "delivery.completed",
                            "delivery.failed", "delivery.cancelled", "delivery.unassigned"}) {
    EXPECT_FALSE(templates_for(event).empty()) << event;
  }
}

TEST(NotificationTemplates, EveryTemplateRendersInBothLocalesWithKnownPlaceholders) {
  for (const auto& t : notification_templates()) {
    EXPECT_TRUE(is_category(t.category)) << t.event << ": unknown category " << t.category;
    for (const auto* locale : {"fr", "en"}) {
      const LocalizedText& text = t.in(locale);
      SCOPED_TRACE(std::string(t.event) + " / " + std::string(to_string(t.audience)) + " / " + locale);
      ASSERT_FALSE(text.title.empty());
      ASSERT_FALSE(text.body.empty());
      for (const auto part : {text.title, text.body}) {
        for (const auto& name : placeholders(part, /*required_only=*/true)) {
          EXPECT_TRUE(always_provided(t.event).contains(name))
              << "{" << name << "} is not always available for " << t.event << ": put it in [brackets]";
        }
      }
      const std::map<std::string, std::string> values{{"ref", "#ABC123"},  {"merchant", "Chez Léon"},
                                                      {"amount", "29,50 €"}, {"reason", "Closed"},
                                                      {"waited_minutes", "5"}};
      const std::string title = render_template(text.title, values);
      const std::string body = render_template(text.body, values);
      for (const auto& rendered : {title, body}) {
        EXPECT_EQ(rendered.find_first_of("{}[]"), std::string::npos) << rendered;
      }
    }
    // The two languages use the same placeholders: one is not missing what the other says.
    auto fr = placeholders(t.fr.body), en = placeholders(t.en.body);
    EXPECT_EQ(std::set<std::string>(fr.begin(), fr.end()), std::set<std::string>(en.begin(), en.end())) << t.event;
  }
}

TEST(NotificationTemplates, OrderPlacedReadsOrderConfirmedInEachLanguage) {
  const NotificationTemplate* customer = nullptr;
  for (const auto* t : templates_for("order.placed")) {
    if (t->audience == Audience::Customer) customer = t;
  }
  ASSERT_NE(customer, nullptr);
  EXPECT_EQ(customer->in("fr").title, "Commande confirmée");
  EXPECT_EQ(customer->in("en").title, "Order confirmed");
  EventFacts facts;
  facts.order_id = "01a213b4-0776-7566-9e35-5d8cebdfb898";
  facts.amount = Money{2950, "EUR"};
  const auto fr = template_values(facts, "Chez Léon", "fr");
  EXPECT_EQ(render_template(customer->in("fr").body, fr),
            "Votre commande #DFB898 chez Chez Léon est confirmée : 29,50\u00a0€.");
  const auto en = template_values(facts, "Chez Léon", "en");
  EXPECT_EQ(render_template(customer->in("en").body, en), "Your order #DFB898 at Chez Léon is confirmed: €29.50.");
}

TEST(NotificationTemplates, AnUnknownLocaleFallsBackToFrench) {
  const auto templates = templates_for("order.accepted");
  ASSERT_FALSE(templates.empty());
  EXPECT_EQ(templates.front()->in("de").title, templates.front()->fr.title);
}

TEST(NotificationTemplates, OptionalPartsAreKeptOnlyWithAllTheirValues) {
  EXPECT_EQ(render_template("Cancelled.[ Reason: {reason}.]", {{"reason", "Closed"}}), "Cancelled. Reason: Closed.");
  EXPECT_EQ(render_template("Cancelled.[ Reason: {reason}.]", {}), "Cancelled.");
  EXPECT_EQ(render_template("{ref}[ after {waited_minutes} min]", {{"ref", "#A"}}), "#A");
}

TEST(NotificationTemplates, BrokenTemplatesAreRefused) {
  EXPECT_THROW(render_template("Hello {nobody}", {}), std::invalid_argument);
  EXPECT_THROW(render_template("Hello {ref", {}), std::invalid_argument);
  EXPECT_THROW(render_template("Hello [ {ref}", {}), std::invalid_argument);
  EXPECT_THROW(render_template("Hello ] {ref}", {}), std::invalid_argument);
  EXPECT_THROW(render_template("[[{ref}]]", {}), std::invalid_argument);
}

TEST(NotificationTemplates, AMissingMerchantNameReadsAsTheShopInTheLocale) {
  EventFacts facts;
  facts.order_id = "01a213b4-0776-7566-9e35-5d8cebdfb898";
  EXPECT_EQ(template_values(facts, "", "en").at("merchant"), "the shop");
  EXPECT_EQ(template_values(facts, "", "fr").at("merchant"), "le commerce");
  EXPECT_FALSE(template_values(facts, "", "fr").contains("amount"));
}

TEST(NotificationFormatting, MoneyReadsAsTheLocaleWritesIt) {
  EXPECT_EQ(format_money({2950, "EUR"}, "en"), "€29.50");
  EXPECT_EQ(format_money({2950, "EUR"}, "fr"), "29,50\u00a0€");
  EXPECT_EQ(format_money({123456789, "EUR"}, "en"), "€1,234,567.89");
  EXPECT_EQ(format_money({123456789, "EUR"}, "fr"), "1\u202f234\u202f567,89\u00a0€");
  EXPECT_EQ(format_money({5, "EUR"}, "fr"), "0,05\u00a0€");
  EXPECT_EQ(format_money({1250, "CHF"}, "en"), "12.50 CHF");
  EXPECT_EQ(format_money({1250, "CHF"}, "fr"), "12,50\u00a0CHF");
  EXPECT_EQ(format_money({1500, "JPY"}, "en"), "¥1,500");
  EXPECT_EQ(format_money({-950, "EUR"}, "en"), "-€9.50");
}

TEST(NotificationFormatting, ShortReferenceIsTheEndOfTheOrderId) {
  EXPECT_EQ(short_reference("01a213b4-0776-7566-9e35-5d8cebdfb898"), "#DFB898");
  EXPECT_EQ(short_reference("abc"), "#ABC");
}

}  // namespace
}  // namespace nelo::notifications
