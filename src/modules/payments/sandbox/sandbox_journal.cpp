#include "modules/payments/sandbox/sandbox_journal.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "modules/payments/sandbox/sandbox_records.hpp"

namespace nelo::payments {
namespace {

namespace json = boost::json;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("sandbox journal: " + what + " " + path + ": " + std::strerror(errno));
}

std::string charge_line(const SandboxCharge& charge, const SandboxEvent* event) {
  return json::serialize(json::object{{"charge", charge_to_json(charge)},
                                      {"event", event ? event_to_json(*event) : json::value(nullptr)}}) +
         "\n";
}

void write_all(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

SandboxJournal::Contents SandboxJournal::read(const std::string& path) {
  Contents out;
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path)) return out;
    fail("cannot read", path);
  }
  std::map<std::string, SandboxCharge> charges;
  std::vector<SandboxEvent> events;
  std::set<std::string> settled;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    const json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) {
      ++out.skipped_lines;
      continue;
    }
    const auto& o = v.as_object();
    if (const auto* id = o.if_contains("settled"); id && id->is_string()) {
      settled.emplace(id->as_string());
      continue;
    }
    // A charge's new state, the event it produced, or both (a compacted unsent event has no charge).
    const auto* charge_value = o.if_contains("charge");
    const auto* event_value = o.if_contains("event");
    const bool has_charge = charge_value && !charge_value->is_null();
    const bool has_event = event_value && !event_value->is_null();
    auto charge = has_charge ? charge_from_json(*charge_value) : std::nullopt;
    auto event = has_event ? event_from_json(*event_value) : std::nullopt;
    if ((has_charge && !charge) || (has_event && !event) || (!has_charge && !has_event)) {
      ++out.skipped_lines;
      continue;
    }
    if (event) events.push_back(std::move(*event));
    if (charge) {
      const std::string reference = charge->reference;
      charges.insert_or_assign(reference, std::move(*charge));
    }
  }
  for (auto& [reference, charge] : charges) out.charges.push_back(std::move(charge));
  for (auto& e : events) {
    if (!settled.contains(e.id)) out.unsent.push_back(std::move(e));
  }
  return out;
}

SandboxJournal::SandboxJournal(std::string path, const Contents& contents, bool sync)
    : path_(std::move(path)), sync_(sync) {
  const std::filesystem::path file(path_);
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
  }
  // The compacted state, written aside and renamed over the file: a crash leaves the old or the new.
  std::string compacted;
  for (const auto& c : contents.charges) compacted += charge_line(c, nullptr);
  for (const auto& e : contents.unsent) {
    compacted += json::serialize(json::object{{"charge", nullptr}, {"event", event_to_json(e)}}) + "\n";
  }
  const std::string temporary = path_ + ".tmp";
  const int tmp = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (tmp < 0) fail("cannot create", temporary);
  write_all(tmp, compacted, temporary);
  if (::fsync(tmp) != 0 || ::close(tmp) != 0) fail("cannot flush", temporary);
  if (::rename(temporary.c_str(), path_.c_str()) != 0) fail("cannot replace", path_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) fail("cannot open", path_);
}

SandboxJournal::~SandboxJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void SandboxJournal::append(const std::string& line) {
  std::lock_guard lock(mutex_);
  write_all(fd_, line, path_);
  if (sync_ && ::fdatasync(fd_) != 0) fail("cannot flush", path_);
}

void SandboxJournal::charge_changed(const SandboxCharge& charge, const SandboxEvent* event) {
  append(charge_line(charge, event));
}

void SandboxJournal::event_settled(const std::string& event_id) {
  append(json::serialize(json::object{{"settled", event_id}}) + "\n");
}

}  // namespace nelo::payments
