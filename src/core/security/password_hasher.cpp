#include "core/security/password_hasher.hpp"

#include <sched.h>
#include <sodium.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <stdexcept>
#include <utility>

#include "core/errors.hpp"
#include "core/security/sodium_init.hpp"
#include "core/security/tokens.hpp"

namespace nelo::security {

namespace asio = boost::asio;

namespace {

// Hashing is slow on purpose and never urgent: the pool's threads run as SCHED_IDLE, which any
// runnable request thread preempts at once, so a login flood only uses what the I/O threads and
// the database leave of the cores. (SCHED_BATCH at nice 19 still let /users/me's p99 reach 9 to
// 300 ms during a flood on two cores; SCHED_IDLE kept it under 4 ms, for ~15 % fewer logins per
// second when the machine is saturated. The bounded backlog answers 503 beyond that.) Done once
// per thread, on its first job; nice 19 under SCHED_BATCH where SCHED_IDLE is refused.
void lower_this_thread_priority() noexcept {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  sched_param param{};
  if (sched_setscheduler(0, SCHED_IDLE, &param) == 0) return;  // 0: the calling thread (Linux)
  (void)sched_setscheduler(0, SCHED_BATCH, &param);
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
}

// Runs `work` on `pool` and completes on the caller's executor. The caller's executor is kept
// busy (outstanding work) meanwhile, so its io_context does not run out of work and return
// while a hash is in flight.
template <class Result, class Work>
asio::awaitable<Result> run_on_pool(asio::thread_pool& pool, PasswordHasher::Reservation slot, Work work) {
  auto initiate = [&pool](auto handler, PasswordHasher::Reservation slot, Work work) {
    auto caller = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
    asio::post(pool, [handler = std::move(handler), caller = std::move(caller), slot = std::move(slot),
                      work = std::move(work)]() mutable {
      lower_this_thread_priority();
      std::exception_ptr error;
      Result result{};
      try {
        result = work();
      } catch (...) {
        error = std::current_exception();
      }
      { PasswordHasher::Reservation done = std::move(slot); }  // free the slot before the caller resumes
      asio::post(caller, [handler = std::move(handler), error, result = std::move(result)]() mutable {
        std::move(handler)(error, std::move(result));
      });
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, Result)>(
      std::move(initiate), asio::use_awaitable, std::move(slot), std::move(work));
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordHasherOptions options)
    : options_(options), pool_(options.threads == 0 ? 1 : options.threads) {
  detail::ensure_sodium_initialized();
  if (options_.memory_bytes < kMinMemoryBytes || options_.memory_bytes > crypto_pwhash_MEMLIMIT_MAX) {
    throw std::invalid_argument("password hasher: memory must be at least 19 MiB");
  }
  if (options_.iterations < kMinIterations || options_.iterations > crypto_pwhash_OPSLIMIT_MAX) {
    throw std::invalid_argument("password hasher: at least 2 iterations are required");
  }
  if (options_.threads == 0) throw std::invalid_argument("password hasher: at least one thread is required");
  if (options_.max_pending == 0) throw std::invalid_argument("password hasher: max_pending must be positive");
  // A random password nobody knows: verifying against it can never succeed.
  auto secret = random_token(32);
  dummy_hash_ = hash_blocking(secret);
  wipe(secret);
}

PasswordHasher::~PasswordHasher() { pool_.join(); }

PasswordHasher::Reservation PasswordHasher::reserve() {
  auto current = pending_.load(std::memory_order_relaxed);
  do {
    if (current >= options_.max_pending) {
      throw ServiceUnavailable("Too many password checks are in progress; retry shortly", options_.retry_after);
    }
  } while (!pending_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel));
  return Reservation(pending_);
}

std::string PasswordHasher::parameters_of(std::string_view encoded) {
  // $alg$v=..$m=..,t=..,p=..$salt$hash: the parameters end where the salt starts, at the fourth
  // '$' counting the leading one.
  if (!encoded.starts_with('$')) return {};
  std::size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    at = encoded.find('$', at + 1);
    if (at == std::string_view::npos) return {};
  }
  return std::string(encoded.substr(0, at));
}

std::string PasswordHasher::parameters() const { return parameters_of(dummy_hash_); }

void PasswordHasher::observe(HashRun::Kind kind, std::string_view encoded, std::size_t password_bytes) const {
  if (!observer_) return;
  HashRun run;
  run.kind = kind;
  run.parameters = kind == HashRun::Kind::Hash ? parameters() : parameters_of(encoded);
  run.password_bytes = password_bytes;
  observer_(run);
}

asio::awaitable<std::string> PasswordHasher::hash(std::string password) {
  auto reservation = reserve();
  co_return co_await hash(std::move(reservation), std::move(password));
}

asio::awaitable<bool> PasswordHasher::verify(std::string encoded, std::string password) {
  auto reservation = reserve();
  co_return co_await verify(std::move(reservation), std::move(encoded), std::move(password));
}

asio::awaitable<void> PasswordHasher::verify_dummy(std::string password) {
  auto reservation = reserve();
  co_await verify_dummy(std::move(reservation), std::move(password));
}

asio::awaitable<std::string> PasswordHasher::hash(Reservation reservation, std::string password) {
  observe(HashRun::Kind::Hash, {}, password.size());
  auto work = [this, password = std::move(password)]() mutable {
    auto encoded = hash_blocking(password);
    wipe(password);
    return encoded;
  };
  wipe(password);  // moved from: only a short string's inline bytes can remain
  co_return co_await run_on_pool<std::string>(pool_, std::move(reservation), std::move(work));
}

asio::awaitable<bool> PasswordHasher::verify(Reservation reservation, std::string encoded, std::string password) {
  observe(HashRun::Kind::Verify, encoded, password.size());
  auto work = [this, encoded = std::move(encoded), password = std::move(password)]() mutable {
    bool ok = verify_blocking(encoded, password);
    wipe(password);
    return ok;
  };
  wipe(password);
  co_return co_await run_on_pool<bool>(pool_, std::move(reservation), std::move(work));
}

asio::awaitable<void> PasswordHasher::verify_dummy(Reservation reservation, std::string password) {
  (void)co_await verify(std::move(reservation), dummy_hash_, std::move(password));
}

bool PasswordHasher::needs_rehash(std::string_view encoded) const {
  if (encoded.size() >= crypto_pwhash_STRBYTES) return true;
  std::string terminated(encoded);  // libsodium reads a C string
  return crypto_pwhash_argon2id_str_needs_rehash(terminated.c_str(), options_.iterations, options_.memory_bytes) != 0;
}

std::string PasswordHasher::hash_blocking(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), options_.iterations, options_.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // The only failure once the parameters are valid: the memory could not be allocated.
    throw ServiceUnavailable("Password hashing is temporarily unavailable", options_.retry_after);
  }
  return std::string(out);
}

bool PasswordHasher::verify_blocking(std::string_view encoded, std::string_view password) const {
  // An encoded hash that cannot be a libsodium string never verifies (and is not read past).
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES || encoded.find('\0') != std::string_view::npos) {
    return false;
  }
  std::string terminated(encoded);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

}  // namespace nelo::security
