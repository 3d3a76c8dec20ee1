#pragma once
// The streams a command talks to, and what they are connected to. Commands
// never touch std::cout directly, so tests can run them with string streams.

#include <iosfwd>
#include <string>

namespace photoagent::cli {

struct Io {
  std::istream& in;
  std::ostream& out;  // results only
  std::ostream& err;  // progress, warnings, errors
  bool stdin_tty = false;
  bool stdout_tty = false;
  bool stderr_tty = false;
  bool color = false;  // on a TTY, unless NO_COLOR / CLICOLOR=0; CLICOLOR_FORCE forces
  int width = 100;     // terminal columns

  bool can_prompt() const { return stdin_tty && stderr_tty; }
};

// The process's own streams, with TTY/colour decided from the environment
// (PHOTOAGENT_FORCE_TTY forces terminal rendering, for tests and CI logs).
Io process_io();

// "\x1b[1;32m" + text + reset when colour is on.
std::string paint(const Io& io, std::string_view ansi_code, std::string_view text);
std::string green(const Io& io, std::string_view t);
std::string yellow(const Io& io, std::string_view t);
std::string red(const Io& io, std::string_view t);
std::string bold(const Io& io, std::string_view t);

// Warnings go to stderr as "warning: ..." unless --quiet.
void warn(const Io& io, std::string_view message);

}  // namespace photoagent::cli
