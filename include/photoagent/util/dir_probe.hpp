#pragma once
// An output folder checked before anything is paid for: a path that is a
// file, a folder that cannot be created or written, or a full disk is found
// by creating (and removing) a one-byte file, not after the predictions ran.

#include <filesystem>
#include <string_view>

namespace photoagent::util {

// Checks `dir`, or the nearest folder above it that exists when it does not
// (it is created later, when the first file is written). util::Error (exit 2)
// naming `flag`: "-o out/x.png is a file, not a folder",
// "-o /ro: cannot write into /ro (Permission denied)". Creates nothing that stays.
void check_output_dir(const std::filesystem::path& dir, std::string_view flag);

}  // namespace photoagent::util
