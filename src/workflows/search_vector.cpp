// search --semantic, --hybrid, --like and --duplicates (search.hpp): vectors
// from the store, query vectors through the Embedder, and full text as the
// fallback when there are no vectors or the query cannot be embedded.
#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>

#include "photoagent/store/images.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/vectors.hpp"
#include "photoagent/workflows/embed.hpp"
#include "search_detail.hpp"

namespace photoagent::workflows {
namespace {

// Results for ranked ids (the store's rows, in this order, with these scores).
std::vector<SearchResult> results_for(store::Database& db, const std::vector<std::pair<std::int64_t, double>>& ranked) {
  std::vector<std::int64_t> ids;
  std::map<std::int64_t, double> score;
  for (const auto& [id, s] : ranked) {
    ids.push_back(id);
    score[id] = s;
  }
  std::vector<SearchResult> out;
  for (auto& hit : store::search_hits_by_id(db, ids)) {
    hit.score = score[hit.image.id];
    out.push_back(to_result(db, std::move(hit)));
  }
  return out;
}

// The configured model's space when it holds vectors; else why not.
std::optional<store::VectorSpace> usable_space(store::Database& db, Embedder* embedder, std::string& why) {
  if (!embedder) {
    why = "semantic search is not available here";
    return std::nullopt;
  }
  auto space = embedder->space();
  if (!space || store::count_image_vectors(db, *space) == 0) {
    why = "no image has a vector for " + embedder->settings().model.full() +
          " yet (compute them with 'photoagent search --index')";
    return std::nullopt;
  }
  return space;
}

// The results of a vector ranking with the query's page.
std::vector<std::pair<std::int64_t, double>> ranked(store::Database& db, const store::VectorSpace& space,
                                                    const std::vector<float>& v, const store::SearchFilters& filters,
                                                    std::int64_t limit, std::int64_t offset, std::int64_t skip = 0) {
  std::vector<std::pair<std::int64_t, double>> out;
  for (const auto& h : store::nearest_images(db, space, v, filters, limit, offset, skip))
    out.emplace_back(h.image_id, h.score);
  return out;
}

}  // namespace

std::vector<std::pair<std::int64_t, double>> fuse_ranks(const std::vector<std::vector<std::int64_t>>& rankings, int k) {
  std::map<std::int64_t, double> score;
  std::map<std::int64_t, std::size_t> first;  // order of first appearance: the tie-break
  std::size_t seen = 0;
  for (const auto& list : rankings)
    for (std::size_t r = 0; r < list.size(); ++r) {
      score[list[r]] += 1.0 / (k + static_cast<double>(r + 1));
      first.emplace(list[r], seen++);
    }
  std::vector<std::pair<std::int64_t, double>> out(score.begin(), score.end());
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : first[a.first] < first[b.first];
  });
  return out;
}

SearchReport vector_search(store::Database& db, const SearchQuery& q, const store::SearchFilters& filters,
                           Embedder* embedder) {
  const char* mode = q.mode == SearchMode::hybrid ? "--hybrid" : "--semantic";
  std::string why;
  auto space = usable_space(db, embedder, why);
  std::vector<float> v;
  if (space) {
    try {
      v = embedder->text(q.text);
    } catch (const util::Error& e) {
      if (e.is_interruption()) throw;
      why = "the query could not be embedded (" + e.message() + ")";
      space.reset();
    }
  }
  if (!space) {
    auto report = text_search(db, q, filters);
    report.fallback = std::string(mode) + ": " + why + "; searched the words instead";
    return report;
  }
  SearchReport report;
  if (q.mode == SearchMode::semantic) {
    report.results = results_for(db, ranked(db, *space, v, filters, q.limit, q.offset));
    return report;
  }
  // Hybrid: both rankings over the same filters, deep enough that an image
  // high in one list and absent from the other's page still meets its rank.
  const std::int64_t depth = std::max<std::int64_t>(100, (q.limit > 0 ? q.limit + q.offset : 100) * 3);
  SearchQuery deep = q;
  deep.limit = depth;
  deep.offset = 0;
  deep.sort = "score";
  auto words = text_search(db, deep, filters);
  std::vector<std::int64_t> by_text, by_vector;
  std::map<std::int64_t, SearchResult> text_hits;
  for (auto& r : words.results) {
    by_text.push_back(r.image.id);
    text_hits.emplace(r.image.id, std::move(r));
  }
  for (const auto& [id, s] : ranked(db, *space, v, filters, depth, 0)) by_vector.push_back(id);
  auto fused = fuse_ranks({by_text, by_vector});
  const auto from = static_cast<std::size_t>(std::min<std::int64_t>(q.offset, static_cast<std::int64_t>(fused.size())));
  fused.erase(fused.begin(), fused.begin() + static_cast<std::ptrdiff_t>(from));
  if (q.limit > 0 && fused.size() > static_cast<std::size_t>(q.limit)) fused.resize(static_cast<std::size_t>(q.limit));
  for (auto& r : results_for(db, fused)) {
    // Keep the full-text snippet (with its highlights) where there is one.
    if (auto it = text_hits.find(r.image.id); it != text_hits.end()) {
      r.snippet = it->second.snippet;
      r.highlights = it->second.highlights;
    }
    report.results.push_back(std::move(r));
  }
  return report;
}

SearchReport like_search(store::Database& db, const SearchQuery& q, const store::SearchFilters& filters,
                         Embedder* embedder) {
  const std::string like = util::trim(q.like);
  if (like.empty()) throw util::usage_error("--like takes an image id or a file");
  if (!embedder) throw util::failure("search --like needs the embedding model");
  std::vector<float> v;
  std::int64_t self = 0;
  const bool is_id = like.find_first_not_of("0123456789") == std::string::npos && like.size() <= 18;
  if (is_id && !std::filesystem::exists(like)) {
    const auto img = store::find_image(db, std::stoll(like));
    if (!img) throw util::not_found("no image with id " + like, "Find ids with 'photoagent search WORDS'.");
    v = embedder->image(*img);
    self = img->id;
  } else {
    if (!std::filesystem::is_regular_file(like))
      throw util::not_found("'" + like + "' is neither an image id nor a file");
    // A file the cache already has (same content) uses that image's vector.
    const std::string sha = util::sha256_file(like);
    std::optional<store::Image> known;
    for (const auto id : store::image_ids_with_sha256(db, sha))
      if ((known = store::find_image(db, id))) break;
    if (known) {
      v = embedder->image(*known);
      self = known->id;
    } else {
      v = embedder->file(like);  // embedded once: the prediction row answers a second time
    }
  }
  util::normalise(v);
  // Positive and negative terms combine: each --not word's direction is taken away.
  store::SearchFilters f = filters;
  f.exclude.clear();
  for (const auto& word : q.exclude) {
    if (util::trim(word).empty()) continue;
    auto neg = embedder->text(word);
    util::normalise(neg);
    if (neg.size() == v.size())
      for (std::size_t i = 0; i < v.size(); ++i) v[i] -= neg[i];
  }
  auto space = embedder->space();
  if (!space) throw util::failure("no vector space for " + embedder->settings().model.full());
  SearchReport report;
  report.results = results_for(db, ranked(db, *space, v, f, q.limit, q.offset, self));
  return report;
}

std::vector<DuplicateGroup> group_near(const store::VectorSet& vs, double threshold,
                                       const std::vector<std::vector<std::int64_t>>& same_file) {
  const std::size_t n = vs.image_ids.size(), dim = static_cast<std::size_t>(vs.dim);
  std::map<std::int64_t, std::size_t> file_of;  // exact duplicates share a file number
  for (std::size_t g = 0; g < same_file.size(); ++g)
    for (auto id : same_file[g]) file_of[id] = g;
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::vector<double> worst(n, 0.0);  // per root: the largest distance that joined its group
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = a + 1; b < n; ++b) {
      const double cos = util::dot_i8(&vs.rows[a * dim], &vs.rows[b * dim], dim) *
                         static_cast<double>(vs.scales[a]) * vs.scales[b];
      const double d = std::max(0.0, 1.0 - cos);
      if (d >= threshold) continue;
      const auto fa = file_of.find(vs.image_ids[a]), fb = file_of.find(vs.image_ids[b]);
      if (fa != file_of.end() && fb != file_of.end() && fa->second == fb->second) continue;
      const auto ra = find(a), rb = find(b);
      const double w = std::max({worst[ra], worst[rb], d});
      parent[rb] = ra;
      worst[ra] = w;
    }
  std::map<std::size_t, DuplicateGroup> groups;
  for (std::size_t i = 0; i < n; ++i) groups[find(i)].ids.push_back(vs.image_ids[i]);
  std::vector<DuplicateGroup> out;
  for (auto& [root, g] : groups) {
    if (g.ids.size() < 2) continue;
    std::sort(g.ids.begin(), g.ids.end());
    g.distance = worst[root];
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.ids < b.ids;
  });
  return out;
}

DuplicatesReport find_duplicates(store::Database& db, Embedder* embedder, const std::string& project,
                                 double threshold) {
  if (!(threshold > 0 && threshold <= 2))
    throw util::usage_error("--threshold is a cosine distance above 0 and at most 2, e.g. 0.05");
  store::SearchFilters filters;
  filters.project_id = project_filter(db, project);
  DuplicatesReport report;
  const auto exact = store::exact_duplicates(db, filters);
  for (const auto& ids : exact) report.groups.push_back({ids, 0.0, true, {}});
  std::string why;
  if (auto space = usable_space(db, embedder, why)) {
    for (auto& g : group_near(store::load_vectors(db, *space, filters), threshold, exact))
      report.groups.push_back(std::move(g));
  } else {
    report.note = why;
  }
  for (auto& g : report.groups)
    for (auto id : g.ids)
      if (auto img = store::find_image(db, id)) g.paths.push_back(db.data_dir() / img->path);
  return report;
}

}  // namespace photoagent::workflows
