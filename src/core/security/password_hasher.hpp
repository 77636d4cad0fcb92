#pragma once
// Argon2id password hashing (libsodium), run on its own small thread pool so that the I/O
// threads never do the deliberately slow work, with a bounded backlog so a login flood is
// refused quickly (503 + Retry-After) instead of queueing without end and starving others.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace nelo::security {

struct PasswordHasherOptions {
  // OWASP / ASVS level 2 minimum for Argon2id: m = 19 MiB, t = 2, p = 1. These are floors:
  // the constructor rejects anything weaker.
  std::size_t memory_bytes = 19u * 1024u * 1024u;
  std::uint64_t iterations = 2;
  // Threads that hash; each hash holds memory_bytes while it runs.
  std::size_t threads = 2;
  // Hashes accepted at once (running + waiting). Beyond it, calls throw ServiceUnavailable.
  std::size_t max_pending = 64;
  // Advertised in the 503 when the backlog is full.
  std::chrono::seconds retry_after{1};
};

// One Argon2 run the hasher was asked for, as its observer sees it (tests count and inspect them
// instead of timing them: the cost of a run is set by its parameters).
struct HashRun {
  enum class Kind { Hash, Verify };
  Kind kind = Kind::Hash;
  // The parameter part of the encoded hash the run works with: "$argon2id$v=19$m=19456,t=2,p=1".
  std::string parameters;
  std::size_t password_bytes = 0;
};

class PasswordHasher {
 public:
  static constexpr std::size_t kMinMemoryBytes = 19u * 1024u * 1024u;
  static constexpr std::uint64_t kMinIterations = 2;

  // A place in the backlog, taken before the work it is for (reserve()), given back when the
  // work is done or the reservation dropped. Lets a caller learn that hashing is saturated (503)
  // before doing anything that must not happen for a refused request (counting a login attempt).
  class Reservation {
   public:
    Reservation(Reservation&& other) noexcept : pending_(std::exchange(other.pending_, nullptr)) {}
    Reservation& operator=(Reservation&&) = delete;
    ~Reservation() {
      if (pending_) pending_->fetch_sub(1, std::memory_order_acq_rel);
    }

   private:
    friend class PasswordHasher;
    explicit Reservation(std::atomic<std::size_t>& pending) : pending_(&pending) {}
    std::atomic<std::size_t>* pending_;
  };

  // Throws std::invalid_argument on parameters below the minimums or zero threads/backlog.
  // Computes the dummy hash verify_dummy() uses (one hash, so construct it at start-up).
  explicit PasswordHasher(PasswordHasherOptions options = {});
  // Finishes the work already accepted, then joins the pool.
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // These run the hash on the pool and resume the caller on its own executor. They throw
  // nelo::ServiceUnavailable (with retry_after) at once when max_pending hashes are in flight.
  // The password is taken by value and wiped once hashed. It is used as the full byte string
  // (UTF-8 as received), never truncated or normalised: length limits belong to the caller.
  boost::asio::awaitable<std::string> hash(std::string password);
  // False for a wrong password and for an encoded hash that is not a valid Argon2 string.
  boost::asio::awaitable<bool> verify(std::string encoded, std::string password);
  // Costs the same as verify() against a hash with the current parameters, and always fails:
  // call it when the account does not exist so that "unknown email" and "wrong password" take
  // comparable time.
  boost::asio::awaitable<void> verify_dummy(std::string password);

  // Takes a backlog place now; throws ServiceUnavailable (with retry_after) when it is full.
  Reservation reserve();
  // The same runs on a place taken beforehand.
  boost::asio::awaitable<std::string> hash(Reservation reservation, std::string password);
  boost::asio::awaitable<bool> verify(Reservation reservation, std::string encoded, std::string password);
  boost::asio::awaitable<void> verify_dummy(Reservation reservation, std::string password);

  // Called on the caller's thread for every run accepted, before it starts. Set it before the
  // hasher is shared (not synchronised).
  void set_observer(std::function<void(const HashRun&)> observer) { observer_ = std::move(observer); }
  // "$argon2id$v=19$m=19456,t=2,p=1" of an encoded hash (everything before the salt); empty
  // when it is not one.
  static std::string parameters_of(std::string_view encoded);
  // The same for the hashes this hasher makes.
  std::string parameters() const;

  // True when `encoded` is not Argon2id with exactly the current parameters (weaker, stronger,
  // argon2i, or unparsable): rehash it after the next successful login.
  bool needs_rehash(std::string_view encoded) const;

  // Synchronous forms, for command-line tools and tests; never call them on an I/O thread.
  std::string hash_blocking(std::string_view password) const;
  bool verify_blocking(std::string_view encoded, std::string_view password) const;

  // Hashes accepted and not yet finished (for metrics and tests).
  std::size_t pending() const noexcept { return pending_.load(std::memory_order_relaxed); }
  const PasswordHasherOptions& options() const noexcept { return options_; }

 private:
  void observe(HashRun::Kind kind, std::string_view encoded, std::size_t password_bytes) const;

  PasswordHasherOptions options_;
  std::function<void(const HashRun&)> observer_;
  std::string dummy_hash_;
  std::atomic<std::size_t> pending_{0};
  boost::asio::thread_pool pool_;
};

}  // namespace nelo::security
