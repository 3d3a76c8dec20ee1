// Extraction from archives we did not make (the trainer's weights tar comes
// over the network). The archive is treated as hostile: names are checked
// before anything is written, links are never created, nothing is written
// through libarchive's archive_write_disk, and every file goes to a temporary
// name that is only renamed into place once the whole archive has been read
// and found sound. A refusal therefore leaves the target folder as it was.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "archive_detail.hpp"
#include "photoagent/util/archive.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/paths.hpp"

namespace photoagent::util {
namespace fs = std::filesystem;
using namespace archive_detail;

namespace {

// The components of an archive path after normalisation ("./" and empty
// parts dropped), with `ok = false` when it is absolute or has "..". Backslashes count
// as separators: a Windows-made archive may use them, and "..\x" must not
// slip past the check as a single odd-looking name.
struct Components {
  bool ok = true;
  std::vector<std::string> parts;
};

Components split(std::string_view path) {
  Components c;
  std::string p(path);
  for (auto& ch : p)
    if (ch == '\\') ch = '/';
  bool drive = p.size() >= 2 && p[1] == ':' && ((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z');
  if (p.empty() || p[0] == '/' || drive) return {false, {}};
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string part = p.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      // Refused even when it would stay inside ("a/../b"): no legitimate
      // archive needs it, and a simple rule is one that is easy to trust.
      return {false, {}};
    }
    c.parts.push_back(std::move(part));
  }
  return c;
}

// Whether a symlink stored at `parts` with target `target` resolves outside
// the archive root. Here ".." is allowed as long as it stays inside.
bool link_escapes(const std::vector<std::string>& parts, std::string_view target) {
  std::string t(target);
  for (auto& ch : t)
    if (ch == '\\') ch = '/';
  if (t.empty() || t[0] == '/' || (t.size() >= 2 && t[1] == ':')) return true;
  std::size_t depth = parts.empty() ? 0 : parts.size() - 1;  // the link's folder
  std::size_t start = 0;
  while (start <= t.size()) {
    std::size_t end = t.find('/', start);
    if (end == std::string::npos) end = t.size();
    std::string_view part(t.data() + start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (depth == 0) return true;
      --depth;
    } else {
      ++depth;
    }
  }
  return false;
}

// Removes the folders this call created, deepest first, when it fails; only
// empty ones, so nothing that someone else put there in the meantime is lost.
class CreatedDirs {
 public:
  explicit CreatedDirs(const fs::path& dir) {
    std::error_code ec;
    for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
      created_.push_back(p);
      if (p == p.parent_path()) break;
    }
  }
  ~CreatedDirs() {
    if (keep_) return;
    std::error_code ec;
    for (const auto& p : created_) fs::remove(p, ec);  // fails harmlessly when not empty
  }
  void keep() { keep_ = true; }

 private:
  std::vector<fs::path> created_;
  bool keep_ = false;
};

struct Pending {
  fs::path target;
  std::unique_ptr<AtomicFile> file;
};

}  // namespace

std::vector<fs::path> extract_matching(const fs::path& archive, std::string_view suffix, const fs::path& dir,
                                       std::uint64_t max_bytes) {
  const std::string hint = "the archive is damaged or not what was expected; download it again or inspect it by hand";
  auto refuse = [&](const std::string& name, const std::string& why) -> Error {
    return failure("refusing to extract " + archive.string() + ": entry \"" + printable(name) + "\" " + why, hint);
  };

  Utf8Names utf8;
  auto a = open_reader(archive);
  CreatedDirs created(dir);
  ensure_dir(dir, 0755);

  // Files written so far, under temporary names; their destructors delete
  // them unless committed, which is what makes a refusal leave nothing.
  std::vector<Pending> pending;
  std::set<std::string> bases;
  std::vector<char> buf(kChunk);
  archive_entry* e = nullptr;
  for (;;) {
    int r = la().read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    // A warning still describes the entry fully; the usual one is a name
    // that is not valid in the locale's charset, given as raw bytes.
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
      throw failure("refusing to extract " + archive.string() + ": " + reason(a.get(), "unreadable entry"), hint);

    const char* raw = entry_name(e);
    if (!raw) throw failure("refusing to extract " + archive.string() + ": an entry has no name", hint);
    const std::string name = raw;
    auto comps = split(name);
    if (!comps.ok) throw refuse(name, "points outside the target folder (absolute path or \"..\")");

    const bool matches = !comps.parts.empty() && comps.parts.back().ends_with(suffix);
    const char* hardlink = entry_hardlink(e);
    const auto type = la().entry_filetype(e);
    if (hardlink || type == AE_IFLNK) {
      // Links are never created. One with the name we are looking for means
      // the archive is not the plain file we expect; one pointing outside is
      // hostile even if we would have skipped it.
      if (matches) throw refuse(name, "is a link, not a file");
      if (hardlink && !split(hardlink).ok) throw refuse(name, "is a link pointing outside the archive");
      const char* target = entry_symlink(e);
      if (!hardlink && (!target || link_escapes(comps.parts, target)))
        throw refuse(name, "is a link pointing outside the archive");
      continue;
    }
    if (type != AE_IFREG || !matches) {
      // Skipping is cheap (a seek on a plain tar) and libarchive still checks
      // that the data is there, so truncation is caught. A damaged CRC in a
      // member we do not extract is not; it would harm nothing.
      if (la().read_data_skip(a.get()) != ARCHIVE_OK)
        throw failure("refusing to extract " + archive.string() + ": " + reason(a.get(), "unreadable data"), hint);
      continue;
    }

    const std::string& base = comps.parts.back();
    if (!bases.insert(base).second) throw refuse(name, "has the same file name as an earlier entry");
    if (la().entry_size_is_set(e) && static_cast<std::uint64_t>(la().entry_size(e)) > max_bytes)
      throw refuse(name, "is larger than the limit of " + std::to_string(max_bytes) + " bytes");

    Pending p{dir / base, std::make_unique<AtomicFile>(dir / base, 0644)};
    // The declared size can lie (a zip's sizes, a sparse tar entry), so the
    // limit is enforced on the bytes actually produced as well. Any read
    // error (truncation, bad CRC, corrupt compression) refuses the archive.
    std::uint64_t total = 0;
    for (la_ssize_t n; (n = la().read_data(a.get(), buf.data(), buf.size())) != 0;) {
      if (n < 0)
        throw failure("refusing to extract " + archive.string() + ": " + reason(a.get(), "unreadable data"), hint);
      total += static_cast<std::uint64_t>(n);
      if (total > max_bytes) throw refuse(name, "is larger than the limit of " + std::to_string(max_bytes) + " bytes");
      p.file->write({buf.data(), static_cast<std::size_t>(n)});
    }
    pending.push_back(std::move(p));
  }

  // The whole archive is sound: move the files into place. Should a rename
  // fail part way, undo the ones already done so the result is all or none.
  std::vector<fs::path> done;
  try {
    for (auto& p : pending) {
      p.file->commit();
      done.push_back(p.target);
    }
  } catch (...) {
    std::error_code ec;
    for (const auto& f : done) fs::remove(f, ec);
    throw;
  }
  created.keep();
  return done;
}

}  // namespace photoagent::util
