#pragma once
// A profile's settings: PROFILE_DIR/config.json, a flat map of dotted keys.
// Every key photoagent reads is in the key table (config_keys()), so `config
// set` can reject typos and `config list` can explain each one.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "photoagent/util/env.hpp"

namespace photoagent::workflows {

struct ConfigKey {
  std::string name;
  std::string description;
  std::string default_value;  // "" when none
};

const std::vector<ConfigKey>& config_keys();

class Config {
 public:
  // A missing file is an empty config; `env` is where variables that stand
  // in for settings (PHOTOAGENT_PROJECT) are read.
  explicit Config(std::filesystem::path file, const util::Env& env = util::process_env());
  ~Config();
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;

  std::optional<std::string> get(const std::string& key) const;  // stored value only
  std::string get_or_default(const std::string& key) const;
  // The value as a whole number in [min, max]; util::Error (exit 2) otherwise.
  long get_number(const std::string& key, long min, long max) const;
  void set(const std::string& key, const std::string& value);    // validates, saves atomically
  bool unset(const std::string& key);                             // saves; false when absent
  std::vector<std::pair<std::string, std::string>> entries() const;
  const std::filesystem::path& file() const { return file_; }
  const util::Env& env() const { return *env_; }

 private:
  void save() const;
  std::filesystem::path file_;
  const util::Env* env_;
  struct Data;
  std::unique_ptr<Data> data_;
};

}  // namespace photoagent::workflows
