#pragma once
// Captures what nelo logs, for tests that assert on log lines. Installs itself with
// logging::setup(level, format, sink) and, on destruction, leaves logging on a null sink.

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/null_sink.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/logging.hpp"

namespace nelo::test {

class LogCapture {
 public:
  explicit LogCapture(const std::string& format = "json", const std::string& level = "info")
      : sink_(std::make_shared<Sink>()) {
    logging::setup(level, format, sink_);
  }
  ~LogCapture() { logging::setup("info", "json", std::make_shared<spdlog::sinks::null_sink_mt>()); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Formatted lines so far, each without its trailing newline.
  std::vector<std::string> lines() const { return sink_->lines(); }
  // Lines containing every one of `needles`.
  std::vector<std::string> find(std::initializer_list<std::string> needles) const {
    std::vector<std::string> out;
    for (auto& line : lines()) {
      bool all = true;
      for (const auto& n : needles) all = all && line.find(n) != std::string::npos;
      if (all) out.push_back(line);
    }
    return out;
  }

 private:
  class Sink final : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::vector<std::string> lines() {
      std::lock_guard lock(mutex_);
      return lines_;
    }

   protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      spdlog::memory_buf_t buf;
      formatter_->format(msg, buf);
      std::string line(buf.data(), buf.size());
      if (!line.empty() && line.back() == '\n') line.pop_back();
      lines_.push_back(std::move(line));
    }
    void flush_() override {}

   private:
    std::vector<std::string> lines_;
  };
  std::shared_ptr<Sink> sink_;
};

}  // namespace nelo::test
