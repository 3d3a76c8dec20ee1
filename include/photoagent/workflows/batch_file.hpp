#pragma once
// Reading a batch: JSON Lines (one object per line) or CSV with a header
// row, from a file or stdin ("-"). Command-line options are the defaults
// for every line; a bad line is reported with its number and skipped.

#include <istream>
#include <string>
#include <vector>

#include "photoagent/workflows/generate.hpp"

namespace photoagent::workflows {

struct BatchLine {
  std::string where;  // "prompts.jsonl:12"
  GenerateRequest request;
  std::string error;  // "" when the line is usable
};

// `stdin_stream` is read when `path` is "-".
std::vector<BatchLine> read_batch(std::istream& stdin_stream, const std::string& path, const GenerateRequest& defaults);

}  // namespace photoagent::workflows
