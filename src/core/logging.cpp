#include "core/logging.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <chrono>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "core/utf8.hpp"

namespace nelo::logging {

namespace {

thread_local const std::string* t_request_id = nullptr;
const std::string kEmpty;

// Loggers that setup() replaced, kept alive: another thread may still be writing through one (the
// default logger and the access logger are both used through raw pointers). setup() runs once at
// start-up, and once per log capture in tests, so this stays small.
std::mutex g_loggers_mutex;
std::vector<std::shared_ptr<spdlog::logger>> g_retired;      // guarded by g_loggers_mutex
std::shared_ptr<spdlog::logger> g_access_owner;              // guarded by g_loggers_mutex
// The access logger (it shares the default logger's sink): read on every request, replaced by
// setup() while I/O threads may be writing access lines, never freed while the process runs.
std::atomic<spdlog::logger*> g_access{nullptr};
std::atomic<bool> g_json{true};

void retire(std::shared_ptr<spdlog::logger> logger) {
  if (!logger) return;
  std::lock_guard lock(g_loggers_mutex);
  g_retired.push_back(std::move(logger));
}

void install_access_logger(std::shared_ptr<spdlog::logger> logger) {
  std::lock_guard lock(g_loggers_mutex);
  g_access.store(logger.get(), std::memory_order_release);
  if (g_access_owner) g_retired.push_back(std::move(g_access_owner));
  g_access_owner = std::move(logger);
}

// ---- JSON string escaping --------------------------------------------------------------


template <class Out>
void escape_into(Out& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t run = 0;  // start of the pending run of bytes that need no escaping
  auto flush = [&](std::size_t end) {
    if (end > run) out.append(text.data() + run, text.data() + end);
  };
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (std::size_t n = utf8_sequence_length(text, i)) {
        i += n;
        continue;
      }
      flush(i);
      static constexpr std::string_view kReplacement = "\\ufffd";
      out.append(kReplacement.data(), kReplacement.data() + kReplacement.size());
      run = ++i;
      continue;
    }
    flush(i);
    char esc[6] = {'\\', 0, 0, 0, 0, 0};
    std::size_t len = 2;
    switch (c) {
      case '"': esc[1] = '"'; break;
      case '\\': esc[1] = '\\'; break;
      case '\n': esc[1] = 'n'; break;
      case '\r': esc[1] = 'r'; break;
      case '\t': esc[1] = 't'; break;
      case '\b': esc[1] = 'b'; break;
      case '\f': esc[1] = 'f'; break;
      default:
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = kHex[c >> 4];
        esc[5] = kHex[c & 0xF];
        len = 6;
    }
    out.append(esc, esc + len);
    run = ++i;
  }
  flush(text.size());
}

template <class Out>
void append_literal(Out& out, std::string_view s) {
  out.append(s.data(), s.data() + s.size());
}

// ---- formatters --------------------------------------------------------------------------

// "2026-11-25T13:38:53.123Z"; the part up to the seconds is cached (one formatter per sink,
// always called under the sink's lock).
class Timestamp {
 public:
  void append(spdlog::memory_buf_t& out, spdlog::log_clock::time_point tp) {
    auto since = tp.time_since_epoch();
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
    if (secs.count() != cached_second_) {
      cached_second_ = secs.count();
      std::time_t t = static_cast<std::time_t>(cached_second_);
      std::tm tm{};
      gmtime_r(&t, &tm);
      std::strftime(cached_, sizeof cached_, "%Y-%m-%dT%H:%M:%S", &tm);
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
    append_literal(out, cached_);
    char frac[6] = {'.', static_cast<char>('0' + ms / 100), static_cast<char>('0' + ms / 10 % 10),
                    static_cast<char>('0' + ms % 10), 'Z', 0};
    out.append(frac, frac + 5);
  }

 private:
  long long cached_second_ = -1;
  char cached_[32] = {};
};

std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "off";
  }
}

std::string_view payload(const spdlog::details::log_msg& msg) {
  return std::string_view(msg.payload.data(), msg.payload.size());
}

// {"ts":"...","level":"info","request_id":"...","msg":"..."} — access lines carry a
// pre-rendered fragment of fields instead of a message.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& out) override {
    append_literal(out, "{\"ts\":\"");
    ts_.append(out, msg.time);
    append_literal(out, "\",\"level\":\"");
    append_literal(out, level_name(msg.level));
    append_literal(out, "\"");
    const std::string& id = current_request_id();
    if (!id.empty()) {
      append_literal(out, ",\"request_id\":\"");
      escape_into(out, id);
      append_literal(out, "\"");
    }
    if (std::string_view(msg.logger_name.data(), msg.logger_name.size()) == "access") {
      append_literal(out, ",\"msg\":\"access\",");
      append_literal(out, payload(msg));
    } else {
      append_literal(out, ",\"msg\":\"");
      escape_into(out, payload(msg));
      append_literal(out, "\"");
    }
    append_literal(out, "}\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }

 private:
  Timestamp ts_;
};

// 2026-11-25T13:38:53.123Z info  [request-id] message
class TextFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& out) override {
    ts_.append(out, msg.time);
    out.push_back(' ');
    std::string_view level = level_name(msg.level);
    append_literal(out, level);
    for (std::size_t i = level.size(); i < 6; ++i) out.push_back(' ');
    const std::string& id = current_request_id();
    if (!id.empty()) {
      out.push_back('[');
      append_literal(out, id);
      append_literal(out, "] ");
    }
    append_literal(out, payload(msg));
    out.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<TextFormatter>(); }

 private:
  Timestamp ts_;
};

// stdout through a 64 KiB buffer: one write(2) per line would cost more than serving a small
// request. Flushed on warnings, every second (spdlog::flush_every) and at exit.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~BufferedStdoutSink() override {
    std::lock_guard lock(mutex_);
    flush_();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    buffer_.append(line.data(), line.size());
    if (buffer_.size() >= kCapacity) flush_();
  }
  void flush_() override {
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
      ssize_t n = ::write(STDOUT_FILENO, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stdout is gone: drop the lines rather than block or throw
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kCapacity = 64 * 1024;
  std::string buffer_;
};

spdlog::level::level_enum parse_level(const std::string& level) {
  if (level == "trace") return spdlog::level::trace;
  if (level == "debug") return spdlog::level::debug;
  if (level == "info") return spdlog::level::info;
  if (level == "warn" || level == "warning") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  if (level == "critical") return spdlog::level::critical;
  if (level == "off") return spdlog::level::off;
  throw std::invalid_argument("unknown log level \"" + level + "\" (trace|debug|info|warn|error|critical|off)");
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) { escape_into(out, text); }

const std::string& current_request_id() { return t_request_id ? *t_request_id : kEmpty; }
void set_current_request_id(const std::string* id) { t_request_id = id; }

RequestIdScope::RequestIdScope(const std::string* id) noexcept : previous_(t_request_id) { t_request_id = id; }
RequestIdScope::~RequestIdScope() { t_request_id = previous_; }

void setup(const std::string& level, const std::string& format, std::shared_ptr<spdlog::sinks::sink> sink) {
  auto lvl = parse_level(level);
  std::unique_ptr<spdlog::formatter> formatter;
  if (format == "json") {
    formatter = std::make_unique<JsonFormatter>();
  } else if (format == "text") {
    formatter = std::make_unique<TextFormatter>();
  } else {
    throw std::invalid_argument("unknown log format \"" + format + "\" (json|text)");
  }
  if (!sink) sink = std::make_shared<BufferedStdoutSink>();
  sink->set_formatter(std::move(formatter));

  auto logger = std::make_shared<spdlog::logger>("", sink);
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  auto access = std::make_shared<spdlog::logger>("access", sink);
  access->set_level(lvl);
  access->flush_on(spdlog::level::warn);

  g_json.store(format == "json");
  install_access_logger(std::move(access));
  retire(spdlog::default_logger());
  spdlog::set_default_logger(std::move(logger));
  spdlog::flush_every(std::chrono::seconds(1));
}

void shutdown() {
  if (auto logger = spdlog::default_logger()) logger->flush();
  install_access_logger(nullptr);
  spdlog::shutdown();  // stops the flusher thread and drops (and so flushes) every logger
  // spdlog::shutdown leaves no default logger: a late line (a static destructor) must not crash.
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("", std::make_shared<spdlog::sinks::null_sink_mt>()));
}

bool access_log_enabled() noexcept {
  const auto* access = g_access.load(std::memory_order_acquire);
  return access && access->should_log(spdlog::level::info);
}

void log_access(const AccessRecord& r) {
  auto* access = g_access.load(std::memory_order_acquire);
  if (!access || !access->should_log(spdlog::level::info)) return;
  std::string line;
  line.reserve(256);
  char duration[32];
  int n = std::snprintf(duration, sizeof duration, "%.3f", r.duration_ms);
  std::string_view duration_text(duration, n > 0 ? static_cast<std::size_t>(n) : 0);
  if (g_json.load(std::memory_order_relaxed)) {
    auto field = [&](std::string_view name, std::string_view value) {
      line.append("\"").append(name).append("\":\"");
      escape_into(line, value);
      line.append("\",");
    };
    field("method", r.method);
    field("route", r.route);
    field("path", r.path);
    line.append("\"status\":").append(std::to_string(r.status)).append(",");
    line.append("\"duration_ms\":").append(duration_text).append(",");
    field("remote", r.remote_address);
    if (r.user_id.empty()) {
      line.append("\"user_id\":null");
    } else {
      line.append("\"user_id\":\"");
      escape_into(line, r.user_id);
      line.append("\"");
    }
  } else {
    line.append(r.method).append(" ");
    escape_into(line, r.path);  // no raw control characters from clients in a text log either
    line.append(" ").append(std::to_string(r.status)).append(" ");
    line.append(duration_text).append("ms route=").append(r.route).append(" remote=").append(r.remote_address);
    if (!r.user_id.empty()) line.append(" user=").append(r.user_id);
  }
  access->info(std::string_view(line));
}

}  // namespace nelo::logging
