#include "cache.hpp"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "../output/json.hpp"
#include "../output/table.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/cache_care.hpp"
#include "photoagent/workflows/search.hpp"

namespace photoagent::cli {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string human(std::int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

int run_du(Context& ctx) {
  const auto r = workflows::disk_usage(ctx.db());
  if (ctx.global.json) {
    json rows = json::array();
    for (const auto& u : r.rows)
      rows.push_back({{"project", u.project.empty() ? json(nullptr) : json(u.project)},
                      {"kind", u.kind},
                      {"files", u.files},
                      {"bytes", u.bytes}});
    print_json(ctx.io, {{"path", ctx.db().data_dir().string()}, {"rows", rows}, {"total_bytes", r.total_bytes}});
    return 0;
  }
  Table t({"project", "kind", "files", "size", "bytes"});
  for (const auto& u : r.rows)
    t.add({u.project.empty() ? "-" : u.project, u.kind, std::to_string(u.files), human(u.bytes), std::to_string(u.bytes)});
  t.print(ctx.io);
  if (!ctx.global.quiet)
    ctx.io.err << "Total " << human(r.total_bytes) << " in " << ctx.db().data_dir().string()
               << " (a file shared by projects counts once)\n";
  return 0;
}

struct PruneOptions {
  std::string before;
  bool dry_run = false;
};

int run_prune(Context& ctx, const PruneOptions& o) {
  std::string before;
  if (!o.before.empty()) {
    try {
      before = workflows::time_bound(o.before, false, ctx.clock().unix_now());
    } catch (const util::Error&) {
      throw util::usage_error("--before takes a date (2026-03-01), a time (2026-03-01T10:00:00Z) or an age (30d, "
                              "12h, 2w), not '" + o.before + "'");
    }
  }
  const auto r = workflows::prune_cache(ctx.db(), before, o.dry_run);
  if (ctx.global.json) {
    json images = json::array();
    for (const auto& c : r.images)
      images.push_back({{"id", c.file.image_id},
                        {"project", c.file.project.empty() ? json(nullptr) : json(c.file.project)},
                        {"source", c.file.source},
                        {"path", c.file.path},
                        {"created_at", c.file.created_at},
                        {"reason", c.reason}});
    print_json(ctx.io, {{"dry_run", r.dry_run}, {"images", images}, {"files", r.files}, {"bytes", r.bytes}});
    return 0;
  }
  Table t({"id", "project", "source", "created", "reason", "path"});
  for (const auto& c : r.images)
    t.add({std::to_string(c.file.image_id), c.file.project.empty() ? "-" : c.file.project, c.file.source,
           c.file.created_at, c.reason, c.file.path});
  t.print(ctx.io);
  if (!ctx.global.quiet)
    ctx.io.err << (r.dry_run ? "Would remove " : "Removed ") << r.images.size() << " image rows and " << r.files.size()
               << " files (" << human(r.bytes) << ")" << (r.dry_run ? "; nothing was changed" : "") << ".\n";
  return 0;
}

int run_gc(Context& ctx, bool dry_run) {
  const auto r = workflows::collect_garbage(ctx.db(), ctx.env(), dry_run, ctx.clock());
  if (ctx.global.json) {
    json items = json::array();
    for (const auto& i : r.items) items.push_back({{"path", i.path.string()}, {"reason", i.reason}, {"bytes", i.bytes}});
    json vectors = json::array();
    for (const auto& v : r.vectors)
      vectors.push_back({{"model", v.space.model},
                         {"version", v.space.version},
                         {"path", v.space.file.string()},
                         {"rows", v.rows},
                         {"rows_kept", v.kept},
                         {"bytes", v.bytes}});
    print_json(ctx.io, {{"dry_run", r.dry_run},
                        {"files", items},
                        {"bytes", r.bytes},
                        {"kept_recent", r.kept_young},
                        {"vectors", vectors},
                        {"vector_bytes", r.vector_bytes}});
    return 0;
  }
  Table t({"reason", "size", "path"});
  for (const auto& i : r.items) t.add({i.reason, human(i.bytes), i.path.string()});
  for (const auto& v : r.vectors)
    t.add({std::to_string(v.rows - v.kept) + " vector rows", human(v.bytes), v.space.file.string()});
  t.print(ctx.io);
  if (!ctx.global.quiet) {
    ctx.io.err << (r.dry_run ? "Would remove " : "Removed ") << r.items.size() << " files (" << human(r.bytes) << ")";
    if (!r.vectors.empty())
      ctx.io.err << (r.dry_run ? "; would compact " : "; compacted ") << r.vectors.size() << " vector files ("
                 << human(r.vector_bytes) << ")";
    if (r.kept_young > 0) ctx.io.err << "; kept " << r.kept_young << " recent or in use";
    ctx.io.err << ".\n";
  }
  return 0;
}

int run_backup(Context& ctx, const std::string& file) {
  const fs::path target = fs::absolute(file);
  const auto bytes = workflows::backup_cache(ctx.db(), target);
  if (ctx.global.json) print_json(ctx.io, {{"path", target.string()}, {"bytes", bytes}});
  else ctx.io.out << target.string() << "\t" << bytes << "\n";
  if (!ctx.global.quiet && !ctx.global.json)
    ctx.io.err << "Backed up the cache database to " << target.string() << " (" << human(bytes) << ")\n";
  return 0;
}

int run_check(Context& ctx) {
  workflows::CheckReport r;
  try {
    r = workflows::check_cache(ctx.db());
  } catch (const util::Error& e) {
    if (e.is_interruption()) throw;
    r.problems.push_back("database: " + e.message());  // it did not even open
  }
  if (ctx.global.json) {
    print_json(ctx.io, {{"ok", r.problems.empty()}, {"files", r.files}, {"problems", r.problems}});
  } else {
    for (const auto& p : r.problems) ctx.io.out << p << "\n";
    if (!ctx.global.quiet) {
      if (r.problems.empty()) ctx.io.err << "The cache is sound: database intact, " << r.files << " files as recorded.\n";
      else ctx.io.err << r.problems.size() << (r.problems.size() == 1 ? " problem" : " problems") << " found.\n";
    }
  }
  if (r.problems.empty()) return 0;
  if (!ctx.global.quiet && !ctx.global.json) {
    const bool database = r.problems.front().rfind("database:", 0) == 0;
    ctx.io.err << (database ? "Restore the database from a copy made by 'photoagent cache backup' (stop photoagent, "
                              "copy it over photoagent.db, remove photoagent.db-wal and -shm).\n"
                            : "A missing or changed file: upload or generate it again, or remove its row with "
                              "'photoagent project image rm ID'.\n");
  }
  return 1;
}

}  // namespace

std::vector<CommandSpec> cache_commands() {
  CommandSpec cache;
  cache.path = {"cache"};
  cache.man = "photoagent-cache";
  cache.description = "Look after the local cache: space, pruning, garbage, backups, checks";
  cache.footer = R"(Examples:
  photoagent cache du
  photoagent cache prune --before 90d --dry-run
  photoagent cache gc
  photoagent cache backup ~/photoagent-$(date +%F).db
  photoagent cache check)";

  CommandSpec du;
  du.path = {"cache", "du"};
  du.man = "photoagent-cache";
  du.description = "Space used, by project and kind (photos, outputs, other, database)";
  du.footer = R"(Examples:
  photoagent cache du
  photoagent cache du --json | jq .total_bytes)";
  du.run = [](Context& ctx) { return run_du(ctx); };

  auto pruned = std::make_shared<PruneOptions>();
  CommandSpec prune;
  prune.path = {"cache", "prune"};
  prune.man = "photoagent-cache";
  prune.description = "Remove cached outputs older than a date and images of deleted projects (rows and files)";
  prune.footer = R"(Examples:
  photoagent cache prune --before 2026-01-01 --dry-run
  photoagent cache prune --before 90d

Photos you uploaded are never pruned by date; files in your -o folders are
never touched.)";
  prune.add("--before", pruned->before, "Outputs made before: a date (2026-03-01), a time or an age (30d, 12h, 2w)");
  prune.add("--dry-run", pruned->dry_run, "List what would go and its size; change nothing");
  prune.run = [pruned](Context& ctx) { return run_prune(ctx, *pruned); };

  auto gc_dry = std::make_shared<bool>(false);
  CommandSpec gc;
  gc.path = {"cache", "gc"};
  gc.man = "photoagent-cache";
  gc.description =
      "Remove stored files no row refers to and temporary files a killed photoagent left; compact the vector files";
  gc.footer = R"(Examples:
  photoagent cache gc --dry-run
  photoagent cache gc

Files younger than 10 minutes, and temporary files of a photoagent still
running, are kept. The vector files of search --semantic are rewritten
without the rows of deleted or re-embedded images.)";
  gc.add("--dry-run", *gc_dry, "List what would go and its size; change nothing");
  gc.run = [gc_dry](Context& ctx) { return run_gc(ctx, *gc_dry); };

  auto target = std::make_shared<std::string>();
  CommandSpec backup;
  backup.path = {"cache", "backup"};
  backup.man = "photoagent-cache";
  backup.description = "Copy the cache database to FILE, consistently, even while photoagent runs";
  backup.footer = R"(Examples:
  photoagent cache backup ~/backups/photoagent-$(date +%F).db

Never overwrites FILE. Restore: stop photoagent, copy FILE over photoagent.db
(photoagent config path shows where).)";
  backup.add("file", *target, "Where to write the copy (must not exist)").mandatory();
  backup.run = [target](Context& ctx) { return run_backup(ctx, *target); };

  CommandSpec check;
  check.path = {"cache", "check"};
  check.man = "photoagent-cache";
  check.description = "Check the database's integrity and every stored file's presence and sha256 (exit 1 on problems)";
  check.footer = R"(Examples:
  photoagent cache check
  photoagent cache check --json)";
  check.run = [](Context& ctx) { return run_check(ctx); };

  return {std::move(cache), std::move(du), std::move(prune), std::move(gc), std::move(backup), std::move(check)};
}

}  // namespace photoagent::cli
