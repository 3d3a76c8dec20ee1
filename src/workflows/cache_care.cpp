// `photoagent cache` (cache_care.hpp): the files side. SQL is in
// store/cache_care.cpp; here the folders are walked, sizes summed, stale
// files recognised and removed.
#include "photoagent/workflows/cache_care.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <set>
#include <system_error>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/worker_pool.hpp"

namespace photoagent::workflows {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDbFiles[] = {"photoagent.db", "photoagent.db-wal", "photoagent.db-shm", "photoagent.db-journal"};

bool is_db_file(const fs::path& rel) {
  const auto s = rel.generic_string();
  return std::any_of(std::begin(kDbFiles), std::end(kDbFiles), [&](const char* n) { return s == n; });
}

struct Stat {
  std::int64_t bytes = 0;
  std::int64_t mtime = 0;
};
std::optional<Stat> stat_file(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return Stat{static_cast<std::int64_t>(st.st_size), static_cast<std::int64_t>(st.st_mtime)};
}

// Every regular file below `dir` (links and unreadable folders skipped),
// given to fn with its path relative to dir.
template <class Fn>
void for_each_file(const fs::path& dir, Fn fn) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto st = stat_file(it->path());
    if (!st) continue;
    fn(it->path(), it->path().lexically_relative(dir), *st);
  }
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The process a temporary file names, when it names one: AtomicFile writes
// NAME.tmp-PID-N (util/file.cpp); a training zip is tmp/PROJECT-PID.zip.
std::optional<long> pid_in_name(const std::string& name, bool in_tmp_dir) {
  if (auto at = name.rfind(".tmp-"); at != std::string::npos) {
    const auto rest = std::string_view(name).substr(at + 5);
    const auto dash = rest.find('-');
    if (dash != std::string_view::npos && dash <= 9 && all_digits(rest.substr(0, dash)))
      return std::stol(std::string(rest.substr(0, dash)));
    return std::nullopt;
  }
  if (in_tmp_dir) {
    const std::string stem = fs::path(name).stem().string();
    const auto dash = stem.rfind('-');
    if (dash != std::string::npos && stem.size() - dash - 1 <= 9 && all_digits(std::string_view(stem).substr(dash + 1)))
      return std::stol(stem.substr(dash + 1));
  }
  return std::nullopt;
}

bool process_running(long pid) {
  if (pid <= 0) return false;
  if (pid == ::getpid()) return true;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

enum class TempVerdict { not_temp, young, stale };

// Is `p` (relative `rel` inside the data folder, or in $TMPDIR when
// `outside`) a temporary file photoagent made, and may it go?
TempVerdict judge_temp(const fs::path& rel, const Stat& st, std::int64_t now, bool outside) {
  const std::string name = rel.filename().string();
  const bool in_tmp_dir = !outside && rel.has_parent_path() && rel.parent_path() == "tmp";
  const bool atomic = name.find(".tmp-") != std::string::npos;
  const bool lfs_part = outside && name.starts_with("photoagent-lfs-");
  const bool weights = !outside && name == "weights.tar" && rel.generic_string().starts_with("weights/");
  if (!atomic && !in_tmp_dir && !lfs_part && !weights) return TempVerdict::not_temp;
  const std::int64_t age = now - st.mtime;
  if (auto pid = pid_in_name(name, in_tmp_dir)) {
    const bool stale = age >= std::chrono::seconds(kTempMinAge).count() && !process_running(*pid);
    return stale ? TempVerdict::stale : TempVerdict::young;
  }
  return age >= std::chrono::seconds(kNamelessTempAge).count() ? TempVerdict::stale : TempVerdict::young;
}

std::set<std::string> referenced_paths(const std::vector<store::StoredFile>& rows) {
  std::set<std::string> out;
  for (const auto& r : rows) out.insert(r.path);
  return out;
}

fs::path temp_folder(const util::Env& env) {
  const auto t = env.get("TMPDIR");
  return t && !t->empty() ? fs::path(*t) : fs::path("/tmp");
}

void remove_file(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

}  // namespace

DiskUseReport disk_usage(store::Database& db) {
  const fs::path dir = db.data_dir();
  const auto rows = store::stored_files(db);
  std::map<std::pair<std::string, std::string>, DiskUse> by;  // (project, kind)
  std::map<std::string, std::int64_t> sizes;                 // each stored file once
  for (const auto& r : rows) {
    const auto st = stat_file(dir / r.path);
    const std::int64_t bytes = st ? st->bytes : 0;
    const std::string kind = r.source == "generated" ? "outputs" : "photos";
    auto& u = by[{r.project.empty() ? "(deleted)" : r.project, kind}];
    u.project = r.project.empty() ? "(deleted)" : r.project, u.kind = kind;
    u.files += st ? 1 : 0;
    u.bytes += bytes;
    sizes[r.path] = bytes;
  }
  DiskUseReport out;
  for (auto& [k, u] : by) out.rows.push_back(u);
  for (const auto& [p, b] : sizes) out.total_bytes += b;
  DiskUse other{"", "other", 0, 0}, database{"", "database", 0, 0};
  for_each_file(dir, [&](const fs::path&, const fs::path& rel, const Stat& st) {
    if (rel == "tmp/.swept") return;  // the sweep's stamp
    if (is_db_file(rel)) {
      ++database.files, database.bytes += st.bytes;
    } else if (!sizes.contains(rel.generic_string())) {
      ++other.files, other.bytes += st.bytes;
    }
  });
  out.rows.push_back(other);
  out.rows.push_back(database);
  out.total_bytes += other.bytes + database.bytes;
  return out;
}

PruneReport prune_cache(store::Database& db, const std::string& before, bool dry_run) {
  PruneReport out;
  out.dry_run = dry_run;
  out.images = store::prune_candidates(db, before);
  if (dry_run) {
    // The files that would go: those whose every row is a candidate.
    std::map<std::string, int> refs;
    for (const auto& r : store::stored_files(db)) ++refs[r.path];
    std::map<std::string, int> leaving;
    for (const auto& c : out.images) ++leaving[c.file.path];
    for (const auto& [p, n] : leaving)
      if (refs[p] == n) out.files.push_back(p);
  } else {
    std::vector<std::int64_t> ids;
    for (const auto& c : out.images) ids.push_back(c.file.image_id);
    out.files = ids.empty() ? std::vector<std::string>{} : store::delete_image_rows(db, ids);
  }
  for (const auto& p : out.files) {
    if (auto st = stat_file(db.data_dir() / p)) out.bytes += st->bytes;
    if (!dry_run) remove_file(db.data_dir() / p);
  }
  return out;
}

GcReport collect_garbage(store::Database& db, const util::Env& env, bool dry_run, const util::Clock& clock) {
  GcReport out;
  out.dry_run = dry_run;
  const fs::path dir = db.data_dir();
  const std::int64_t now = clock.unix_now();
  const auto referenced = referenced_paths(store::stored_files(db));
  auto take = [&](const fs::path& p, const char* reason, std::int64_t bytes) {
    out.items.push_back({p, reason, bytes});
    out.bytes += bytes;
  };
  for_each_file(dir, [&](const fs::path& path, const fs::path& rel, const Stat& st) {
    if (is_db_file(rel)) return;
    switch (judge_temp(rel, st, now, false)) {
      case TempVerdict::stale: take(path, "temporary", st.bytes); return;
      case TempVerdict::young: ++out.kept_young; return;
      case TempVerdict::not_temp: break;
    }
    if (rel.generic_string().starts_with("images/") && !referenced.contains(rel.generic_string())) {
      if (now - st.mtime >= std::chrono::seconds(kTempMinAge).count()) take(path, "orphan", st.bytes);
      else ++out.kept_young;
    }
  });
  std::error_code ec;
  // photoagent's LFS parts in $TMPDIR: one folder, not walked below.
  for (auto it = fs::directory_iterator(temp_folder(env), ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (!it->path().filename().string().starts_with("photoagent-lfs-")) continue;
    const auto st = stat_file(it->path());
    if (!st) continue;
    const auto v = judge_temp(it->path().filename(), *st, now, true);
    if (v == TempVerdict::stale) take(it->path(), "temporary", st->bytes);
    else if (v == TempVerdict::young) ++out.kept_young;
  }
  if (!dry_run)
    for (const auto& i : out.items) remove_file(i.path);
  out.vectors = store::compact_vector_files(db, dry_run);
  for (const auto& v : out.vectors) out.vector_bytes += v.bytes;
  return out;
}

void sweep_stale_temps(const fs::path& data_dir, const util::Env& env) noexcept {
  try {
    const fs::path tmp = data_dir / "tmp";
    const fs::path stamp = tmp / ".swept";
    const std::int64_t now = util::system_clock().unix_now();
    if (auto st = stat_file(stamp); st && now - st->mtime < std::chrono::seconds(kTempMinAge).count()) return;
    std::error_code ec;
    if (::mkdir(tmp.c_str(), 0700) != 0 && errno != EEXIST) return;  // private, as the data folder
    { util::FileHandle touch(std::fopen(stamp.c_str(), "we")); }  // the next sweep waits kTempMinAge
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    int budget = 500;
    auto sweep = [&](const fs::path& folder, bool outside) {
      for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        if (--budget < 0 || std::chrono::steady_clock::now() > deadline) return;
        const std::string name = it->path().filename().string();
        if (outside ? !name.starts_with("photoagent-lfs-") : name == ".swept") continue;
        const auto st = stat_file(it->path());
        const fs::path rel = outside ? fs::path(name) : fs::path("tmp") / name;
        if (st && judge_temp(rel, *st, now, outside) == TempVerdict::stale) remove_file(it->path());
      }
    };
    sweep(tmp, false);
    sweep(temp_folder(env), true);
  } catch (...) {
    // A sweep is housekeeping: it never stops the command that opened the cache.
  }
}

std::int64_t backup_cache(store::Database& db, const fs::path& target) {
  store::backup_database(db, target);
  const auto st = stat_file(target);
  if (!st) throw util::failure("the backup " + target.string() + " was not written");
  return st->bytes;
}

CheckReport check_cache(store::Database& db) {
  CheckReport out;
  try {
    for (auto& p : store::integrity_problems(db)) out.problems.push_back("database: " + p);
  } catch (const util::Error& e) {
    out.problems.push_back("database: " + e.message());
  } catch (const std::exception& e) {
    if (!db.explain(e)) throw;
    out.problems.push_back(std::string("database: ") + e.what());  // SQLite's words: this is the check
    return out;  // the rows cannot be trusted, nor perhaps read
  }
  std::vector<store::StoredFile> rows;
  try {
    rows = store::stored_files(db);
  } catch (const std::exception& e) {
    if (!db.explain(e)) throw;
    out.problems.push_back(std::string("database: cannot read the image rows: ") + e.what());
    return out;
  }
  std::vector<std::string> found(rows.size());
  util::parallel_for_each(rows.size(), 0, [&](std::size_t i) {
    const auto& r = rows[i];
    const fs::path file = db.data_dir() / r.path;
    const std::string who = "image " + std::to_string(r.image_id) + (r.project.empty() ? "" : " (" + r.project + ")");
    if (!stat_file(file)) {
      found[i] = who + ": missing " + r.path;
      return;
    }
    std::string sha;
    try {
      sha = util::sha256_file(file);
    } catch (const util::Error& e) {
      found[i] = who + ": " + e.message();
      return;
    }
    if (sha != r.sha256) found[i] = who + ": " + r.path + " changed (sha256 " + sha + ", recorded " + r.sha256 + ")";
  });
  out.files = rows.size();
  for (auto& f : found)
    if (!f.empty()) out.problems.push_back(std::move(f));
  return out;
}

}  // namespace photoagent::workflows
