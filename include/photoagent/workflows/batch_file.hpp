#pragma once
// Reading a batch: JSON Lines (one object per line) or CSV with a header
// row, from a file or stdin ("-"). Command-line options are the defaults
// for every line; a bad line is reported with its number and skipped.

#include <string>
#include <vector>

#include "../output/io.hpp"
#include "photoagent/workflows/generate.hpp"

namespace photoagent::cli {

struct BatchItem {
  std::string where;  // "prompts.jsonl:12"
  workflows::GenerateRequest request;
  std::string error;  // "" when the line is usable
};

std::vector<BatchItem> read_batch(const Io& io, const std::string& path, const workflows::GenerateRequest& defaults);

}  // namespace photoagent::cli
