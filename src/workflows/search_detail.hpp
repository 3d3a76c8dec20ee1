#pragma once
// The search modes' shared pieces (search.cpp: full text and the entry
// point; search_vector.cpp: semantic, hybrid and like).

#include <cstdint>
#include <optional>
#include <string>

#include "photoagent/store/search.hpp"
#include "photoagent/workflows/search.hpp"

namespace photoagent::workflows {

// The id of the project --project names (search, --duplicates, --index);
// nothing for "" (all projects). Throws not_found for an unknown name.
std::optional<std::int64_t> project_filter(store::Database& db, const std::string& name);

SearchResult to_result(store::Database& db, store::SearchHit&& hit);
SearchReport text_search(store::Database& db, const SearchQuery& q, const store::SearchFilters& filters);
SearchReport vector_search(store::Database& db, const SearchQuery& q, const store::SearchFilters& filters,
                           Embedder* embedder);
SearchReport like_search(store::Database& db, const SearchQuery& q, const store::SearchFilters& filters,
                         Embedder* embedder);

}  // namespace photoagent::workflows
