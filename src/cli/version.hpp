#pragma once
// The build's `git describe` (empty outside a git checkout), generated at build
// time by version.cmake so `--version` names the exact commit a binary came from.
namespace photoagent::cli {
const char* git_describe();
}  // namespace photoagent::cli
