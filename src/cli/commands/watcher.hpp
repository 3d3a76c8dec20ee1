#pragma once
// Starting the detached watcher: its own session (so closing the terminal or
// `$(photoagent train)` does not wait for or kill it), stdio to a log file in
// the data folder, and an exec of this same binary.

#include <filesystem>
#include <string>

namespace photoagent::cli {

// Returns the log file it writes to; throws util::Error when it cannot start.
std::filesystem::path start_watcher(const std::filesystem::path& data_dir, const std::string& profile,
                                    const std::string& training_ref);

}  // namespace photoagent::cli
