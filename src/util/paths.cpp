#include "photoagent/util/paths.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::util {
namespace fs = std::filesystem;

namespace {
fs::path home(const Env& env) {
  if (auto h = env.get("HOME")) return *h;
  throw failure("HOME is not set, so photoagent cannot find its folders",
                "Set HOME, or PHOTOAGENT_HOME and PHOTOAGENT_CONFIG_DIR.");
}

fs::path xdg(const Env& env, const char* own, const char* xdg_var, const char* fallback, const char* leaf) {
  if (auto v = env.get(own)) return *v;
  if (auto v = env.get(xdg_var)) return fs::path(*v) / leaf;
  return home(env) / fallback / leaf;
}
}  // namespace

fs::path data_home(const Env& env) { return xdg(env, "PHOTOAGENT_HOME", "XDG_DATA_HOME", ".local/share", "photoagent"); }
fs::path config_home(const Env& env) { return xdg(env, "PHOTOAGENT_CONFIG_DIR", "XDG_CONFIG_HOME", ".config", "photoagent"); }
fs::path hf_home(const Env& env) { return xdg(env, "HF_HOME", "XDG_CACHE_HOME", ".cache", "huggingface"); }

fs::path profile_dir(const std::string& profile, const Env& env) {
  if (profile.empty() || profile == "default") return config_home(env);
  return config_home(env) / "profiles" / profile;
}

void ensure_dir(const fs::path& dir, unsigned mode) {
  if (dir.empty() || fs::is_directory(dir)) return;
  ensure_dir(dir.parent_path(), mode);
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST)
    throw failure("cannot create folder " + dir.string() + ": " + std::strerror(errno));
}

void tighten_dir(const fs::path& dir) {
  struct stat st {};
  if (dir.empty() || ::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;
  if ((st.st_mode & 077) == 0 || st.st_uid != ::geteuid()) return;
  ::chmod(dir.c_str(), st.st_mode & 0700);  // a failure leaves it as it was: nothing to do about it here
}

void ensure_private_dir(const fs::path& dir) {
  ensure_dir(dir, 0700);
  tighten_dir(dir);
}

}  // namespace photoagent::util
