#include "search.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "../output/json.hpp"
#include "../output/table.hpp"
#include "search_file.hpp"
#include "search_semantic.hpp"
#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"

namespace photoagent::cli {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string score_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  return buf;
}

json to_json(const workflows::SearchResult& r) {
  const bool generated = !r.model.empty();
  json highlights = json::array();
  for (const auto& [b, e] : r.highlights) highlights.push_back({b, e});
  return {{"id", r.image.id},
          {"project", r.image.project},
          {"source", r.image.source},
          {"path", r.path.string()},
          {"file", r.image.original_name},
          {"caption", r.image.caption},
          {"prompt", generated ? json(r.prompt) : json(nullptr)},
          {"style", r.style.empty() ? json(nullptr) : json(r.style)},
          {"model", generated ? json(r.model) : json(nullptr)},
          {"version", r.version.empty() ? json(nullptr) : json(r.version)},
          {"seed", r.seed < 0 ? json(nullptr) : json(r.seed)},
          {"category", r.image.category.empty() ? json(nullptr) : json(r.image.category)},
          {"tags", util::split(r.image.tags, ',')},
          {"created_at", r.image.created_at},
          {"score", r.score},
          {"snippet", r.snippet},
          {"highlights", highlights}};
}

// --- the table on a terminal: like Table, plus the matches highlighted ---

std::size_t width_of(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte length of the first `n` code points of s.
std::size_t prefix_bytes(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == n) break;
  return i;
}

std::string pad(std::string s, std::size_t w) {
  const std::size_t n = width_of(s);
  return n < w ? s + std::string(w - n, ' ') : s;
}

// The path as short as it reads well: ~ for the home folder, then its end.
std::string short_path(const util::Env& env, const std::string& path, std::size_t w) {
  std::string p = path;
  if (auto home = env.get("HOME"); home && !home->empty() && p.rfind(*home + "/", 0) == 0)
    p = "~" + p.substr(home->size());
  const std::size_t n = width_of(p);
  if (n <= w || w < 2) return p;
  return "\u2026" + p.substr(prefix_bytes(p, n - (w - 1)));
}

// The snippet in `w` code points, its matches painted. When it is longer,
// the window starts a little before the first match, so the match shows;
// a cut end is marked with "…". Returns the text and its width.
std::pair<std::string, std::size_t> painted_snippet(const Io& io, const workflows::SearchResult& r, std::size_t w) {
  const std::string& s = r.snippet;
  const std::size_t total = width_of(s);
  std::size_t from = 0, to = s.size(), width = total;
  bool cut_front = false, cut_back = false;
  if (total > w && w >= 4) {
    std::size_t first = r.highlights.empty() ? 0 : width_of(s.substr(0, r.highlights.front().first));
    std::size_t skip = first > w / 3 ? first - w / 3 : 0;
    skip = std::min(skip, total - (w - 1));  // no blank space at the end
    cut_front = skip > 0;
    const std::size_t room = w - (cut_front ? 1 : 0);
    cut_back = total - skip > room;
    from = prefix_bytes(s, skip);
    to = prefix_bytes(s, skip + room - (cut_back ? 1 : 0));
    width = w;
  }
  std::string out = cut_front ? "\u2026" : "";
  std::size_t at = from;
  for (auto [b, e] : r.highlights) {
    b = std::max(b, at);
    e = std::min(e, to);
    if (b >= e) continue;
    out += s.substr(at, b - at);
    out += paint(io, "1;33", s.substr(b, e - b));
    at = e;
  }
  out += s.substr(at, to - at);
  if (cut_back) out += "\u2026";
  return {out, width};
}

void print_terminal_table(Context& ctx, const std::vector<workflows::SearchResult>& results) {
  const Io& io = ctx.io;
  std::vector<std::size_t> w = {2, 7, 6, 4, 7, 5};  // ID PROJECT SOURCE PATH SNIPPET SCORE
  std::size_t path_w = 4, snippet_w = 7;
  for (const auto& r : results) {
    w[0] = std::max(w[0], std::to_string(r.image.id).size());
    w[1] = std::max(w[1], width_of(r.image.project));
    w[2] = std::max(w[2], r.image.source.size());
    w[5] = std::max(w[5], score_text(r.score).size());
    path_w = std::max(path_w, width_of(short_path(ctx.env(), r.path.string(), 10000)));
    snippet_w = std::max(snippet_w, width_of(r.snippet));
  }
  const std::size_t fixed = w[0] + w[1] + w[2] + w[5] + 5 * 2;
  const std::size_t room = io.width > static_cast<int>(fixed) + 30 ? static_cast<std::size_t>(io.width) - fixed : 30;
  // The snippet is what a person reads: it gets its room first, the path the rest.
  w[4] = std::min(snippet_w, std::max<std::size_t>(room * 3 / 5, room > path_w ? room - path_w : 0));
  w[3] = std::min(path_w, std::max<std::size_t>(12, room - std::min(room, w[4])));
  const char* headers[] = {"ID", "PROJECT", "SOURCE", "PATH", "SNIPPET", "SCORE"};
  std::string head;
  for (std::size_t i = 0; i < 6; ++i) head += (i ? "  " : "") + bold(io, pad(headers[i], i == 5 ? 0 : w[i]));
  io.out << head << "\n";
  for (const auto& r : results) {
    std::string line = pad(std::to_string(r.image.id), w[0]) + "  " + pad(r.image.project, w[1]) + "  " +
                       pad(r.image.source, w[2]) + "  " + pad(short_path(ctx.env(), r.path.string(), w[3]), w[3]) + "  ";
    const auto [snippet, shown] = painted_snippet(io, r, w[4]);
    line += snippet + std::string(w[4] > shown ? w[4] - shown : 0, ' ') + "  " + score_text(r.score);
    io.out << line << "\n";
  }
}

void check(const SearchOptions& o, const Context& ctx) {
  if ((o.paths || o.null) && ctx.global.json) throw util::usage_error("--json and --paths/-0 print different things: pick one");
  if (!o.contact_sheet.empty()) {
    const std::string ext = util::to_lower(fs::path(o.contact_sheet).extension().string());
    if (ext != ".jpg" && ext != ".jpeg" && ext != ".png")
      throw util::usage_error("--contact-sheet writes .jpg or .png, not '" + o.contact_sheet + "'");
  }
}

}  // namespace

int run_search(Context& ctx, SearchOptions o) {
  if (!o.file.empty()) return run_search_file(ctx, o.file, o.words);
  if (o.index || o.duplicates) return run_search_vectors(ctx, o);
  check(o, ctx);
  o.query.text = util::join(o.words, " ");
  const auto tools = prepare_semantic(ctx, o);
  const auto report = workflows::search(ctx.db(), o.query, ctx.clock(), tools ? &tools->embedder() : nullptr);
  if (!report.fallback.empty()) warn(ctx.io, report.fallback);
  const auto& results = report.results;

  if (ctx.global.json) {
    json arr = json::array();
    for (const auto& r : results) arr.push_back(to_json(r));
    print_json(ctx.io, arr);
  } else if (o.paths || o.null) {
    for (const auto& r : results) ctx.io.out << r.path.string() << (o.null ? '\0' : '\n');
    ctx.io.out.flush();
  } else if (ctx.io.stdout_tty && !results.empty()) {
    print_terminal_table(ctx, results);
  } else {
    Table t({"id", "project", "source", "path", "snippet", "score"});
    for (const auto& r : results)
      t.add({std::to_string(r.image.id), r.image.project, r.image.source, r.path.string(), r.snippet,
             score_text(r.score)});
    t.print(ctx.io);
  }

  if (results.empty()) {
    // As grep: nothing found is exit 1, said on stderr only.
    if (!ctx.global.quiet)
      ctx.io.err << "No match" << (report.note.empty() ? "" : ": " + report.note) << ".\n";
    return 1;
  }
  if (!o.contact_sheet.empty()) {
    const auto sheet = workflows::write_search_contact_sheet(report, o.contact_sheet);
    if (!ctx.global.quiet)
      ctx.io.err << "Contact sheet: " << o.contact_sheet << " (" << sheet.drawn << " images, " << sheet.columns
                 << " columns)\n";
    for (const auto& missing : sheet.missing) warn(ctx.io, "not on disk, left out of the sheet: " + missing);
  }
  return 0;
}

CommandSpec search_command() {
  auto o = std::make_shared<SearchOptions>();
  auto& q = o->query;
  CommandSpec c;
  c.path = {"search"};
  c.man = "photoagent-search";
  c.description = "Find images by their captions, tags, prompts, styles, models, names, or by what they show";
  c.footer = R"(Examples:
  photoagent search red dress beach
  photoagent search "golden hour" --project ada --source generated --sort date
  photoagent search portrait --tag outdoor --not sunglasses --since 30d
  photoagent search sail* --paths | xargs -d '\n' ls -l
  photoagent search headshot -0 | xargs -0 cp -t picked/
  photoagent search --fts 'caption:(red OR blue) NOT prompt:dress' --json
  photoagent search ada --contact-sheet found.jpg
  photoagent search --file out/ada-3f2a-0.png      # which generation made it, and how to again
  photoagent search --index --dry-run               # CLIP vectors still to compute, and their cost
  photoagent search "crimson gown by the sea" --semantic
  photoagent search red dress --hybrid -p ada
  photoagent search --like 42 --not sunglasses
  photoagent search --duplicates -p ada --json

Every word must match (any case, accents ignored); a word ending in '*'
matches words starting with it. Quotes, dashes, colons, AND/OR/NOT/NEAR and
parentheses are searched as words; --fts takes FTS5 syntax instead. Scores:
higher is better (bm25; captions and prompts weigh most, file names least).
--semantic, --hybrid and --like rank by CLIP vectors (config embed.model;
computed by --index, or at upload and generation with embed.auto); a query's
vector is cached, and without vectors or network the words are searched.
Exit 1 when nothing matched, as grep.)";
  c.add("query", o->words, "Words to find (all of them)");
  c.add("-p,--project", q.project, "Only this project's images");
  c.add("--source", q.source, "upload (photos) or generated (outputs of generate)").one_of({"upload", "generated"});
  c.add("--category", q.category, "Only this category");
  c.add("--style", q.style, "Only outputs of this style preset");
  c.add("--model", q.model, "Only outputs of this model (OWNER/NAME, or NAME)");
  c.add("--tag", q.tags, "Only images with this tag (repeatable: all of them)");
  c.add("--not", q.exclude, "Leave out images containing this word (repeatable)");
  c.add("--since", q.since, "Made or added on or after: a date (2026-03-01), a time or an age (30d, 12h, 2w)");
  c.add("--until", q.until, "Made or added on or before (a date includes that day)");
  c.add("--sort", q.sort, "score (best first, default) or date (newest first)").one_of({"score", "date"});
  c.add("--limit", q.limit, "At most N results (default 20; 0 for all)").non_negative();
  c.add("--offset", q.offset, "Skip the first N results (next pages)").non_negative();
  c.add("--fts", q.fts, "The query is an FTS5 expression (AND, OR, NOT, NEAR, column:, prefix*)");
  c.add("--paths", o->paths, "Print only the paths of the files, one per line");
  c.add("-0,--null", o->null, "Print only the paths, each ended by NUL (for xargs -0)");
  c.add("--file", o->file, "Which generation made this file (prompt, model, version, seed, input) and the command that makes it again");
  c.add("--contact-sheet", o->contact_sheet, "Also write the results as one grid image, labelled id and score (.jpg or .png)");
  c.add("--semantic", o->semantic, "Rank by meaning: CLIP vectors of the images against the query's (config embed.model)");
  c.add("--hybrid", o->hybrid, "Fuse the full-text and the semantic rankings (reciprocal rank fusion, k=60)");
  c.add("--like", o->like, "Images that look like this one: an image id or a file (--not WORD takes a meaning away)");
  c.add("--duplicates", o->duplicates, "Groups of near-identical images (and of identical files)");
  c.add("--threshold", o->threshold, "--duplicates: largest cosine distance within a group (default 0.05)");
  c.add("--index", o->index, "Compute the missing image vectors (paid; resumable)");
  c.add("--dry-run", o->dry_run, "--index: count the images to embed and the estimated cost; create nothing");
  c.add("-j,--jobs", o->jobs, "--index: predictions in flight at once (default 8)").positive();
  c.run = [o](Context& ctx) { return run_search(ctx, *o); };
  return c;
}

}  // namespace photoagent::cli
