#include "modules/notifications/services/push_failure_list.hpp"

#include "modules/notifications/repositories/push_repository.hpp"

namespace nelo::notifications {

boost::asio::awaitable<PushFailurePage> PushFailureList::list(std::optional<PushFailureKey> after, std::size_t limit) {
  PushFailurePage page;
  page.items = co_await pushes_.failures(after, limit + 1);
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next = PushFailureKey{page.items.back().created_at, page.items.back().id};
  }
  co_return page;
}

}  // namespace nelo::notifications
