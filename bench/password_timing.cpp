// bench/run password_timing: the wall-clock time of a real Argon2id verification (a wrong
// password for an existing account), of the dummy verification an unknown e-mail runs, and of a
// hash (registration), each the median of N runs on the hasher's own pool, one at a time.
// Prints one line per case and the dummy/real ratio, which should be close to 1: the unit tests
// prove the two run the same algorithm with the same parameters; this shows the time follows.
//
// Usage: nelo_bench_password_timing [RUNS]   (default 15)

#include <boost/asio/io_context.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "core/security/password_hasher.hpp"

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

double median_ms(int runs, const std::function<asio::awaitable<void>()>& make) {
  std::vector<double> samples;
  for (int i = 0; i < runs; ++i) {
    asio::io_context io;
    const auto start = Clock::now();
    asio::co_spawn(io, make(), asio::detached);
    io.run();
    samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 15;
  nelo::security::PasswordHasher hasher({.threads = 1});
  const std::string encoded = hasher.hash_blocking("the real password of the account");
  const double real = median_ms(runs, [&]() -> asio::awaitable<void> {
    (void)co_await hasher.verify(encoded, "a wrong password for it");
  });
  const double dummy = median_ms(runs, [&]() -> asio::awaitable<void> {
    co_await hasher.verify_dummy("a wrong password for it");
  });
  const double hash = median_ms(runs, [&]() -> asio::awaitable<void> {
    (void)co_await hasher.hash("a new account's password");
  });
  std::printf("parameters %s, %d runs each (median)\n", hasher.parameters().c_str(), runs);
  std::printf("verify_wrong_ms=%.1f verify_dummy_ms=%.1f hash_ms=%.1f dummy_over_real=%.2f\n", real, dummy, hash,
              dummy / real);
  return 0;
}
