#pragma once
// The sandbox processor's own storage: an append-only file of JSON lines, one per change, written
// (and, by default, flushed to disk with fdatasync) before the processor answers. A real processor
// keeps its records whatever happens to its clients; this one keeps them across its own restarts,
// so that webhooks still unsent at a crash are sent after it and `nelo payments reconcile` can
// compare nelo's payments with what the processor says, from another process.
//
// Why a file and not a schema in nelo's database: the processor stands for a third party that
// shares nothing with nelo (its own process, its own port); a schema would tie it to nelo's
// database, its roles and migrations, and let the two be changed in one transaction, which a real
// processor never allows. Its data is small (a line per change), written by one process.
//
// Lines: {"charge": {...}, "event": {...} | null} when a charge changed (with the webhook event
// it produced), {"settled": "evt_..."} when an event was delivered or given up on. Reading keeps
// each charge's last state and the events not settled, in order; a line that does not parse (the
// last one, cut by a crash) is skipped. Opening rewrites the file compacted (that state only)
// through a temporary file and a rename, so it does not grow without end.

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "modules/payments/sandbox/sandbox_processor.hpp"

namespace nelo::payments {

class SandboxJournal {
 public:
  struct Contents {
    std::vector<SandboxCharge> charges;  // by reference
    std::vector<SandboxEvent> unsent;    // in the order they happened
    std::size_t skipped_lines = 0;       // lines that did not parse
  };

  // What the file at `path` holds (empty when there is no file). Never writes. Throws
  // std::runtime_error when the file exists but cannot be read.
  static Contents read(const std::string& path);

  // Rewrites `path` with `contents` (compacted), then opens it for appending. `sync`: fdatasync
  // after every line. Throws std::runtime_error when the file or its folder cannot be written.
  SandboxJournal(std::string path, const Contents& contents, bool sync = true);
  ~SandboxJournal();
  SandboxJournal(const SandboxJournal&) = delete;
  SandboxJournal& operator=(const SandboxJournal&) = delete;

  // Throw std::runtime_error when the line cannot be written.
  void charge_changed(const SandboxCharge& charge, const SandboxEvent* event);
  void event_settled(const std::string& event_id);

  const std::string& path() const noexcept { return path_; }

 private:
  void append(const std::string& line);

  std::string path_;
  bool sync_;
  int fd_ = -1;
  std::mutex mutex_;
};

}  // namespace nelo::payments
