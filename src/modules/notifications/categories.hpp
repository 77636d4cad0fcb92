#pragma once
// The categories a notification belongs to, their default channels, and the rule that keeps
// transactional ones (an order's status, its payment) from being switched off entirely: their
// in-app channel always stays on (docs/api/notifications.md, "Preferences").

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modules/notifications/models.hpp"

namespace nelo::notifications {

inline constexpr std::array<std::string_view, 4> kCategories = {"order_status", "payments", "deliveries",
                                                                 "operations"};
inline constexpr std::array<std::string_view, 3> kChannels = {"in_app", "push", "realtime"};

bool is_category(std::string_view category) noexcept;
// An order's status and its payment: the in-app channel cannot be switched off.
bool is_transactional(std::string_view category) noexcept;
// What a user who never chose gets: every channel on.
Channels default_channels(std::string_view category) noexcept;

// Every category in kCategories order, each with the stored choice or the default.
std::vector<CategoryPreference> complete_preferences(const std::vector<CategoryPreference>& stored);

// `current` with `patch` applied to it; nullopt-free. The transactional rule is checked by the
// reader of the request (api/v1) and again here: std::invalid_argument names the category when a
// transactional category would lose its in-app channel.
Channels apply_patch(std::string_view category, Channels current, const ChannelsPatch& patch);

// The message of the 422 for a transactional category switched off.
std::string transactional_rule_message(std::string_view category);

}  // namespace nelo::notifications
