#pragma once
// Questions to a person at a terminal. Callers check Io::can_prompt() first:
// scripts never get a question, they get an error naming the flag to pass.

#include <string>

#include "io.hpp"

namespace photoagent::cli {

// Reads one line with echo off (for secrets).
std::string prompt_secret(const Io& io, const std::string& question);
// Reads one line with echo on.
std::string prompt_line(const Io& io, const std::string& question);
// y/N question; anything but y/yes is no.
bool confirm(const Io& io, const std::string& question);

}  // namespace photoagent::cli
