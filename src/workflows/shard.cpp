#include "photoagent/workflows/shard.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <system_error>

#include "photoagent/util/error.hpp"
#include "photoagent/util/hash.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int kMaxShards = 1000;
const char* const kJournals[] = {".photoagent-batch.jsonl", ".photoagent-batch.json"};

bool has_journal(const fs::path& dir) {
  std::error_code ec;
  for (const char* name : kJournals)
    if (fs::exists(dir / name, ec)) return true;
  return false;
}

// A number of 1-4 digits, else 0.
int small_number(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 4) return 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

// "shard-K-of-N" -> N; 0 when the name is not one.
int split_of_folder(const std::string& name) {
  if (!name.starts_with("shard-")) return 0;
  const auto of = name.find("-of-", 6);
  if (of == std::string::npos) return 0;
  const int k = small_number(std::string_view(name).substr(6, of - 6));
  const int n = small_number(std::string_view(name).substr(of + 4));
  return k >= 1 && k <= n ? n : 0;
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard s;
  if (slash != std::string::npos) {
    s.k = small_number(std::string_view(text).substr(0, slash));
    s.n = small_number(std::string_view(text).substr(slash + 1));
  }
  if (s.n < 1 || s.n > kMaxShards || s.k < 1 || s.k > s.n)
    throw util::usage_error("--shard takes K/N with 1 <= K <= N <= " + std::to_string(kMaxShards) + ", not '" + text + "'",
                            "e.g. --shard 2/3 runs the second of three parts");
  return s;
}

std::string shard_key(const GenerateRequest& r) {
  if (!r.id.empty()) return "id\n" + r.id;
  // Everything that makes the line what it is, except where it is written.
  const json fields = {r.prompt,    r.style,      r.model,  r.n,      r.aspect,
                       r.seed ? json(*r.seed) : json(nullptr),    r.steps,  r.guidance,
                       r.lora_scale ? json(*r.lora_scale) : json(nullptr), r.extra_lora, r.negative,
                       r.format,    r.inputs,     r.upscale, r.face_restore, r.provider, r.occurrence};
  return "line\n" + fields.dump(-1, ' ', false, json::error_handler_t::replace);
}

int shard_of(const std::string& key, int n) {
  const std::string hex = util::sha256_hex(key).substr(0, 16);  // the first 8 bytes
  const unsigned long long v = std::stoull(hex, nullptr, 16);
  return static_cast<int>(v % static_cast<unsigned long long>(n)) + 1;
}

bool in_shard(const GenerateRequest& line, const Shard& shard) {
  return !shard.active() || shard_of(shard_key(line), shard.n) == shard.k;
}

std::string shard_folder_name(const Shard& shard) {
  return "shard-" + std::to_string(shard.k) + "-of-" + std::to_string(shard.n);
}

fs::path batch_folder(const fs::path& out, const Shard& shard) {
  std::error_code ec;
  const std::string where = out.string();
  for (fs::directory_iterator it(out, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const int n = split_of_folder(name);
    if (n == 0 || n == shard.n || !it->is_directory(ec) || !has_journal(it->path())) continue;
    if (!shard.active())
      throw util::usage_error(where + " holds the shards of a batch split into " + std::to_string(n) + " (" + name +
                                  "); an unsharded batch there would run their items again",
                              "Add --shard K/" + std::to_string(n) + ", or write into another folder with -o.");
    throw util::usage_error(where + " holds the shards of a batch split into " + std::to_string(n) + " (" + name +
                                "), not " + std::to_string(shard.n) + "; another split would run their items again",
                            "Use --shard K/" + std::to_string(n) + " again, or write into another folder with -o.");
  }
  if (!shard.active()) return out;
  if (has_journal(out))
    throw util::usage_error(where + " holds the journal of an unsharded batch; shards there would run its items again",
                            "Write the shards into another folder with -o, or finish it without --shard.");
  return out / shard_folder_name(shard);
}

std::size_t shard_rate(std::size_t per_minute, const Shard& shard) {
  if (!shard.active()) return per_minute;
  return std::max<std::size_t>(1, per_minute / static_cast<std::size_t>(shard.n));
}

}  // namespace photoagent::workflows
