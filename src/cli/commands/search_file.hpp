#pragma once
// photoagent search --file PATH: which generation made this file, and the
// command that makes it again (workflows/provenance.hpp). Exit 1 when no
// generation is known for it.

#include <string>
#include <vector>

#include "../context.hpp"

namespace photoagent::cli {

// `words`: the query words, which --file does not take.
int run_search_file(Context& ctx, const std::string& file, const std::vector<std::string>& words);

}  // namespace photoagent::cli
