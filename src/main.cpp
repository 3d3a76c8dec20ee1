// photoagent's entry point: everything else lives in the layers under src/.

#include <csignal>
#include <exception>
#include <iostream>

#include "cli/app.hpp"
#include "photoagent/util/interrupt.hpp"

int main(int argc, char** argv) {
  photoagent::util::install_signal_handlers();
  // Past `ulimit -f` a write fails with EFBIG, reported like a full disk
  // (temp files removed), instead of SIGXFSZ killing the process mid-write.
  std::signal(SIGXFSZ, SIG_IGN);
  auto io = photoagent::cli::process_io();
  try {
    return photoagent::cli::run_app({argv + 1, argv + argc}, io);
  } catch (const std::exception& e) {
    // A bug, not a user error: still one line, still a documented code.
    std::cerr << "error: internal error: " << e.what()
              << "\nPlease report this with the command you ran (add --debug for a trace).\n";
    return 1;
  }
}
