#include "core/security/password_hasher.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>
#include <chrono>
#include <regex>
#include <thread>

#include "core/errors.hpp"
#include "support/run_async.hpp"

namespace nelo::security {
namespace {

namespace asio = boost::asio;
using test::run_async;

// One hasher with the production defaults for the whole suite: construction costs a hash.
PasswordHasher& hasher() {
  static PasswordHasher instance;
  return instance;
}

std::string hash(const std::string& password) {
  asio::io_context io;
  return run_async(io, hasher().hash(password));
}

bool verify(const std::string& encoded, const std::string& password) {
  asio::io_context io;
  return run_async(io, hasher().verify(encoded, password));
}

TEST(SecurityPasswordHasher, HashThenVerifyRoundTrips) {
  auto encoded = hash("correct horse battery staple");
  EXPECT_TRUE(encoded.starts_with("$argon2id$"));
  EXPECT_TRUE(verify(encoded, "correct horse battery staple"));
  EXPECT_FALSE(verify(encoded, "correct horse battery stapler"));
  EXPECT_FALSE(verify(encoded, ""));
}

TEST(SecurityPasswordHasher, SamePasswordHashesDifferently) {
  // Random salt per hash: equal passwords are not visible as equal hashes.
  EXPECT_NE(hash("twelve chars"), hash("twelve chars"));
}

TEST(SecurityPasswordHasher, EncodedParametersMeetAsvsLevel2) {
  auto encoded = hash("twelve chars");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(encoded, m, std::regex(R"(^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$)"))) << encoded;
  EXPECT_GE(std::stoul(m[1]), 19u * 1024u);  // KiB
  EXPECT_GE(std::stoul(m[2]), 2u);
  EXPECT_EQ(std::stoul(m[3]), 1u);
}

TEST(SecurityPasswordHasher, UnicodePasswordsAreHashedAsTheirBytes) {
  const std::string password = "mot de passe très sûr 🔐 пароль 密码";
  auto encoded = hash(password);
  EXPECT_TRUE(verify(encoded, password));
  // No normalisation: the same text in NFD ("e" + combining grave) is another password.
  EXPECT_FALSE(verify(encoded, "mot de passe tre\xcc\x80s sûr 🔐 пароль 密码"));
}

TEST(SecurityPasswordHasher, TwelveAnd128CharacterPasswords) {
  const std::string twelve = "abcdefghijk!";
  ASSERT_EQ(twelve.size(), 12u);
  EXPECT_TRUE(verify(hash(twelve), twelve));

  std::string unicode128;
  for (int i = 0; i < 128; ++i) unicode128 += "é";  // 128 characters, 256 bytes
  auto encoded = hash(unicode128);
  EXPECT_TRUE(verify(encoded, unicode128));
  EXPECT_FALSE(verify(encoded, unicode128.substr(0, 254)));  // 127 characters
}

TEST(SecurityPasswordHasher, LongPasswordsAreNeverTruncated) {
  std::string a(1000, 'x');
  std::string b = a;
  a.back() = 'a';
  b.back() = 'b';
  auto encoded = hash(a);
  EXPECT_TRUE(verify(encoded, a));
  EXPECT_FALSE(verify(encoded, b));
  EXPECT_FALSE(verify(encoded, a.substr(0, 999)));
  EXPECT_FALSE(verify(encoded, a.substr(0, 72)));  // bcrypt's cut-off
}

TEST(SecurityPasswordHasher, EmbeddedNulIsPartOfThePassword) {
  std::string with_nul("twelve\0chars", 12);
  auto encoded = hash(with_nul);
  EXPECT_TRUE(verify(encoded, with_nul));
  EXPECT_FALSE(verify(encoded, "twelve"));
}

TEST(SecurityPasswordHasher, MalformedEncodedHashNeverVerifies) {
  EXPECT_FALSE(verify("", "password"));
  EXPECT_FALSE(verify("not a hash", "not a hash"));
  EXPECT_FALSE(verify("$argon2id$v=19$m=19456,t=2,p=1$garbage", "password"));
  EXPECT_FALSE(verify(std::string(1000, '$'), "password"));
}

TEST(SecurityPasswordHasher, NeedsRehashWhenParametersDiffer) {
  auto encoded = hash("twelve chars");
  EXPECT_FALSE(hasher().needs_rehash(encoded));
  PasswordHasher stronger({.memory_bytes = 19u * 1024u * 1024u, .iterations = 3, .threads = 1});
  EXPECT_TRUE(stronger.needs_rehash(encoded));
  EXPECT_FALSE(stronger.needs_rehash(stronger.hash_blocking("twelve chars")));
  EXPECT_TRUE(hasher().needs_rehash("garbage"));
  EXPECT_TRUE(hasher().needs_rehash(""));
  // Argon2i with the same parameters still verifies but must be upgraded to Argon2id.
  EXPECT_TRUE(hasher().needs_rehash(
      "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

TEST(SecurityPasswordHasher, RejectsParametersBelowTheMinimums) {
  EXPECT_THROW(PasswordHasher({.memory_bytes = 8u * 1024u * 1024u}), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({.iterations = 1}), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({.threads = 0}), std::invalid_argument);
  EXPECT_THROW(PasswordHasher({.max_pending = 0}), std::invalid_argument);
}

TEST(SecurityPasswordHasher, ResumesOnTheCallersThread) {
  asio::io_context io;
  auto io_thread = std::this_thread::get_id();
  auto after = run_async(io, [&]() -> asio::awaitable<std::thread::id> {
    (void)co_await hasher().hash("twelve chars");
    co_return std::this_thread::get_id();
  }());
  EXPECT_EQ(after, io_thread);
}

TEST(SecurityPasswordHasher, IoThreadKeepsServingWhileHashing) {
  // Slower parameters so the hash clearly spans many timer ticks.
  PasswordHasher slow({.memory_bytes = 64u * 1024u * 1024u, .iterations = 3, .threads = 1});
  asio::io_context io;
  bool done = false;
  int ticks = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    (void)co_await slow.hash("twelve chars");
    done = true;
  }, asio::detached);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!done) {
      timer.expires_after(std::chrono::milliseconds(1));
      co_await timer.async_wait(asio::use_awaitable);
      ++ticks;
    }
  }, asio::detached);
  io.run();  // one thread: if hashing blocked it, no tick could happen before `done`
  EXPECT_TRUE(done);
  EXPECT_GE(ticks, 5);
}

TEST(SecurityPasswordHasher, FullBacklogIsRefusedWithRetryAfter) {
  PasswordHasher small({.memory_bytes = 64u * 1024u * 1024u,
                        .iterations = 3,
                        .threads = 1,
                        .max_pending = 1,
                        .retry_after = std::chrono::seconds(2)});
  asio::io_context io;
  std::string first;
  std::exception_ptr second_error;
  std::exception_ptr third_error;
  // The first takes the only slot; the two others arrive while it is still hashing.
  asio::co_spawn(io, small.hash("first password"), [&](std::exception_ptr, std::string h) { first = h; });
  asio::co_spawn(io, small.hash("second password"), [&](std::exception_ptr e, std::string) { second_error = e; });
  asio::co_spawn(io, small.verify("$argon2id$x", "third password"), [&](std::exception_ptr e, bool) { third_error = e; });
  io.run();

  EXPECT_TRUE(first.starts_with("$argon2id$"));
  for (auto error : {second_error, third_error}) {
    ASSERT_TRUE(error);
    try {
      std::rethrow_exception(error);
    } catch (const ServiceUnavailable& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
      ASSERT_TRUE(e.retry_after());
      EXPECT_EQ(*e.retry_after(), std::chrono::seconds(2));
    } catch (...) {
      ADD_FAILURE() << "expected ServiceUnavailable";
    }
  }
  // The slot is given back: the hasher serves again once the backlog has drained.
  EXPECT_EQ(small.pending(), 0u);
  io.restart();
  EXPECT_TRUE(small.verify_blocking(first, "first password"));
  EXPECT_TRUE(run_async(io, small.verify(first, "first password")));
}

TEST(SecurityPasswordHasher, ConcurrentCallsWithinTheBacklogAllSucceed) {
  PasswordHasher pool({.threads = 2, .max_pending = 8});
  asio::io_context io;
  int ok = 0;
  for (int i = 0; i < 8; ++i) {
    auto password = "password number " + std::to_string(i);
    asio::co_spawn(io, [&, password]() -> asio::awaitable<void> {
      auto encoded = co_await pool.hash(password);
      if (co_await pool.verify(encoded, password)) ++ok;
    }, asio::detached);
  }
  io.run();
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(pool.pending(), 0u);
}

// The cost of an Argon2 run is set by its parameters: a dummy verification that runs the same
// algorithm with the same parameters as a real one costs the same, whatever the machine's load
// (the wall-clock comparison lives in bench/suites/password_timing.sh).
TEST(SecurityPasswordHasher, VerifyDummyRunsTheSameArgon2AsAVerify) {
  PasswordHasher own({.threads = 1});
  std::vector<HashRun> runs;
  own.set_observer([&](const HashRun& run) { runs.push_back(run); });
  auto encoded = own.hash_blocking("the real password");
  asio::io_context io;
  EXPECT_FALSE(run_async(io, own.verify(encoded, "a wrong password")));
  io.restart();
  run_async(io, own.verify_dummy("a wrong password"));

  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].kind, HashRun::Kind::Verify);
  EXPECT_EQ(runs[1].kind, HashRun::Kind::Verify);
  EXPECT_EQ(runs[0].parameters, "$argon2id$v=19$m=19456,t=2,p=1");
  EXPECT_EQ(runs[1].parameters, runs[0].parameters);
  EXPECT_EQ(runs[1].password_bytes, runs[0].password_bytes);
  EXPECT_EQ(own.parameters(), runs[0].parameters);
}

TEST(SecurityPasswordHasher, VerifyDummyNeverSucceeds) {
  PasswordHasher own({.threads = 1});
  std::vector<HashRun> runs;
  own.set_observer([&](const HashRun& run) { runs.push_back(run); });
  asio::io_context io;
  for (const char* password : {"", "a wrong password", "correct horse battery staple"}) {
    io.restart();
    run_async(io, own.verify_dummy(password));
  }
  EXPECT_EQ(runs.size(), 3u);
}

TEST(SecurityPasswordHasher, ObserverSeesHashesWithTheCurrentParameters) {
  PasswordHasher stronger({.iterations = 3, .threads = 1});
  std::vector<HashRun> runs;
  stronger.set_observer([&](const HashRun& run) { runs.push_back(run); });
  asio::io_context io;
  auto encoded = run_async(io, stronger.hash("twelve chars"));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].kind, HashRun::Kind::Hash);
  EXPECT_EQ(runs[0].parameters, "$argon2id$v=19$m=19456,t=3,p=1");
  EXPECT_EQ(PasswordHasher::parameters_of(encoded), runs[0].parameters);
}

TEST(SecurityPasswordHasher, ParametersOfAnEncodedHash) {
  EXPECT_EQ(PasswordHasher::parameters_of("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
            "$argon2id$v=19$m=19456,t=2,p=1");
  EXPECT_EQ(PasswordHasher::parameters_of(""), "");
  EXPECT_EQ(PasswordHasher::parameters_of("not a hash"), "");
  EXPECT_EQ(PasswordHasher::parameters_of("$argon2id$v=19$m=19456,t=2,p=1"), "");
}

TEST(SecurityPasswordHasher, AReservationHoldsABacklogPlaceUntilItsWorkIsDone) {
  PasswordHasher small({.threads = 1, .max_pending = 1});
  auto held = small.reserve();
  EXPECT_EQ(small.pending(), 1u);
  EXPECT_THROW(small.reserve(), ServiceUnavailable);
  asio::io_context io;
  EXPECT_THROW(run_async(io, small.hash("twelve chars")), ServiceUnavailable);
  io.restart();
  auto encoded = run_async(io, small.hash(std::move(held), "twelve chars"));
  EXPECT_TRUE(encoded.starts_with("$argon2id$"));
  EXPECT_EQ(small.pending(), 0u);
  { auto dropped = small.reserve(); }
  EXPECT_EQ(small.pending(), 0u) << "a reservation dropped unused gives its place back";
}

}  // namespace
}  // namespace nelo::security

namespace nelo::security {
namespace {

// Threads of this process running SCHED_IDLE (field 41 of /proc/self/task/<tid>/stat: the
// policy, counted after the ")" that ends the name).
int lowered_threads() {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::vector<std::string> f((std::istream_iterator<std::string>(fields)), std::istream_iterator<std::string>());
    // f[0] is field 3 (state): field N is f[N - 3].
    if (f.size() > 38 && f[41 - 3] == std::to_string(SCHED_IDLE)) ++count;
  }
  return count;
}

TEST(SecurityPasswordHasher, HashingThreadsYieldToRequestThreads) {
  PasswordHasherOptions options;
  options.threads = 1;
  PasswordHasher own(options);
  asio::io_context io;
  run_async(io, own.hash("a password long enough"));
  EXPECT_GE(lowered_threads(), 1) << "the hashing thread runs as SCHED_IDLE";
  EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())), 0) << "the caller's thread is untouched";
}

}  // namespace
}  // namespace nelo::security
