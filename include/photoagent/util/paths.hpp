#pragma once
// Where photoagent keeps its files (XDG base directories, DESIGN §3).

#include <filesystem>
#include <string>

#include "photoagent/util/env.hpp"

namespace photoagent::util {

// $PHOTOAGENT_HOME, else $XDG_DATA_HOME/photoagent, else ~/.local/share/photoagent.
std::filesystem::path data_home(const Env& env = process_env());

// $PHOTOAGENT_CONFIG_DIR, else $XDG_CONFIG_HOME/photoagent, else ~/.config/photoagent.
std::filesystem::path config_home(const Env& env = process_env());

// The folder of one profile: config_home() for "default", else config_home()/profiles/NAME.
std::filesystem::path profile_dir(const std::string& profile, const Env& env = process_env());

// $HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface (as huggingface_hub).
std::filesystem::path hf_home(const Env& env = process_env());

// Creates the folder and its parents with the given mode for new folders.
void ensure_dir(const std::filesystem::path& dir, unsigned mode = 0700);

// The data and config folders hold people's photos and tokens: created 0700,
// and an existing one that group or others may read is tightened to its
// owner's bits (quietly left alone when it is not ours to change).
void ensure_private_dir(const std::filesystem::path& dir);
// The same for a folder that may not exist yet (nothing is created).
void tighten_dir(const std::filesystem::path& dir);

}  // namespace photoagent::util
