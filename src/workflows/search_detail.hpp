#pragma once
// The search modes' shared pieces (search.cpp: full text and the entry
// point; search_vector.cpp: semantic, hybrid and like).

#include "photoagent/store/search.hpp"
#include "photoagent/workflows/search.hpp"

namespace photoagent::workflows {

SearchResult to_result(store::Database& db, store::SearchHit&& hit);
SearchReport text_search(store::Database& db, const SearchQuery& q, const store::SearchFilters& filters);
SearchReport vector_search(store::Database& db, const SearchQuery& q, const store::SearchFilters& filters,
                           Embedder* embedder);
SearchReport like_search(store::Database& db, const SearchQuery& q, const store::SearchFilters& filters,
                         Embedder* embedder);

}  // namespace photoagent::workflows
