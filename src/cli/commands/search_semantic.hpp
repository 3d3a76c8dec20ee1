#pragma once
// search's semantic side (search.hpp's options): the embedder behind
// --semantic, --hybrid and --like (its runner made only when a query must be
// embedded, so a cached query needs no login and no network), and the two
// commands of their own: --index and --duplicates.

#include <memory>
#include <mutex>

#include "../context.hpp"
#include "photoagent/workflows/embed.hpp"
#include "search.hpp"

namespace photoagent::cli {

class SemanticTools {
 public:
  explicit SemanticTools(Context& ctx);
  ~SemanticTools();
  workflows::Embedder& embedder() { return embedder_; }

 private:
  workflows::PredictionRunner& runner();
  Context& ctx_;
  std::mutex runner_mu_;  // --index's workers ask for the runner at once
  std::unique_ptr<workflows::PredictionRunner> runner_;
  workflows::Embedder embedder_;
};

// Checks the semantic flags against the rest and sets the query's mode;
// the tools when the mode needs them, else null. util::Error (usage).
std::unique_ptr<SemanticTools> prepare_semantic(Context& ctx, SearchOptions& o);

// search --index and search --duplicates.
int run_search_vectors(Context& ctx, const SearchOptions& o);

}  // namespace photoagent::cli
