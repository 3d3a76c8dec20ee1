#pragma once
// Machine output: one JSON document on stdout.

#include <nlohmann/json_fwd.hpp>

#include "io.hpp"

namespace photoagent::cli {

// Indented on a terminal, one line otherwise (JSON Lines friendly).
void print_json(const Io& io, const nlohmann::json& doc);

}  // namespace photoagent::cli
