#pragma once
// What many e2e tests set up the same way: a sandbox logged in to the
// emulator with an output folder, a studio with project "ada" and its
// captioned photos, and readers of photoagent's output.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "harness.hpp"

namespace e2e {

inline constexpr const char* kFlux = "black-forest-labs/flux-schnell";

bool has(const std::string& text, const std::string& part);

// The JSON documents of a --json output, one a line (blank lines skipped).
std::vector<nlohmann::json> json_lines(const std::string& text);

// Overwrites the root page of `table` (or index) in the cache database `db`
// (found with the sqlite3 shell), the header and the schema intact, so the
// cache opens and only that table fails.
void damage_table(const std::filesystem::path& db, const std::string& table);

// An emulator started with `config_json`, a sandbox logged in to Replicate,
// and a folder for outputs.
struct ReplicateLab {
  FakeCloud cloud;
  Sandbox box{cloud};
  TempDir out;
  explicit ReplicateLab(const std::string& config_json);
  long created() const;  // predictions the emulator has created
};

// An emulator started with `cloud_flags`, a sandbox and a folder for photos;
// each test takes the steps below in its own order.
struct Studio {
  FakeCloud cloud;
  Sandbox box{cloud};
  TempDir in;
  explicit Studio(const std::vector<std::string>& cloud_flags);
  void login_replicate() const;
  void login_huggingface() const;
  void login_sendgrid() const;  // from studio@example.com to ada@example.com
  // Project "ada" (a person, Hugging Face repo ada-hf/ada-lora).
  void create_project() const;
  // `photos` captioned photos written to `in` and uploaded to ada.
  void upload_photos(int photos) const;
  long stat(const char* key) const { return cloud.stats()[key].get<long>(); }
};

}  // namespace e2e
