// libFuzzer harness for the weights archive a training returns (util
// archive: list_archive, extract_matching). The input is written as the
// archive (libarchive detects tar, zip, gzip'd or not) and extracted into a
// fresh folder inside a sandbox folder. A finding: a sanitizer report, a
// leak, any exception other than util::Error escaping, a file written
// anywhere but the extraction folder, a returned path outside it, or a file
// left behind after a refusal.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "photoagent/util/archive.hpp"
#include "photoagent/util/error.hpp"

namespace fs = std::filesystem;

static std::size_t files_under(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    n += !it->is_directory(ec);
  return n;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path sandbox = fs::temp_directory_path() / ("fuzz_tar_" + std::to_string(::getpid()));
  const fs::path archive = sandbox / "weights.tar";
  const fs::path out = sandbox / "out" / "inner";
  fs::remove_all(sandbox);
  fs::create_directories(out);
  {
    std::ofstream f(archive, std::ios::binary);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    for (const auto& e : photoagent::util::list_archive(archive))
      if (!e.regular && e.size > (1ull << 40)) (void)e.name;
  } catch (const photoagent::util::Error&) {
  }
  bool refused = false;
  std::size_t written = 0;
  try {
    const auto paths = photoagent::util::extract_matching(archive, ".safetensors", out, 1 << 20);
    written = paths.size();
    for (const auto& p : paths) {
      const auto rel = fs::relative(fs::weakly_canonical(p), fs::weakly_canonical(out));
      if (rel.empty() || *rel.begin() == "..") std::abort();  // a returned path outside the folder
      if (!fs::is_regular_file(p) || fs::file_size(p) > (1u << 20)) std::abort();
    }
  } catch (const photoagent::util::Error&) {
    refused = true;
  }
  // Nothing outside out/inner: the sandbox holds only the archive and the folders.
  if (files_under(sandbox) != 1 + files_under(out)) std::abort();
  if (refused && files_under(out) != 0) std::abort();  // a refusal leaves nothing behind
  if (!refused && files_under(out) < written) std::abort();
  fs::remove_all(sandbox);
  return 0;
}
