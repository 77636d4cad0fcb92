// The users services and repositories against PostgreSQL: profiles from `user.registered`
// (idempotent), the one-default rule under concurrency, ownership, geography round trips.

#include <gtest/gtest.h>

#include <set>

#include "core/errors.hpp"
#include "support/bus_sql.hpp"
#include "support/users_fixture.hpp"

namespace nelo::users::test {
namespace {

class UsersService : public UsersDbTest {};

// --- profiles from user.registered ---

TEST_F(UsersService, RegisteredEventCreatesTheProfile) {
  const RegisteredUser user = registered("Élodie Martin");
  run([&]() -> asio::awaitable<void> {
    auto tx = co_await module_db_.begin();
    co_await profiles_.on_user_registered(tx, user);
    co_await tx.commit();
  }());
  const Profile profile = run(profiles_.get_profile(user.user_id));
  EXPECT_EQ(profile.user_id, user.user_id);
  EXPECT_EQ(profile.email, user.email);
  EXPECT_EQ(profile.name, "Élodie Martin");
  EXPECT_FALSE(profile.phone.has_value());
  EXPECT_EQ(profile.locale, "fr");
}

TEST_F(UsersService, RedeliveredEventChangesNothing) {
  const std::string user_id = make_user("First Name");
  ProfilePatch patch;
  patch.name = "Edited Later";
  run(profiles_.update_profile(user_id, patch));
  // The same account announced again (a replay after the inbox row was purged), even with
  // other values: the profile the user edited stays as it is.
  RegisteredUser again;
  again.user_id = user_id;
  again.email = "other@example.com";
  again.name = "Second Name";
  run([&]() -> asio::awaitable<void> {
    auto tx = co_await module_db_.begin();
    co_await profiles_.on_user_registered(tx, again);
    co_await tx.commit();
  }());
  EXPECT_EQ(value("SELECT count(*) FROM users.profiles WHERE user_id = '" + user_id + "'"), "1");
  const Profile profile = run(profiles_.get_profile(user_id));
  EXPECT_EQ(profile.name, "Edited Later");
  EXPECT_NE(profile.email, "other@example.com");
}

// Through the real bus: published by "auth" in its transaction, delivered to the users module's
// subscription through its stream, then delivered again twice through a delivery row, as a retry or
// a replay would (inbox present, then inbox purged).
TEST_F(UsersService, BusDeliversUserRegisteredAndRedeliveryIsHarmless) {
  const std::string user_id = new_uuid();
  const std::string profile_sql = "SELECT count(*) FROM users.profiles WHERE user_id = '" + user_id + "'";
  with_bus([&]() -> asio::awaitable<void> {
    json::object payload{{"user_id", user_id},
                         {"email", "bus@example.com"},
                         {"name", "Via The Bus"},
                         {"role", "customer"},
                         {"registered_at", "2026-11-25T14:03:27.512Z"}};
    auto tx = co_await pool_->begin("auth");
    const std::string event_id = co_await bus_->publish(tx, "user.registered", 1, payload);
    co_await tx.commit();

    const std::string delivered_sql = nelo::test::delivery_status_sql("auth", event_id, "users");
    co_await eventually([&] { return value(delivered_sql) == "delivered"; }, "first delivery");
    EXPECT_EQ(value("SELECT count(*) FROM auth.outbox_deliveries"), "0") << "a stream's delivery has no row";
    EXPECT_EQ(value(profile_sql), "1");
    EXPECT_EQ(value("SELECT name FROM users.profiles WHERE user_id = '" + user_id + "'"), "Via The Bus");

    ProfilePatch patch;
    patch.locale = "en";
    co_await profiles_.update_profile(user_id, patch);

    const std::string redeliver = "UPDATE auth.outbox_deliveries SET status = 'pending', delivered_at = NULL, "
                                  "next_attempt_at = now(), lease_owner = NULL, lease_until = NULL WHERE event_id = '" +
                                  event_id + "'";
    // Redelivered while the inbox still remembers it: skipped.
    database_.exec("INSERT INTO auth.outbox_deliveries (event_id, subscriber, seq) SELECT id, 'users', seq "
                   "FROM auth.outbox WHERE id = '" + event_id + "'");
    co_await eventually([&] { return value(delivered_sql) == "delivered"; }, "redelivery with the inbox row");
    // Redelivered after the inbox row is gone: the handler runs and inserts nothing.
    database_.exec("DELETE FROM users.inbox WHERE event_id = '" + event_id + "'");
    database_.exec(redeliver);
    co_await eventually([&] { return value(delivered_sql) == "delivered"; }, "redelivery without the inbox row");
    EXPECT_EQ(value("SELECT count(*) FROM users.inbox WHERE event_id = '" + event_id + "'"), "1");
    EXPECT_EQ(value("SELECT attempts || ' ' || (last_error IS NULL) FROM auth.outbox_deliveries WHERE event_id = '" +
                    event_id + "'"),
              "2 true")
        << "two redeliveries through the row, each succeeding at its first attempt";
  });
  EXPECT_EQ(value(profile_sql), "1");
  EXPECT_EQ(value("SELECT locale FROM users.profiles WHERE user_id = '" + user_id + "'"), "en")
      << "the user's edit survives the redelivery";
}

TEST_F(UsersService, MalformedRegisteredEventIsRetriedThenDeadNotSilentlyDropped) {
  with_bus([&]() -> asio::awaitable<void> {
    json::object payload{{"user_id", "not-a-uuid"}, {"email", "x@example.com"}, {"name", "X"}};
    auto tx = co_await pool_->begin("auth");
    const std::string event_id = co_await bus_->publish(tx, "user.registered", 1, payload);
    co_await tx.commit();
    co_await eventually(
        [&] {
          return value(nelo::test::delivery_status_sql("auth", event_id, "users")) == "dead";
        },
        "the poisoned delivery parked as dead");
  });
  EXPECT_EQ(value("SELECT count(*) FROM users.profiles"), "0");
}

TEST_F(UsersService, ProfileNotCreatedYetIsNotFound) {
  EXPECT_THROW(run(profiles_.get_profile(new_uuid())), NotFound);
  ProfilePatch patch;
  patch.name = "Nobody";
  EXPECT_THROW(run(profiles_.update_profile(new_uuid(), patch)), NotFound);
  EXPECT_THROW(run(profiles_.get_profile("not-a-uuid")), NotFound);
  EXPECT_EQ(value("SELECT count(*) FROM users.profiles"), "0") << "a patch never creates a profile";
}

TEST_F(UsersService, PatchChangesOnlyWhatItNames) {
  const std::string user_id = make_user("Before");
  const Profile before = run(profiles_.get_profile(user_id));
  ProfilePatch set_phone;
  set_phone.phone = std::optional<std::string>("+33612345678");
  const Profile with_phone = run(profiles_.update_profile(user_id, set_phone));
  EXPECT_EQ(with_phone.phone, "+33612345678");
  EXPECT_EQ(with_phone.name, "Before");
  EXPECT_EQ(with_phone.locale, "fr");
  EXPECT_EQ(with_phone.email, before.email);
  EXPECT_GE(with_phone.updated_at, before.updated_at);
  EXPECT_EQ(with_phone.created_at, before.created_at);

  ProfilePatch rename;
  rename.name = "After";
  rename.locale = "en";
  const Profile renamed = run(profiles_.update_profile(user_id, rename));
  EXPECT_EQ(renamed.name, "After");
  EXPECT_EQ(renamed.locale, "en");
  EXPECT_EQ(renamed.phone, "+33612345678") << "absent: kept";

  ProfilePatch clear_phone;
  clear_phone.phone = std::optional<std::string>();
  EXPECT_FALSE(run(profiles_.update_profile(user_id, clear_phone)).phone.has_value());
  EXPECT_EQ(value("SELECT phone IS NULL FROM users.profiles WHERE user_id = '" + user_id + "'"), "t");
}

// --- the one-default rule ---

TEST_F(UsersService, FirstAddressIsTheDefaultAndLaterOnesAreNot) {
  const std::string user_id = make_user();
  NewAddress first = new_address("Home");
  first.is_default = false;  // asked not to be: the first one is the default anyway
  const Address home = add_address(user_id, first);
  EXPECT_TRUE(home.is_default);
  const Address work = add_address(user_id, "Work");
  EXPECT_FALSE(work.is_default);
  EXPECT_EQ(default_ids(user_id), std::vector<std::string>{home.id});
}

TEST_F(UsersService, CreatingWithIsDefaultMovesTheDefault) {
  const std::string user_id = make_user();
  const Address home = add_address(user_id, "Home");
  const Address work = add_address(user_id, "Work", true);
  EXPECT_TRUE(work.is_default);
  EXPECT_FALSE(run(addresses_.get(user_id, home.id)).is_default);
  EXPECT_EQ(default_ids(user_id), std::vector<std::string>{work.id});
}

TEST_F(UsersService, PatchingIsDefaultMovesTheDefault) {
  const std::string user_id = make_user();
  const Address home = add_address(user_id, "Home");
  const Address work = add_address(user_id, "Work");
  AddressPatch make_default;
  make_default.is_default = true;
  const Address updated = run(addresses_.update(user_id, work.id, make_default));
  EXPECT_TRUE(updated.is_default);
  EXPECT_EQ(updated.label, "Work");
  EXPECT_EQ(default_ids(user_id), std::vector<std::string>{work.id});
  // Again on the current default: nothing to move.
  EXPECT_TRUE(run(addresses_.update(user_id, work.id, make_default)).is_default);
  EXPECT_EQ(default_ids(user_id), std::vector<std::string>{work.id});
  (void)home;
}

TEST_F(UsersService, TheDefaultCannotBeUnsetOnlyMoved) {
  const std::string user_id = make_user();
  const Address home = add_address(user_id, "Home");
  const Address work = add_address(user_id, "Work");
  AddressPatch unset;
  unset.is_default = false;
  unset.label = "Renamed";
  EXPECT_THROW(run(addresses_.update(user_id, home.id, unset)), Conflict);
  EXPECT_EQ(run(addresses_.get(user_id, home.id)).label, "Home") << "nothing of the refused patch applied";
  // false on an address that is not the default is simply true already.
  EXPECT_FALSE(run(addresses_.update(user_id, work.id, unset)).is_default);
  EXPECT_EQ(default_ids(user_id), std::vector<std::string>{home.id});
}

TEST_F(UsersService, DeletingTheDefaultPromotesTheMostRecentRemaining) {
  const std::string user_id = make_user();
  const Address a = add_address(user_id, "A");
  const Address b = add_address(user_id, "B");
  const Address c = add_address(user_id, "C");
  run(addresses_.remove(user_id, a.id));
  EXPECT_EQ(default_ids(user_id), std::vector<std::string>{c.id}) << "C is the most recent";
  run(addresses_.remove(user_id, b.id));  // not the default: the default stays
  EXPECT_EQ(default_ids(user_id), std::vector<std::string>{c.id});
  run(addresses_.remove(user_id, c.id));
  EXPECT_TRUE(default_ids(user_id).empty());
  EXPECT_EQ(address_count(user_id), 0);
  EXPECT_TRUE(add_address(user_id, "D").is_default) << "the next first address is the default again";
}

TEST_F(UsersService, DatabaseRefusesASecondDefaultWhateverTheCode) {
  const std::string user_id = make_user();
  const Address home = add_address(user_id, "Home");
  const Address work = add_address(user_id, "Work");
  EXPECT_THROW(database_.exec("UPDATE users.addresses SET is_default = true WHERE id = '" + work.id + "'"),
               std::runtime_error);
  EXPECT_EQ(default_ids(user_id), std::vector<std::string>{home.id});
}

TEST_F(UsersService, ConcurrentSetDefaultOnTwoAddressesLeavesExactlyOne) {
  const std::string user_id = make_user();
  const Address home = add_address(user_id, "Home");
  for (int round = 0; round < 10; ++round) {
    const Address a = add_address(user_id, "A" + std::to_string(round));
    const Address b = add_address(user_id, "B" + std::to_string(round));
    AddressPatch make_default;
    make_default.is_default = true;
    auto set_default = [&](std::string id) {
      return [&, id]() -> asio::awaitable<void> { co_await addresses_.update(user_id, id, make_default); };
    };
    auto [failures, error] = run_concurrently({set_default(a.id), set_default(b.id)});
    EXPECT_EQ(failures, 0) << error;
    const auto defaults = default_ids(user_id);
    ASSERT_EQ(defaults.size(), 1u) << "round " << round;
    EXPECT_TRUE(defaults[0] == a.id || defaults[0] == b.id);
    run(addresses_.remove(user_id, a.id));
    run(addresses_.remove(user_id, b.id));
    EXPECT_EQ(default_ids(user_id).size(), 1u);
  }
  (void)home;
}

TEST_F(UsersService, ConcurrentFirstAddressesMakeOneDefault) {
  for (int round = 0; round < 10; ++round) {
    const std::string user_id = make_user();
    std::vector<std::function<asio::awaitable<void>()>> tasks;
    for (int i = 0; i < 4; ++i) {
      tasks.push_back([&, i]() -> asio::awaitable<void> {
        NewAddress a = new_address("Place " + std::to_string(i));
        co_await addresses_.create(user_id, a);
      });
    }
    auto [failures, error] = run_concurrently(std::move(tasks));
    EXPECT_EQ(failures, 0) << error;
    EXPECT_EQ(address_count(user_id), 4);
    EXPECT_EQ(default_ids(user_id).size(), 1u) << "round " << round;
  }
}

TEST_F(UsersService, ConcurrentDeleteOfTheDefaultAndSetDefaultKeepOne) {
  for (int round = 0; round < 10; ++round) {
    const std::string user_id = make_user();
    const Address a = add_address(user_id, "A");
    const Address b = add_address(user_id, "B");
    const Address c = add_address(user_id, "C");
    AddressPatch make_default;
    make_default.is_default = true;
    auto [failures, error] = run_concurrently(
        {[&]() -> asio::awaitable<void> { co_await addresses_.remove(user_id, a.id); },
         [&]() -> asio::awaitable<void> { co_await addresses_.update(user_id, b.id, make_default); }});
    EXPECT_EQ(failures, 0) << error;
    EXPECT_EQ(address_count(user_id), 2);
    EXPECT_EQ(default_ids(user_id).size(), 1u) << "round " << round;
    (void)c;
  }
}

TEST_F(UsersService, AddressBookIsBounded) {
  const std::string user_id = make_user();
  for (std::int64_t i = 0; i < AddressService::kMaxAddressesPerUser; ++i) add_address(user_id, "A" + std::to_string(i));
  EXPECT_THROW(add_address(user_id, "One too many"), Conflict);
  EXPECT_EQ(address_count(user_id), AddressService::kMaxAddressesPerUser);
}

TEST_F(UsersService, AddressBeforeTheProfileExistsIsNotFound) {
  const std::string user_id = new_uuid();
  EXPECT_THROW(add_address(user_id, "Home"), NotFound);
  EXPECT_EQ(address_count(user_id), 0);
}

// --- ownership ---

TEST_F(UsersService, AnotherUsersAddressIsNotFoundAndUntouched) {
  const std::string alice = make_user("Alice");
  const std::string mallory = make_user("Mallory");
  const Address home = add_address(alice, "Alice's home");
  add_address(mallory, "Mallory's");
  const std::string before = value("SELECT row_to_json(a)::text FROM users.addresses a WHERE id = '" + home.id + "'");

  EXPECT_THROW(run(addresses_.get(mallory, home.id)), NotFound);
  AddressPatch patch;
  patch.label = "Pwned";
  patch.is_default = true;
  EXPECT_THROW(run(addresses_.update(mallory, home.id, patch)), NotFound);
  EXPECT_THROW(run(addresses_.remove(mallory, home.id)), NotFound);

  EXPECT_EQ(value("SELECT row_to_json(a)::text FROM users.addresses a WHERE id = '" + home.id + "'"), before);
  EXPECT_EQ(default_ids(alice), std::vector<std::string>{home.id});
  EXPECT_EQ(default_ids(mallory).size(), 1u) << "Mallory's own default untouched too";
  EXPECT_TRUE(run(addresses_.list(mallory, std::nullopt, 100)).items.size() == 1);
}

TEST_F(UsersService, MalformedIdsAreNotFound) {
  const std::string user_id = make_user();
  AddressPatch patch;
  patch.label = "x";
  for (const char* id : {"", "42", "not-a-uuid", "0190f5d2-7b1c-7a3e-9f00-0123456789ab'; DROP TABLE x; --"}) {
    EXPECT_THROW(run(addresses_.get(user_id, id)), NotFound) << id;
    EXPECT_THROW(run(addresses_.update(user_id, id, patch)), NotFound) << id;
    EXPECT_THROW(run(addresses_.remove(user_id, id)), NotFound) << id;
  }
}

TEST_F(UsersService, UserInterfaceReturnsOnlyTheOwnersAddress) {
  const std::string alice = make_user("Alice");
  const std::string bob = make_user("Bob");
  const Address home = add_address(alice, "Home");

  auto mine = run(directory_.get_user_address(alice, home.id));
  ASSERT_TRUE(mine.has_value());
  EXPECT_EQ(mine->id, home.id);
  EXPECT_EQ(mine->user_id, alice);
  EXPECT_EQ(mine->label, "Home");
  EXPECT_EQ(mine->country, "FR");
  EXPECT_TRUE(mine->is_default);

  EXPECT_FALSE(run(directory_.get_user_address(bob, home.id)).has_value()) << "another user's address";
  EXPECT_FALSE(run(directory_.get_user_address(alice, new_uuid())).has_value());
  EXPECT_FALSE(run(directory_.get_user_address(alice, "nope")).has_value());
  EXPECT_FALSE(run(directory_.get_user_address("nope", home.id)).has_value());
}

TEST_F(UsersService, UserInterfaceFindsProfiles) {
  const std::string alice = make_user("Alice");
  auto user = run(directory_.get_user_by_id(alice));
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->id, alice);
  EXPECT_EQ(user->name, "Alice");
  EXPECT_EQ(user->locale, "fr");
  EXPECT_FALSE(user->phone.has_value());
  EXPECT_FALSE(run(directory_.get_user_by_id(new_uuid())).has_value());
  EXPECT_FALSE(run(directory_.get_user_by_id("garbage")).has_value());
  // The module hands out the same implementation.
  EXPECT_TRUE(run(module_->user_interface().get_user_by_id(alice)).has_value());
}

// --- geography ---

TEST_F(UsersService, CoordinatesRoundTripExactlyThroughGeography) {
  const std::string user_id = make_user();
  struct Point {
    double lat, lng;
  };
  for (const Point& p : {Point{48.858370, 2.294481}, Point{-33.86882012345678, 151.20929912345678},
                         Point{90, 180}, Point{-90, -180}, Point{0, 0}, Point{64.1466, -21.9426},
                         Point{1e-9, -1e-9}}) {
    const Address created = add_address(user_id, new_address("P", p.lat, p.lng));
    EXPECT_EQ(created.lat, p.lat);
    EXPECT_EQ(created.lng, p.lng);
    const Address read = run(addresses_.get(user_id, created.id));
    EXPECT_EQ(read.lat, p.lat);
    EXPECT_EQ(read.lng, p.lng);
    auto dto = run(directory_.get_user_address(user_id, created.id));
    ASSERT_TRUE(dto.has_value());
    EXPECT_EQ(dto->lat, p.lat);
    EXPECT_EQ(dto->lng, p.lng);
  }
}

TEST_F(UsersService, LocationIsAWgs84GeographyPointInLongitudeLatitudeOrder) {
  const std::string user_id = make_user();
  const Address eiffel = add_address(user_id, new_address("Eiffel", 48.858370, 2.294481));
  const Address louvre = add_address(user_id, new_address("Louvre", 48.860611, 2.337644));
  const std::string where = " FROM users.addresses WHERE id = '" + eiffel.id + "'";
  EXPECT_EQ(value("SELECT pg_typeof(location)::text" + where), "geography");
  EXPECT_EQ(value("SELECT ST_SRID(location::geometry)" + where), "4326");
  EXPECT_EQ(value("SELECT GeometryType(location::geometry)" + where), "POINT");
  EXPECT_EQ(value("SELECT ST_AsText(location)" + where), "POINT(2.294481 48.85837)");
  // Geodesic distance in metres: about 3.2 km between the two, as a map says.
  const double metres = std::stod(value("SELECT ST_Distance(a.location, b.location) FROM users.addresses a, "
                                        "users.addresses b WHERE a.id = '" +
                                        eiffel.id + "' AND b.id = '" + louvre.id + "'"));
  EXPECT_NEAR(metres, 3170, 60);
}

TEST_F(UsersService, PatchMovesThePointAndKeepsTheRest) {
  const std::string user_id = make_user();
  NewAddress a = new_address("Home");
  a.line2 = "Bâtiment B";
  a.instructions = "Code 4521B";
  const Address home = add_address(user_id, a);
  AddressPatch patch;
  patch.lat = 45.764043;
  patch.lng = 4.835659;
  patch.city = "Lyon";
  patch.line2 = std::optional<std::string>();  // removed
  const Address moved = run(addresses_.update(user_id, home.id, patch));
  EXPECT_EQ(moved.lat, 45.764043);
  EXPECT_EQ(moved.lng, 4.835659);
  EXPECT_EQ(moved.city, "Lyon");
  EXPECT_FALSE(moved.line2.has_value());
  EXPECT_EQ(moved.instructions, "Code 4521B");
  EXPECT_EQ(moved.label, "Home");
  EXPECT_EQ(moved.postal_code, "75001");
  EXPECT_TRUE(moved.is_default);
  EXPECT_EQ(moved.created_at, home.created_at);
  EXPECT_GE(moved.updated_at, home.updated_at);
}

// --- listing ---

TEST_F(UsersService, ListIsNewestFirstAndPagesWithoutGapsOrRepeats) {
  const std::string user_id = make_user();
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) created.push_back(add_address(user_id, "A" + std::to_string(i)).id);
  add_address(make_user(), "Someone else's");

  std::vector<std::string> seen;
  std::optional<AddressKey> after;
  int pages = 0;
  do {
    AddressPage page = run(addresses_.list(user_id, after, 2));
    ++pages;
    EXPECT_LE(page.items.size(), 2u);
    for (const auto& a : page.items) {
      EXPECT_EQ(a.user_id, user_id);
      seen.push_back(a.id);
    }
    if (pages == 1) add_address(user_id, "Created while paging");  // lands before the cursor: not seen
    after = page.next;
  } while (after && pages < 10);
  EXPECT_EQ(pages, 3);
  const std::vector<std::string> newest_first(created.rbegin(), created.rend());
  EXPECT_EQ(seen, newest_first);
}

TEST_F(UsersService, ListOfAUserWithoutAddressesIsEmpty) {
  AddressPage page = run(addresses_.list(make_user(), std::nullopt, 20));
  EXPECT_TRUE(page.items.empty());
  EXPECT_FALSE(page.next.has_value());
  EXPECT_TRUE(run(addresses_.list(new_uuid(), std::nullopt, 20)).items.empty());
}

TEST_F(UsersService, ExactlyFullPageHasNoNextCursor) {
  const std::string user_id = make_user();
  for (int i = 0; i < 3; ++i) add_address(user_id, "A" + std::to_string(i));
  AddressPage page = run(addresses_.list(user_id, std::nullopt, 3));
  EXPECT_EQ(page.items.size(), 3u);
  EXPECT_FALSE(page.next.has_value());
}

}  // namespace
}  // namespace nelo::users::test
