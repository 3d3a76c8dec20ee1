#include "io.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>

#include "photoagent/util/env.hpp"
#include "photoagent/util/printable.hpp"

namespace photoagent::cli {

Io process_io() {
  Io io{std::cin, std::cout, std::cerr};
  io.stdin_tty = ::isatty(STDIN_FILENO) != 0;
  io.stdout_tty = ::isatty(STDOUT_FILENO) != 0;
  io.stderr_tty = ::isatty(STDERR_FILENO) != 0;
  if (auto forced = util::env("PHOTOAGENT_FORCE_TTY")) {
    io.stdout_tty = io.stderr_tty = true;
    try {
      io.width = std::stoi(*forced);
    } catch (...) {
    }
  } else if (io.stdout_tty || io.stderr_tty) {
    winsize ws{};
    if (::ioctl(io.stdout_tty ? STDOUT_FILENO : STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
      io.width = ws.ws_col;
  }
  const bool disabled = util::env("NO_COLOR").has_value() || util::env("CLICOLOR").value_or("") == "0";
  const auto force = util::env("CLICOLOR_FORCE");
  io.color = (force && *force != "0") || (!disabled && io.stdout_tty && util::env("TERM").value_or("") != "dumb");
  return io;
}

std::string paint(const Io& io, std::string_view code, std::string_view text) {
  if (!io.color) return std::string(text);
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}
std::string green(const Io& io, std::string_view t) { return paint(io, "32", t); }
std::string yellow(const Io& io, std::string_view t) { return paint(io, "33", t); }
std::string red(const Io& io, std::string_view t) { return paint(io, "31", t); }
std::string bold(const Io& io, std::string_view t) { return paint(io, "1", t); }

void warn(const Io& io, std::string_view message) {
  io.err << yellow(io, "warning:") << " " << util::printable(message) << "\n";  // may quote remote text
}

}  // namespace photoagent::cli
