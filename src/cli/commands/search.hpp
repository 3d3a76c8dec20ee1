#pragma once
// photoagent search QUERY [filters] [--sort score|date] [--limit N] [--offset N]
//                         [--fts] [--paths] [-0] [--contact-sheet FILE]

#include <string>
#include <vector>

#include "../context.hpp"
#include "../flags.hpp"
#include "photoagent/workflows/search.hpp"

namespace photoagent::cli {

struct SearchOptions {
  std::vector<std::string> words;  // joined by spaces: the query
  workflows::SearchQuery query;    // the filters land here directly
  bool paths = false;
  bool null = false;  // -0: paths separated by NUL
  std::string contact_sheet;
};
int run_search(Context& ctx, SearchOptions o);
CommandSpec search_command();

}  // namespace photoagent::cli
