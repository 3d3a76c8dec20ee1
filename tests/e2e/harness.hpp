#pragma once
// End-to-end test harness: a fresh emulator on a free loopback port, fresh
// data/config folders, and the real photoagent binary run as a child process.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace e2e {

// The photoagent binary the tests run: PA_E2E_PHOTOAGENT when set (to show a
// test fails on an older build, e.g. PA_E2E_PHOTOAGENT=/work/old/build/photoagent),
// else the one built with the tests.
const char* photoagent_bin();

struct Result {
  int code = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const;  // stdout parsed; fails the test when it is not JSON
};

// A child process: runs `argv` with `env` (replacing the environment), feeds
// `input` on stdin, and waits at most `timeout_s`.
// `signal_after_ms` > 0 sends `signal` to the child that long after it started.
Result run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                   const std::string& input = {}, int timeout_s = 60, int signal = 0, int signal_after_ms = 0);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The emulator, started with `--port 0` and extra flags; stopped on destruction.
class FakeCloud {
 public:
  explicit FakeCloud(const std::vector<std::string>& extra_args = {});
  ~FakeCloud();
  FakeCloud(const FakeCloud&) = delete;
  FakeCloud& operator=(const FakeCloud&) = delete;

  const std::string& origin() const { return origin_; }
  nlohmann::json get(const std::string& path) const;  // GET origin+path as JSON
  std::string get_text(const std::string& path) const;
  nlohmann::json post(const std::string& path, const nlohmann::json& body) const;
  nlohmann::json stats() const { return get("/_fake/stats"); }

 private:
  int pid_ = -1;
  std::string origin_;
};

// One isolated user: own HOME, data and config folders, pointed at an emulator.
class Sandbox {
 public:
  explicit Sandbox(const FakeCloud& cloud);

  // Runs photoagent with `args`; `extra_env` adds or overrides variables
  // (an empty value removes the variable).
  Result run(const std::vector<std::string>& args, const std::string& input = {},
             const std::map<std::string, std::string>& extra_env = {}, int timeout_s = 60) const;

  // Runs photoagent and sends it `signal` after `after_ms` milliseconds.
  Result run_and_signal(const std::vector<std::string>& args, int signal, int after_ms,
                        const std::map<std::string, std::string>& extra_env = {}) const;

  std::map<std::string, std::string> env;
  const std::filesystem::path& home() const { return dir_.path(); }
  std::filesystem::path config_dir() const { return dir_.path() / "config"; }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }

 private:
  TempDir dir_;
};

}  // namespace e2e

// Tests name the binary as PHOTOAGENT_BIN in many files; this makes each of
// them follow PA_E2E_PHOTOAGENT too.
#undef PHOTOAGENT_BIN
#define PHOTOAGENT_BIN (::e2e::photoagent_bin())
