#pragma once
// Ctrl-C and SIGTERM: recorded, not fatal, so long operations can stop
// cleanly (finish the write in hand, record what is in flight) and exit
// 130 or 143.

namespace photoagent::util {

void install_signal_handlers();
// 0 while running; SIGINT or SIGTERM once one arrived.
int interrupt_signal() noexcept;
// Throws the matching util::Error (exit 130 / 143) when a signal arrived.
void throw_if_interrupted();

}  // namespace photoagent::util
