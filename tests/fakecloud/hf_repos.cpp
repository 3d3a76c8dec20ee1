// Hugging Face identity and repos: whoami-v2, repos/create, repos/delete,
// model info (+ /revision/{rev}) and the file tree.
#include <regex>

#include "hf_common.hpp"

namespace fakecloud {
namespace {

json whoami(const App& app) {
  std::string user = hf_user(app);
  json orgs = json::array();
  for (const auto& o : app.config.value("hf_orgs", json::array()))
    if (o.is_string())
      orgs.push_back({{"id", sha256_hex("org:" + o.get<std::string>()).substr(0, 24)},
                      {"type", "org"},
                      {"name", o},
                      {"fullname", o},
                      {"email", nullptr},
                      {"canPay", false},
                      {"avatarUrl", "/avatars/org.svg"},
                      {"periodEnd", nullptr}});
  json access = {{"displayName", "fakecloud"},
                 {"role", app.cfg_str("hf_token_role", "write")},
                 {"createdAt", "2026-01-01T00:00:00.000Z"}};
  // Fine-grained tokens list their grants (the shape of a captured real answer).
  if (access["role"] == "fineGrained")
    access["fineGrained"] = {{"canReadGatedRepos", true},
                             {"global", app.config.value("hf_token_global", json::array())},
                             {"scoped", hf_token_scoped(app)}};
  return json{{"type", "user"},
              {"id", sha256_hex("user:" + user).substr(0, 24)},
              {"name", user},
              {"fullname", app.cfg_str("hf_fullname", "Ada HF")},
              {"email", user + "@example.com"},
              {"emailVerified", true},
              {"canPay", false},
              {"isPro", false},
              {"periodEnd", nullptr},
              {"avatarUrl", "/avatars/" + md5_hex(user) + ".svg"},
              {"billingMode", "postpaid"},
              {"orgs", orgs},
              {"auth", {{"type", "access_token"}, {"accessToken", access}}}};
}

// Repo id parts from a create/delete body: {"name", "organization"}; name may carry "ns/".
bool repo_target(const Ctx& c, const json& b, std::string& ns, std::string& name) {
  name = jstr(b, "name", "");
  ns = b.contains("organization") && b["organization"].is_string() ? b["organization"].get<std::string>()
                                                                   : hf_user(c.app);
  if (auto slash = name.find('/'); slash != std::string::npos) {
    ns = name.substr(0, slash);
    name = name.substr(slash + 1);
  }
  static const std::regex rx(R"(^[A-Za-z0-9]([A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$)");
  return std::regex_match(name, rx) && name.find("--") == std::string::npos &&
         name.find("..") == std::string::npos;
}

json model_info(const Ctx& c, const HfRepo& repo, const HfCommit& head) {
  bool blobs = c.req.get_param_value("blobs") == "true" || c.req.get_param_value("blobs") == "1";
  json siblings = json::array();
  long used = 0;
  for (const auto& [path, blob] : head.files) {
    json s{{"rfilename", path}};
    if (blobs) {
      s["size"] = blob.data->size();
      s["blobId"] = blob.sha1;
      if (blob.lfs)
        s["lfs"] = {{"sha256", blob.sha256}, {"size", blob.data->size()}, {"pointerSize", 134}};
    }
    used += static_cast<long>(blob.data->size());
    siblings.push_back(s);
  }
  std::string ns = repo.id.substr(0, repo.id.find('/'));
  return json{{"_id", repo.hexid},   {"id", repo.id},          {"modelId", repo.id},
              {"author", ns},        {"sha", head.oid},        {"lastModified", iso(head.at)},
              {"private", repo.priv}, {"gated", false},        {"disabled", false},
              {"downloads", 0},      {"likes", 0},             {"tags", json::array()},
              {"siblings", siblings}, {"spaces", json::array()}, {"createdAt", iso(repo.created)},
              {"usedStorage", used}};
}

// Fields asked for with ?expand[]=F (huggingface.js) or ?expand=F (huggingface_hub).
std::vector<std::string> expand_fields(const Ctx& c) {
  std::vector<std::string> out;
  for (const auto& [k, v] : c.req.params)
    if (k == "expand" || k == "expand[]") out.push_back(v);
  return out;
}

// With expand, the Hub answers _id, id and the fields asked for, nothing else.
json expanded(const App& app, const json& info, const std::vector<std::string>& fields) {
  json out = {{"_id", info["_id"]}, {"id", info["id"]}};
  const std::string id = info["id"].get<std::string>();
  for (const auto& f : fields) {
    if (f == "inferenceProviderMapping") out[f] = hf_provider_mapping(app, id);
    else if (f == "inference") {
      if (hf_inference_serves(app, id)) out[f] = "warm";
    } else if (info.contains(f)) out[f] = info[f];
  }
  return out;
}

}  // namespace

void register_hf_repos(Router& r) {
  r.add("GET", "/api/whoami-v2", Auth::Hf, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    c.send_json(200, whoami(c.app));
  });

  r.add("POST", "/api/repos/create", Auth::Hf, [](Ctx& c) {
    json b = json::parse(c.req.body, nullptr, false);
    if (b.is_discarded() || !b.is_object()) return hf_error(c, 400, "Invalid JSON body");
    std::string ns, name;
    if (!repo_target(c, b, ns, name))
      return hf_error(c, 400, "Repository name is invalid: only letters, digits, '-', '_' and '.' "
                              "are allowed ('--' and '..' are forbidden), max length 96.");
    std::string type = jstr(b, "type", "model");
    if (type != "model" && type != "dataset" && type != "space")
      return hf_error(c, 400, "Invalid repo type");
    bool priv = jbool(b, "private", false);
    if (b.contains("visibility") && b["visibility"].is_string())
      priv = b["visibility"].get<std::string>() != "public";
    std::lock_guard<std::mutex> lock(c.app.mu);
    if (!hf_can_write(c.app, ns))
      return hf_error(c, 403, "You don't have the rights to create a " + type +
                                  " under the namespace \"" + ns + "\"");
    std::string key = (type == "model" ? "" : type + "s/") + ns + "/" + name;
    auto& repos = c.app.state.hf.repos;
    if (auto it = repos.find(key); it != repos.end()) {
      c.res.set_header("X-Error-Message", "You already created this " + type + " repo");
      return c.send_json(409, json{{"error", "You already created this " + type + " repo"},
                                   {"url", hf_repo_url(c, it->second)}});
    }
    HfRepo repo;
    repo.id = ns + "/" + name;
    repo.type = type;
    repo.hexid = random_hex(24);
    repo.priv = priv;
    repo.created = Clock::now();
    HfCommit first{random_hex(40), "initial commit", "", repo.created, {}};
    first.files[".gitattributes"] = hf_make_blob(hf_default_gitattributes(), false);
    repo.commits.push_back(std::move(first));
    auto& stored = repos[key] = std::move(repo);
    c.app.bump("hf_repos_created");
    c.send_json(200, json{{"url", hf_repo_url(c, stored)}, {"name", stored.id}, {"id", stored.hexid}});
  });

  r.add("DELETE", "/api/repos/delete", Auth::Hf, [](Ctx& c) {
    json b = json::parse(c.req.body, nullptr, false);
    std::string ns, name;
    if (b.is_discarded() || !b.is_object() || !repo_target(c, b, ns, name))
      return hf_error(c, 400, "Invalid JSON body");
    std::lock_guard<std::mutex> lock(c.app.mu);
    if (!hf_repo_access(c, ns, name, true)) return;
    c.app.state.hf.repos.erase(ns + "/" + name);
    c.send_text(200, "", "text/plain");
  });

  auto info = [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    const std::string id = c.p("ns") + "/" + c.p("name");
    std::string rev = c.params.count("rev") ? c.p("rev") : "main";
    json out;
    const json* public_model = c.app.state.hf.repos.count(id) ? nullptr : hf_catalog_model(id);
    if (public_model) {
      if (rev != "main" && rev != public_model->value("sha", "")) return hf_error(c, 404, "Invalid rev id: " + rev, "RevisionNotFound");
      out = *public_model;
    } else {
      HfRepo* repo = hf_repo_access(c, c.p("ns"), c.p("name"), false);
      if (!repo) return;
      const HfCommit* head = hf_rev(*repo, rev);
      if (!head) return hf_error(c, 404, "Invalid rev id: " + rev, "RevisionNotFound");
      out = model_info(c, *repo, *head);
    }
    const auto fields = expand_fields(c);
    c.send_json(200, fields.empty() ? out : expanded(c.app, out, fields));
  };
  r.add("GET", "/api/models/{ns}/{name}", Auth::HfOptional, info);
  r.add("GET", "/api/models/{ns}/{name}/revision/{rev*}", Auth::HfOptional, info);

  // Flat recursive listing, enough to compare remote oids before a commit.
  auto tree = [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    HfRepo* repo = hf_repo_access(c, c.p("ns"), c.p("name"), false);
    if (!repo) return;
    const HfCommit* head = hf_rev(*repo, c.p("rev"));
    if (!head) return hf_error(c, 404, "Invalid rev id: " + c.p("rev"), "RevisionNotFound");
    std::string prefix = c.params.count("path") ? c.p("path") + "/" : "";
    json out = json::array();
    for (const auto& [path, blob] : head->files) {
      if (!starts_with(path, prefix)) continue;
      json e{{"type", "file"}, {"oid", blob.sha1}, {"size", blob.data->size()}, {"path", path}};
      if (blob.lfs)
        e["lfs"] = {{"oid", blob.sha256}, {"size", blob.data->size()}, {"pointerSize", 134}};
      out.push_back(e);
    }
    c.send_json(200, out);
  };
  r.add("GET", "/api/models/{ns}/{name}/tree/{rev}", Auth::HfOptional, tree);
  r.add("GET", "/api/models/{ns}/{name}/tree/{rev}/{path*}", Auth::HfOptional, tree);
}

}  // namespace fakecloud
