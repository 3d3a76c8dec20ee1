#pragma once
// Turns the paths a user typed into the files to ingest: files as given,
// folders walked recursively (images only, hidden entries skipped, loops
// detected), in a stable order.

#include <filesystem>
#include <string>
#include <vector>

namespace photoagent::workflows {

struct InputFile {
  std::filesystem::path path;
  std::string display;  // as the user would recognise it (relative to what they typed)
};

struct InputProblem {
  std::string display;
  std::string reason;
};

struct Inputs {
  std::vector<InputFile> files;
  std::vector<InputProblem> problems;  // paths that could not be walked
};

Inputs collect_inputs(const std::vector<std::string>& paths);

// True for names that look like images we take or know to refuse with a hint
// (.jpg .jpeg .png, and .heic .webp .tif ... which fail with advice).
bool looks_like_image(const std::filesystem::path& p);

// The caption in NAME.txt beside the image (the trainer's own convention), or "".
std::string sidecar_caption(const std::filesystem::path& image);

}  // namespace photoagent::workflows
