// Who a Hugging Face token belongs to, and where it may push (hf_sendgrid.md §1).
#include "photoagent/services/huggingface/whoami.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "photoagent/services/json_read.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::huggingface {
using nlohmann::json;

namespace {

const json& member(const json& o, const char* key) {
  static const json none;
  return o.is_object() && o.contains(key) ? o[key] : none;
}

// auth.accessToken.fineGrained.scoped[]: {"entity": {"_id", "type", "name"}, "permissions": [...]}
std::vector<TokenScope> read_scopes(const json& access_token) {
  std::vector<TokenScope> out;
  const json& scoped = member(member(access_token, "fineGrained"), "scoped");
  if (!scoped.is_array()) return out;
  for (const auto& s : scoped) {
    TokenScope t;
    t.type = string_or_empty(member(s, "entity"), "type");
    t.name = string_or_empty(member(s, "entity"), "name");
    for (const auto& p : member(s, "permissions"))
      if (p.is_string()) t.permissions.push_back(p.get<std::string>());
    if (!t.name.empty()) out.push_back(std::move(t));
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

}  // namespace

WhoAmI parse_whoami(const std::string& body) {
  const json j = parse_answer(Service::huggingface, body, "whoami");
  const JsonReader who(Service::huggingface, j, "whoami");
  WhoAmI w;
  w.name = who.str("name");
  w.type = who.opt_str("type");
  const json& token = member(member(j, "auth"), "accessToken");
  w.role = string_or_empty(token, "role");
  w.scoped = read_scopes(token);
  for (const auto& o : member(j, "orgs"))
    if (auto name = string_or_empty(o, "name"); !name.empty()) w.orgs.push_back(name);
  return w;
}

WhoAmI whoami(const Api& api) { return parse_whoami(api.call("GET", "/api/whoami-v2", "identify the token").body); }

std::vector<std::string> writable_targets(const WhoAmI& who) {
  std::vector<std::string> out;
  if (who.role == "write" || who.role == "admin") {
    out.push_back(who.name);
    out.insert(out.end(), who.orgs.begin(), who.orgs.end());
  } else if (who.role == "fineGrained") {
    for (const auto& s : who.scoped)
      if (has(s.permissions, "repo.write") && (s.type == "user" || s.type == "org" || s.type == "model") &&
          !has(out, s.name))
        out.push_back(s.name);
  }
  return out;
}

std::string write_refusal(const WhoAmI& who, const std::string& repo_id) {
  const std::string ns = repo_id.substr(0, repo_id.find('/'));
  const auto targets = writable_targets(who);
  if (has(targets, ns) || has(targets, repo_id)) return "";
  if (who.role == "read") return "this Hugging Face token is read-only, so it cannot push to " + repo_id;
  if (who.role == "fineGrained") {
    if (targets.empty())
      return "this fine-grained Hugging Face token has no repo.write permission, so it cannot push to " + repo_id;
    return "this fine-grained Hugging Face token cannot write to " + ns + " (it has repo.write on " + joined(targets) +
           " only), so it cannot push to " + repo_id;
  }
  if (who.role == "write" || who.role == "admin")
    return "the Hugging Face user " + who.name + " cannot push to " + repo_id + ": " + ns +
           " is neither the user nor one of its organizations (" + joined(targets) + ")";
  return "";  // a role this version does not know: let the Hub decide
}

void require_write_access(const Api& api, const std::string& repo_id) {
  const std::string why = write_refusal(whoami(api), repo_id);
  if (why.empty()) return;
  const std::string ns = repo_id.substr(0, repo_id.find('/'));
  throw util::auth_error(why, "Create a token that may write to " + ns +
                                  " at https://huggingface.co/settings/tokens (fine-grained: 'repo.write' on " + ns +
                                  ") and run 'photoagent login --huggingface', or push to a namespace this token "
                                  "can write with --hf-repo.");
}

}  // namespace photoagent::services::huggingface
