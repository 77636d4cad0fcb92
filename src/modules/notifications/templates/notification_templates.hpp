#pragma once
// What each event tells whom, in French and English: the templates are data
// (notification_templates.cpp), one row per (event, audience), rendered by render_template().
// Placeholders: {ref} (the order's short reference, "#C7A5A9"), {merchant} (the shop's name),
// {amount} (formatted for the locale), {reason}, {waited_minutes}. A part in [brackets] is kept
// only when every placeholder inside it has a value ("[ Reason: {reason}.]").

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nelo::notifications {

enum class Audience { Customer, Merchant, Driver, Admin };
std::string_view to_string(Audience audience) noexcept;

struct LocalizedText {
  std::string_view title;
  std::string_view body;
};

struct NotificationTemplate {
  std::string_view event;
  Audience audience;
  std::string_view category;  // categories.hpp
  LocalizedText fr;
  LocalizedText en;

  const LocalizedText& in(std::string_view locale) const noexcept { return locale == "en" ? en : fr; }
};

inline constexpr std::string_view kDefaultLocale = "fr";

// Every template, in table order.
std::span<const NotificationTemplate> notification_templates();
// The templates of one event (one per audience); empty for an event nobody is told about.
std::vector<const NotificationTemplate*> templates_for(std::string_view event);

// Every event the module subscribes to (each has at least one template: a unit test checks it).
std::span<const std::string_view> notified_events();

// `text` with its placeholders replaced from `values`. Throws std::invalid_argument on an unknown
// placeholder or an unbalanced bracket or brace (a broken template, caught by the unit tests).
std::string render_template(std::string_view text, const std::map<std::string, std::string>& values);
// The placeholder names `text` uses ({ref} -> "ref"), and those used outside [optional] parts.
std::vector<std::string> placeholders(std::string_view text, bool required_only = false);

}  // namespace nelo::notifications
