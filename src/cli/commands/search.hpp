#pragma once
// photoagent search QUERY [filters] [--sort score|date] [--limit N] [--offset N]
//                         [--fts] [--paths] [-0] [--contact-sheet FILE]

#include <optional>
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
  std::string file;  // --file PATH: the generation behind a file (search_file.hpp)
  // Vectors (search_semantic.hpp).
  bool semantic = false, hybrid = false;
  std::string like;  // --like ID|PATH
  bool index = false, dry_run = false, duplicates = false;
  std::optional<double> threshold;
  int jobs = 8;
};
int run_search(Context& ctx, SearchOptions o);
CommandSpec search_command();

}  // namespace photoagent::cli
