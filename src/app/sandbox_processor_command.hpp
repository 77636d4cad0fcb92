#pragma once
// `nelo sandbox-processor --port N`: the sandbox card processor in a process of its own
// (docs/operations.md, "The sandbox processor on its own").

#include <string>

namespace nelo::app {

struct SandboxProcessorArguments {
  std::string address = "127.0.0.1";
  int port = 9100;  // 1 to 65535
  // How browsers reach it (the 3-D Secure page); default http://<address>:<port>.
  std::string public_url;
  std::string journal = ".data/sandbox-processor.jsonl";  // "" (--journal ''): in memory only
  std::string webhook_url;  // nelo's webhook endpoint; empty: no webhooks sent
  bool no_sync = false;     // skip fdatasync after each journal line (faster, not crash-safe)
  int slow_delay_ms = 3000;
};

// Serves until SIGINT/SIGTERM. The webhook secrets come from NELO_PAYMENTS_WEBHOOK_SECRETS (the
// ones nelo checks), the API key from NELO_PAYMENTS_SANDBOX_API_KEY. Returns the exit code: 0,
// 2 for a bad argument or setting, 1 when it cannot start.
int run_sandbox_processor(const SandboxProcessorArguments& arguments);

}  // namespace nelo::app
