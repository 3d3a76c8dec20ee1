#pragma once
// photoagent train [PROJECT] ... | train --cancel ID | (hidden) __watch ID

#include <optional>
#include <string>
#include <vector>

#include "../context.hpp"
#include "../flags.hpp"

namespace photoagent::cli {

struct TrainOptions {
  std::string project;             // -p/--project
  std::vector<std::string> args;   // [PROJECT]
  std::string trainer;
  int steps = 0;
  int rank = 0;
  double lr = -1;
  std::vector<std::string> inputs;  // key=value
  std::string hf_repo;
  std::string notify;
  bool wait = false;
  bool no_watch = false;
  bool dry_run = false;
  bool force = false;
  bool retry_unknown = false;
  bool keep_upload = false;                  // leave the training zip on Replicate's Files API
  std::optional<double> max_cost;            // --max-cost USD
  std::optional<long long> max_predictions;  // --max-predictions N
  std::string cancel;  // training id
};
int run_train(Context& ctx, const TrainOptions& o);

// The detached watcher's body: follows one training to the end, then pushes
// and emails. Started by `train`; not for people to type.
int run_watch(Context& ctx, const std::string& training);

// train, and the hidden __watch it starts.
std::vector<CommandSpec> train_commands();

}  // namespace photoagent::cli
