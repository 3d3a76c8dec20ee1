#pragma once
// photoagent generate [PROJECT] PROMPT | --batch FILE | --collect ID | --list-styles

#include <optional>
#include <string>
#include <vector>

#include "../context.hpp"
#include "../flags.hpp"
#include "photoagent/workflows/generate.hpp"

namespace photoagent::cli {

struct GenerateOptions {
  std::string project;
  std::vector<std::string> args;  // [PROJECT] PROMPT
  workflows::GenerateRequest request;  // most flags land here directly
  std::vector<std::string> inputs;
  std::string batch;  // file or "-"
  int concurrency = 0;
  std::string rate;  // N/min
  bool no_wait = false;
  bool dry_run = false;
  std::string collect;
  bool retry_unknown = false;
  bool retry_expired = false;
  bool list_styles = false;
  std::string contact_sheet;
  std::optional<double> max_cost;             // --max-cost USD
  std::optional<long long> max_predictions;  // --max-predictions N
  std::string shard;  // --shard K/N
  std::string rerun;   // --rerun g12
  std::string prompt;  // --prompt T, with --rerun
  std::string name;    // --name TEMPLATE
  bool overwrite = false;
};
int run_generate(Context& ctx, GenerateOptions o);
CommandSpec generate_command();

}  // namespace photoagent::cli
