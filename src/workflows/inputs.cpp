#include "photoagent/workflows/inputs.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <utility>

#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/strings.hpp"

namespace photoagent::workflows {
namespace fs = std::filesystem;

bool looks_like_image(const fs::path& p) {
  static const std::set<std::string> exts{".jpg", ".jpeg", ".jpe", ".png", ".heic", ".heif", ".webp",
                                          ".tif", ".tiff", ".gif", ".bmp", ".avif", ".jxl"};
  return exts.count(util::to_lower(p.extension().string())) > 0;
}

std::string sidecar_caption(const fs::path& image) {
  fs::path txt = image;
  txt.replace_extension(".txt");
  std::error_code ec;
  if (!fs::is_regular_file(txt, ec)) return "";
  try {
    return util::trim(util::read_file(txt, 64 * 1024));
  } catch (const util::Error&) {
    return "";  // an unreadable or huge sidecar is not a caption
  }
}

namespace {

using FileId = std::pair<dev_t, ino_t>;

void walk(const fs::path& dir, const std::string& display, std::set<FileId>& seen, Inputs& out) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    out.problems.push_back({display, "cannot read this folder"});
    return;
  }
  if (!seen.insert({st.st_dev, st.st_ino}).second) {
    out.problems.push_back({display, "directory loop (a link back to a folder already walked); skipped"});
    return;
  }
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
  if (ec) {
    out.problems.push_back({display, "cannot read this folder: " + ec.message()});
    return;
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  for (const auto& e : entries) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(".")) continue;
    const std::string child = (fs::path(display) / name).string();
    std::error_code sec;
    if (e.is_directory(sec)) walk(e.path(), child, seen, out);
    else if (e.is_regular_file(sec) && looks_like_image(e.path())) out.files.push_back({e.path(), child});
  }
}

}  // namespace

Inputs collect_inputs(const std::vector<std::string>& paths) {
  Inputs out;
  std::set<FileId> seen_dirs;
  for (const auto& p : paths) {
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      out.problems.push_back({p, "no such file or folder"});
    } else if (fs::is_directory(st)) {
      walk(p, p, seen_dirs, out);
    } else if (fs::is_regular_file(st)) {
      out.files.push_back({p, p});  // named explicitly: the content decides
    } else {
      out.problems.push_back({p, "not a regular file"});
    }
  }
  return out;
}

}  // namespace photoagent::workflows
