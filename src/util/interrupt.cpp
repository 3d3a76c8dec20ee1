#include "photoagent/util/interrupt.hpp"

#include <atomic>
#include <csignal>

#include "photoagent/util/error.hpp"

namespace photoagent::util {
namespace {
std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig) {
  // A second Ctrl-C means "stop now": restore the default action and re-raise.
  if (g_signal.exchange(sig) != 0) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}
}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an EPIPE write error, handled where it happens
}

int interrupt_signal() noexcept { return g_signal.load(); }

void throw_if_interrupted() {
  int sig = g_signal.load();
  if (sig == SIGTERM) throw Error(ExitCode::terminated, "terminated (SIGTERM)");
  if (sig != 0) throw Error(ExitCode::interrupted, "interrupted");
}

}  // namespace photoagent::util
