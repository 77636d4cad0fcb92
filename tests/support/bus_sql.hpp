#pragma once
// SQL over the event tables for tests that check what the bus delivered. A delivery is either a
// row of <publisher>.outbox_deliveries (the row path: a failed event's retries, replays, what was
// published before the streams opened) or an event that the subscriber's stream takes, with no row:
// the subscriber's inbox holds it once handled (docs/events.md). Names come from the tests
// themselves, so they are spliced in as they are.

#include <string>

namespace nelo::test {

// One text value: the delivery row's status if there is one; else 'delivered' once the
// subscriber's inbox holds the event, 'pending' while the publisher's outbox does; else NULL.
inline std::string delivery_status_sql(const std::string& publisher, const std::string& event_id,
                                       const std::string& subscriber) {
  return "SELECT COALESCE((SELECT status FROM " + publisher + ".outbox_deliveries WHERE event_id = '" + event_id +
         "' AND subscriber = '" + subscriber + "'), CASE WHEN EXISTS (SELECT 1 FROM " + subscriber +
         ".inbox WHERE event_id = '" + event_id + "') THEN 'delivered' WHEN EXISTS (SELECT 1 FROM " + publisher +
         ".outbox WHERE id = '" + event_id + "') THEN 'pending' END)";
}

// One count: the subscriber's deliveries from `publisher` not delivered yet: rows pending or
// dead, and what its stream has not taken.
inline std::string undelivered_sql(const std::string& publisher, const std::string& subscriber) {
  return "SELECT (SELECT count(*) FROM " + publisher + ".outbox_deliveries WHERE subscriber = '" + subscriber +
         "' AND status <> 'delivered') + (SELECT count(*) FROM " + publisher +
         ".stream_backlog WHERE subscriber = '" + subscriber + "')";
}

// The same for every subscriber of `publisher`.
inline std::string undelivered_sql(const std::string& publisher) {
  return "SELECT (SELECT count(*) FROM " + publisher + ".outbox_deliveries WHERE status <> 'delivered') + " +
         "(SELECT count(*) FROM " + publisher + ".stream_backlog)";
}

}  // namespace nelo::test
