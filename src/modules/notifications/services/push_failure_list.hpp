#pragma once
// The admins' view of pushes that failed for good: newest first, with every attempt.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>

#include "modules/notifications/models.hpp"

namespace nelo::notifications {

class PushRepository;

class PushFailureList {
 public:
  explicit PushFailureList(PushRepository& pushes) : pushes_(pushes) {}

  boost::asio::awaitable<PushFailurePage> list(std::optional<PushFailureKey> after, std::size_t limit);

 private:
  PushRepository& pushes_;
};

}  // namespace nelo::notifications
