#include "hf_common.hpp"

#include <algorithm>

namespace fakecloud {

std::string hf_user(const App& app) { return app.cfg_str("hf_user", "ada-hf"); }

namespace {
bool grants(const json& scope, const char* type, const std::string& name) {
  if (!scope.is_object()) return false;
  const json entity = scope.value("entity", json::object());
  if (!entity.is_object() || jstr(entity, "name", "") != name) return false;
  const std::string t = jstr(entity, "type", "");
  if (std::string(type) == "namespace" ? (t != "user" && t != "org") : t != type) return false;
  for (const auto& p : scope.value("permissions", json::array()))
    if (p == "repo.write") return true;
  return false;
}
}  // namespace

json hf_token_scoped(const App& app) {
  json out = json::array();
  for (const auto& s : app.config.value("hf_token_scoped", json::array())) {
    if (!s.is_object() || !s.value("entity", json()).is_object()) continue;
    json e = s;
    e["entity"]["_id"] = sha256_hex("entity:" + jstr(s["entity"], "name", "")).substr(0, 24);
    if (!e.contains("permissions")) e["permissions"] = json::array();
    out.push_back(e);
  }
  return out;
}

bool hf_can_write_repo(const App& app, const std::string& repo_id) {
  if (hf_can_write(app, repo_id.substr(0, repo_id.find('/')))) return true;
  if (app.cfg_str("hf_token_role", "write") != "fineGrained") return false;
  for (const auto& s : app.config.value("hf_token_scoped", json::array()))
    if (grants(s, "model", repo_id)) return true;
  return false;
}

bool hf_can_write(const App& app, const std::string& ns) {
  std::string role = app.cfg_str("hf_token_role", "write");
  if (role == "fineGrained") {
    for (const auto& s : app.config.value("hf_token_scoped", json::array()))
      if (grants(s, "namespace", ns)) return true;
    return false;
  }
  if (role != "write" && role != "admin") return false;
  if (ns == hf_user(app)) return true;
  for (const auto& o : app.config.value("hf_orgs", json::array()))
    if (o.is_string() && o.get<std::string>() == ns) return true;
  return false;
}

HfRepo* hf_repo_access(Ctx& c, const std::string& ns, const std::string& name, bool write) {
  auto& repos = c.app.state.hf.repos;
  auto it = repos.find(ns + "/" + name);
  bool owner = !c.token_kind.empty() && hf_can_write_repo(c.app, ns + "/" + name);
  bool readable = it != repos.end() &&
                  (!it->second.priv || (!c.token_kind.empty() &&
                                        (ns == hf_user(c.app) || owner)));
  if (!readable) {
    // The Hub does not reveal whether a private repo exists.
    if (c.token_kind.empty())
      hf_error(c, 401, "Repository not found", "RepoNotFound");
    else
      hf_error(c, 404, "Repository not found", "RepoNotFound");
    return nullptr;
  }
  if (write && !owner) {
    hf_error(c, 403, "You don't have the rights to write to " + ns + "/" + name);
    return nullptr;
  }
  return &it->second;
}

const HfCommit* hf_rev(const HfRepo& repo, const std::string& rev) {
  if (repo.commits.empty()) return nullptr;
  if (rev == "main" || rev == "refs/heads/main") return &repo.commits.back();
  const HfCommit* found = nullptr;
  if (rev.size() < 7) return nullptr;
  for (const auto& cm : repo.commits)
    if (starts_with(cm.oid, rev)) {
      if (found) return nullptr;  // ambiguous
      found = &cm;
    }
  return found;
}

const std::string& hf_default_gitattributes() {
  static const std::string text =
      "*.7z filter=lfs diff=lfs merge=lfs -text\n"
      "*.bin filter=lfs diff=lfs merge=lfs -text\n"
      "*.ckpt filter=lfs diff=lfs merge=lfs -text\n"
      "*.gz filter=lfs diff=lfs merge=lfs -text\n"
      "*.h5 filter=lfs diff=lfs merge=lfs -text\n"
      "*.onnx filter=lfs diff=lfs merge=lfs -text\n"
      "*.pt filter=lfs diff=lfs merge=lfs -text\n"
      "*.pth filter=lfs diff=lfs merge=lfs -text\n"
      "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"
      "*.tar filter=lfs diff=lfs merge=lfs -text\n"
      "*.zip filter=lfs diff=lfs merge=lfs -text\n"
      "*.zst filter=lfs diff=lfs merge=lfs -text\n"
      "*tfevents* filter=lfs diff=lfs merge=lfs -text\n";
  return text;
}

bool hf_wants_lfs(const std::string& path, size_t size, const std::string& sample) {
  if (size == 0) return false;  // empty files are always regular (S3 rejects empty LFS uploads)
  static const char* exts[] = {".7z", ".bin", ".ckpt", ".gz",  ".h5",  ".onnx", ".pt",
                               ".pth", ".safetensors", ".tar", ".zip", ".zst",  ".png",
                               ".jpg", ".jpeg", ".webp", ".gif"};
  for (const char* e : exts)
    if (ends_with(path, e)) return true;
  if (size > 10L * 1024 * 1024) return true;
  return sample.find('\0') != std::string::npos;  // binary content
}

HfBlob hf_make_blob(std::string bytes, bool lfs) {
  HfBlob b;
  b.sha256 = sha256_hex(bytes);
  b.sha1 = git_blob_sha1(bytes);
  b.lfs = lfs;
  b.data = std::make_shared<const std::string>(std::move(bytes));
  return b;
}

std::string hf_repo_url(const Ctx& c, const HfRepo& repo) {
  std::string prefix = repo.type == "model" ? "" : repo.type + "s/";
  return c.origin + "/" + prefix + repo.id;
}

}  // namespace fakecloud
