#pragma once
// The command line: parses argv, runs one command, maps every failure to
// one message and a documented exit code.

#include <memory>
#include <string>
#include <vector>

#include "output/io.hpp"
#include "photoagent/net/http.hpp"

namespace photoagent::cli {

// `args` excludes the program name. `transport` replaces libcurl in tests.
int run_app(const std::vector<std::string>& args, Io& io,
            std::shared_ptr<net::Transport> transport = nullptr);

}  // namespace photoagent::cli
