#include "photoagent/workflows/credentials.hpp"

#include <nlohmann/json.hpp>
#include <vector>

#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/paths.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/time.hpp"

namespace photoagent::workflows {
using nlohmann::json;
using services::Service;

namespace {

const char* key_of(Service s) {
  switch (s) {
    case Service::replicate: return "replicate";
    case Service::huggingface: return "huggingface";
    case Service::sendgrid: return "sendgrid";
  }
  return "";
}

json load(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return json::object();
  if (util::is_group_or_world_accessible(file))
    throw util::auth_error(file.string() + " can be read by other users, so photoagent will not use it",
                           "Run 'chmod 600 " + file.string() + "' and check who could have read it.");
  json j = json::parse(util::read_file(file, 1u << 20), nullptr, false);
  if (!j.is_object())
    throw util::auth_error(file.string() + " is damaged (not a JSON object)",
                           "Remove it and log in again: 'photoagent login'.");
  return j;
}

void store(const std::filesystem::path& file, const json& j) {
  util::ensure_private_dir(file.parent_path());
  util::write_file_atomic(file, j.dump(2) + "\n", 0600);
}

}  // namespace

CredentialStore::CredentialStore(std::filesystem::path profile_dir, const util::Env& env)
    : file_(std::move(profile_dir) / "credentials.json"), env_(env) {}

std::optional<Credential> CredentialStore::find(Service s) const {
  // huggingface_hub reads the legacy HUGGING_FACE_HUB_TOKEN after HF_TOKEN;
  // CI secrets set up for it keep working here.
  std::vector<std::string> vars{std::string(services::token_env_var(s))};
  if (s == Service::huggingface) vars.emplace_back("HUGGING_FACE_HUB_TOKEN");
  for (const auto& var : vars) {
    if (auto v = env_.get(var)) {
      std::string secret = util::trim(*v);
      if (!secret.empty()) return Credential{secret, "env " + var, true, ""};
    }
  }
  json j = load(file_);
  if (auto it = j.find(key_of(s)); it != j.end() && it->is_object() && it->contains("token") &&
                                    (*it)["token"].is_string()) {
    return Credential{(*it)["token"].get<std::string>(), "file " + file_.string(), false,
                      it->value("account", "")};
  }
  if (s == Service::huggingface) {
    const auto token_file = env_.get("HF_TOKEN_PATH").value_or((util::hf_home(env_) / "token").string());
    if (std::filesystem::exists(token_file)) {
      std::string secret = util::trim(util::read_file(token_file, 4096));
      if (!secret.empty()) return Credential{secret, "file " + token_file, false, ""};
    }
  }
  return std::nullopt;
}

Credential CredentialStore::require(Service s) const {
  if (auto c = find(s)) return *c;
  const std::string var(services::token_env_var(s));
  const std::string hint = env_.ci()
                               ? "Set the " + var + " environment variable (a CI secret)."
                               : "Run 'photoagent login " + std::string(services::login_flag(s)) +
                                     "', or set " + var + ".";
  throw util::auth_error("no " + std::string(services::display_name(s)) + " credentials", hint);
}

void CredentialStore::save(Service s, const std::string& secret, const std::string& account) {
  json j = load(file_);
  j[key_of(s)] = {{"token", secret}, {"account", account}, {"saved_at", util::now_iso8601()}};
  store(file_, j);
}

bool CredentialStore::remove(Service s) {
  json j = load(file_);
  if (j.erase(key_of(s)) == 0) return false;
  store(file_, j);
  return true;
}

}  // namespace photoagent::workflows
