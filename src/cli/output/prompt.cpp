#include "prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <istream>
#include <ostream>

#include "photoagent/util/error.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/strings.hpp"

namespace photoagent::cli {
namespace {

// Restores the terminal even when reading throws.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::string read_line(const Io& io) {
  std::string line;
  if (!std::getline(io.in, line)) {
    util::throw_if_interrupted();
    throw util::Error(util::ExitCode::interrupted, "no answer (input closed)");
  }
  return util::trim(line);
}

}  // namespace

std::string prompt_secret(const Io& io, const std::string& question) {
  io.err << question << std::flush;
  std::string answer;
  {
    EchoOff off;
    answer = read_line(io);
  }
  io.err << "\n";
  return answer;
}

std::string prompt_line(const Io& io, const std::string& question) {
  io.err << question << std::flush;
  return read_line(io);
}

bool confirm(const Io& io, const std::string& question) {
  std::string a = util::to_lower(prompt_line(io, question + " [y/N] "));
  return a == "y" || a == "yes";
}

}  // namespace photoagent::cli
