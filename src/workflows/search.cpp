// `search` (search.hpp): checks the query, resolves the filters, asks the
// store, and shapes what comes back (absolute paths, plain snippets with
// match ranges).
#include "photoagent/workflows/search.hpp"

#include <cctype>
#include <ctime>
#include <optional>
#include <tuple>

#include "photoagent/store/projects.hpp"
#include "photoagent/store/search.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/time.hpp"
#include "search_detail.hpp"

namespace photoagent::workflows {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "2026-03-01" as a unix time (its midnight UTC); nothing unless a real date.
std::optional<std::int64_t> parse_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) ||
      !all_digits(s.substr(8, 2)))
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(8, 2));
  const std::int64_t t = timegm(&tm);
  if (util::iso8601(t).substr(0, 10) != s) return std::nullopt;  // 2026-02-31 rolls over: refused
  return t;
}

// "2026-03-01T10:00:00Z", "...T10:00:00+02:00", "...T10:00" (UTC).
std::optional<std::int64_t> parse_time(const std::string& s) {
  if (s.size() < 16 || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
  const auto day = parse_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  std::size_t i = 11;
  auto two = [&](int max) -> std::optional<int> {
    if (i + 2 > s.size() || !all_digits(s.substr(i, 2))) return std::nullopt;
    const int v = std::stoi(s.substr(i, 2));
    i += 2;
    if (v > max) return std::nullopt;
    return v;
  };
  const auto h = two(23);
  if (!h || i >= s.size() || s[i++] != ':') return std::nullopt;
  const auto m = two(59);
  if (!m) return std::nullopt;
  int sec = 0;
  if (i < s.size() && s[i] == ':') {
    ++i;
    const auto x = two(60);
    if (!x) return std::nullopt;
    sec = *x;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i++] == '-' ? -1 : 1;
    const auto oh = two(23);
    if (!oh || i >= s.size() || s[i++] != ':') return std::nullopt;
    const auto om = two(59);
    if (!om) return std::nullopt;
    offset = sign * (*oh * 3600 + *om * 60);
  }
  if (i != s.size()) return std::nullopt;
  return *day + *h * 3600 + *m * 60 + sec - offset;
}

std::int64_t checked_limit(std::int64_t v, const char* flag) {
  if (v < 0) throw util::usage_error(std::string(flag) + " cannot be negative");
  return v;
}

}  // namespace

std::string time_bound(const std::string& value, bool until, std::int64_t now) {
  const std::string v = util::trim(value);
  if (v.size() >= 2 && all_digits(v.substr(0, v.size() - 1)) && v.size() <= 8) {
    const char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(v.back())));
    const std::int64_t n = std::stoll(v.substr(0, v.size() - 1));
    const std::int64_t seconds = unit == 'h' ? 3600 : unit == 'd' ? 86400 : unit == 'w' ? 7 * 86400 : 0;
    if (seconds > 0) return util::iso8601(now - n * seconds);
  }
  if (auto day = parse_date(v)) return util::iso8601(until ? *day + 86400 : *day);
  if (auto t = parse_time(v)) return util::iso8601(until ? *t + 1 : *t);  // stored times have whole seconds
  throw util::usage_error(std::string(until ? "--until" : "--since") + " takes a date (2026-03-01), a time "
                              "(2026-03-01T10:00:00Z) or an age (12h, 30d, 2w), not '" + value + "'");
}

std::pair<std::string, std::vector<std::pair<std::size_t, std::size_t>>> split_snippet(std::string_view marked) {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::size_t open = std::string::npos;
  for (char c : marked) {
    if (c == store::kMatchStart) {
      open = text.size();
    } else if (c == store::kMatchEnd) {
      if (open != std::string::npos && open < text.size()) ranges.emplace_back(open, text.size());
      open = std::string::npos;
    } else {
      text += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    }
  }
  return {std::move(text), std::move(ranges)};
}

std::optional<std::int64_t> project_filter(store::Database& db, const std::string& name) {
  if (name.empty()) return std::nullopt;
  auto p = store::find_project(db, name);
  if (!p) throw util::not_found("no project named '" + name + "'", "List them with 'photoagent project list'.");
  return p->id;
}

store::SearchFilters search_filters(store::Database& db, const SearchQuery& q, const util::Clock& clock) {
  store::SearchFilters f;
  f.project_id = project_filter(db, q.project);
  if (!q.source.empty() && q.source != "upload" && q.source != "generated")
    throw util::usage_error("--source is upload or generated, not '" + q.source + "'");
  f.source = q.source;
  f.category = util::trim(q.category);
  f.style = util::trim(q.style);
  f.model = util::trim(q.model);
  for (const auto& t : q.tags)
    for (auto& one : util::split(t, ','))  // --tag a,b is --tag a --tag b
      if (auto tag = util::trim(one); !tag.empty()) f.tags.push_back(tag);
  const std::int64_t now = clock.unix_now();
  if (!q.since.empty()) f.since = time_bound(q.since, false, now);
  if (!q.until.empty()) f.until = time_bound(q.until, true, now);
  std::string excluded;
  for (const auto& word : q.exclude)
    if (auto e = match_expression(word); !e.empty()) excluded += (excluded.empty() ? "" : " OR ") + e;
  f.exclude = excluded;
  return f;
}

SearchResult to_result(store::Database& db, store::SearchHit&& hit) {
  SearchResult r;
  r.path = db.data_dir() / hit.image.path;
  r.image = std::move(hit.image);
  r.prompt = std::move(hit.prompt);
  r.style = std::move(hit.style);
  r.model = std::move(hit.model);
  r.version = std::move(hit.version);
  r.seed = hit.seed;
  r.score = hit.score;
  std::tie(r.snippet, r.highlights) = split_snippet(hit.snippet);
  return r;
}

SearchReport text_search(store::Database& db, const SearchQuery& q, const store::SearchFilters& filters) {
  store::TextSearch s;
  s.sort = q.sort == "date" ? store::SearchSort::date : store::SearchSort::score;
  s.limit = q.limit;
  s.offset = q.offset;
  s.filters = filters;
  SearchReport report;
  if (q.fts) {
    check_fts_expression(q.text);
    s.match = q.text;
  } else {
    s.match = match_expression(q.text);
    if (s.match.empty()) {
      report.note = "the query has no letter or digit to search for";
      return report;
    }
  }
  for (auto& hit : store::search_text(db, s)) report.results.push_back(to_result(db, std::move(hit)));
  return report;
}

SearchReport search(store::Database& db, const SearchQuery& q, const util::Clock& clock, Embedder* embedder) {
  if (q.sort != "score" && q.sort != "date") throw util::usage_error("--sort is score or date, not '" + q.sort + "'");
  checked_limit(q.limit, "--limit");
  checked_limit(q.offset, "--offset");
  const auto filters = search_filters(db, q, clock);
  if (q.mode == SearchMode::like) return like_search(db, q, filters, embedder);
  if (util::trim(q.text).empty())
    throw util::usage_error("search needs words to look for", "e.g. photoagent search \"red dress\" --project ada");
  if (q.mode == SearchMode::semantic || q.mode == SearchMode::hybrid) return vector_search(db, q, filters, embedder);
  return text_search(db, q, filters);
}

}  // namespace photoagent::workflows
