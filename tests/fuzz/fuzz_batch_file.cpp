// libFuzzer harness for the batch file reader (workflows read_batch): the
// input as JSON Lines and as CSV. A bad line must become that line's error
// (the others still read), never an exception; a usable line has a prompt
// or a model input. A finding: a sanitizer report, a leak, any exception
// other than util::Error escaping (a util::Error only for the file as a
// whole), or a line count that does not match the lines given.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "photoagent/util/error.hpp"
#include "photoagent/workflows/batch_file.hpp"

using namespace photoagent::workflows;

static void read_as(const std::string& text, const char* name) {
  // read_batch reads the named file, or the stream for "-"; the format
  // comes from the name, so the text goes through a real file.
  const std::string path = std::string("/tmp/fuzz_batch_") + std::to_string(::getpid()) + name;
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
  }
  GenerateRequest defaults;
  defaults.model = "black-forest-labs/flux-schnell";
  std::istringstream none;
  try {
    const auto lines = read_batch(none, path, defaults);
    std::size_t newlines = 0;
    for (char c : text) newlines += c == '\n';
    if (lines.size() > newlines + 1) std::abort();  // never more items than lines
    for (const auto& l : lines)
      if (l.where.empty()) std::abort();  // every item says where it came from
  } catch (const photoagent::util::Error&) {
  }
  std::remove(path.c_str());
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  read_as(text, ".jsonl");
  read_as(text, ".csv");
  return 0;
}
