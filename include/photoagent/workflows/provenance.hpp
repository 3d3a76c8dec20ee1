#pragma once
// `search --file PATH` (issue 11 item 6): which generation made this file,
// with which prompt, model, version, seed and input, and the `photoagent
// generate` command that makes it again. Found by content first (the
// file's sha256 against the cached image rows), then by the metadata
// photoagent embeds in every output (image/metadata.hpp: key "photoagent",
// JSON with prompt, model, version, replicate_id, input), which survives a
// copy to another machine but not a re-encode.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/workflows/config.hpp"

namespace photoagent::workflows {

struct Provenance {
  std::filesystem::path file;  // as asked, absolute
  std::string sha256;          // of the file
  std::string found_by;        // "sha256" | "metadata"
  std::optional<store::Image> image;  // the cached image row holding these bytes
  std::int64_t generation_id = 0;     // the predictions row (g<ID>); 0 when only the metadata knows
  bool generated = false;             // false: an uploaded photo, no generation made it
  std::string purpose;                // generate | upscale | face_restore
  std::string project;                // "" when none
  std::string prompt;                 // as the user gave it
  std::string style;
  std::string model;                  // owner/name, or hf:owner/name
  std::string version;                // "" when run by model (official models)
  std::string replicate_id;
  std::string created_at;
  long long seed = -1;                // -1: none
  std::string input;                  // JSON object as sent (secrets and files replaced)
  std::string command;                // shell-quoted; "" when it cannot be given
  std::vector<std::string> notes;     // why the command may not reproduce it exactly
};

// Nothing when neither the cache nor the file's metadata knows the file.
// Throws util::Error (not found) when the file cannot be read.
std::optional<Provenance> provenance_of(store::Database& db, const Config& config, const std::filesystem::path& file);

// The `photoagent generate` command for a generation: the prompt as sent,
// --model OWNER/NAME[:VERSION], -n, --seed, and --input k=v for every other
// input that differs from what generate would send by itself; each word
// shell-quoted. `default_format` is generate.format (left out when equal).
std::string reproduce_command(const Provenance& p, const std::string& default_format,
                              std::vector<std::string>* notes = nullptr);

// 'text' for a POSIX shell: as is when it holds only safe characters.
std::string shell_quote(const std::string& text);

}  // namespace photoagent::workflows
