// /_fake/*: what tests use to steer the emulator and to look inside it.
#include "router.hpp"

namespace fakecloud {
namespace {

json stats(const App& app) {
  json s = json::object();
  for (const char* k : {"predictions_created", "trainings_created", "files_uploaded",
                        "emails_sent", "hf_commits", "faults_injected",
                        "requests_with_repeated_headers"})
    s[k] = 0;
  for (const auto& [k, v] : app.counters.named) s[k] = v;
  s["requests_by_route"] = app.counters.by_route;
  s["responses_by_status"] = app.counters.by_status;
  s["faults_by_kind"] = app.counters.faults_by_kind;
  s["repeated_headers_by_route"] = app.counters.repeated_headers;
  s["token_sightings"] = app.counters.token_sightings;
  json rules = json::array();
  for (const auto& r : app.faults)
    rules.push_back({{"route", r.routes.size() == 1 ? json(r.routes[0]) : json(r.routes)},
                     {"kind", r.kind}, {"hits", r.hits}, {"skip", r.skip},
                     {"remaining", r.remaining < 0 ? json(nullptr) : json(r.remaining)}});
  s["faults"] = rules;
  return s;
}

json mail_json(const Mail& m) {
  json to = json::array();
  for (const auto& p : m.body.value("personalizations", json::array()))
    if (p.is_object())
      for (const auto& t : p.value("to", json::array()))
        if (t.is_object()) to.push_back(jstr(t, "email", ""));
  std::string subject = jstr(m.body, "subject", "");
  if (subject.empty() && !m.body.value("personalizations", json::array()).empty())
    subject = jstr(m.body["personalizations"][0], "subject", "");
  return json{{"message_id", m.message_id}, {"received_at", iso(m.at)}, {"sandbox", m.sandbox},
              {"key", m.key_kind},          {"to", to},               {"subject", subject},
              {"body", m.body}};
}

}  // namespace

void register_control(Router& r) {
  r.add("GET", "/_fake/health", Auth::Control,
        [](Ctx& c) { c.send_json(200, json{{"ok", true}}); });

  r.add("GET", "/_fake/stats", Auth::Control, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    c.send_json(200, stats(c.app));
  });

  r.add("GET", "/_fake/config", Auth::Control, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    c.send_json(200, c.app.config);
  });

  r.add("POST", "/_fake/config", Auth::Control, [](Ctx& c) {
    json patch = json::parse(c.req.body, nullptr, false);
    if (patch.is_discarded()) return c.send_json(400, json{{"error", "config must be JSON"}});
    std::lock_guard<std::mutex> lock(c.app.mu);
    std::string err = apply_config_patch(c.app, patch);
    if (!err.empty()) return c.send_json(400, json{{"error", err}});
    c.send_json(200, c.app.config);
  });

  r.add("POST", "/_fake/reset", Auth::Control, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    reset_state(c.app);
    c.send_json(200, json{{"ok", true}});
  });

  r.add("GET", "/_fake/outbox", Auth::Control, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    bool sandbox = c.req.get_param_value("sandbox") == "1";
    json out = json::array();
    for (const auto& m : sandbox ? c.app.state.sendgrid.sandbox : c.app.state.sendgrid.outbox)
      out.push_back(mail_json(m));
    c.send_json(200, out);
  });

  r.add("GET", "/_fake/hf/repos", Auth::Control, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    json out = json::array();
    for (const auto& [key, repo] : c.app.state.hf.repos) {
      json commits = json::array();
      for (const auto& cm : repo.commits)
        commits.push_back({{"oid", cm.oid}, {"summary", cm.summary}, {"at", iso(cm.at)}});
      out.push_back({{"id", key}, {"type", repo.type}, {"private", repo.priv}, {"commits", commits}});
    }
    c.send_json(200, out);
  });

  // ?repo=NS/NAME[&rev=main] lists files (a JSON array; the commit is in
  // X-Repo-Commit); add &path=P to get that file's bytes.
  r.add("GET", "/_fake/hf/files", Auth::Control, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    std::string id = c.req.get_param_value("repo");
    auto it = c.app.state.hf.repos.find(id);
    if (it == c.app.state.hf.repos.end() || it->second.commits.empty())
      return c.send_json(404, json{{"error", "no such repo: " + id}});
    std::string rev = c.req.has_param("rev") ? c.req.get_param_value("rev") : "main";
    const HfCommit* head = nullptr;
    for (const auto& cm : it->second.commits)
      if (rev == "main" || starts_with(cm.oid, rev)) head = &cm;
    if (!head) return c.send_json(404, json{{"error", "no such revision: " + rev}});
    if (c.req.has_param("path")) {
      auto f = head->files.find(c.req.get_param_value("path"));
      if (f == head->files.end()) return c.send_json(404, json{{"error", "no such file"}});
      return c.send_text(200, *f->second.data, "application/octet-stream");
    }
    json out = json::array();
    for (const auto& [path, b] : head->files)
      out.push_back({{"path", path},
                     {"size", b.data->size()},
                     {"sha256", b.sha256},
                     {"blob_id", b.sha1},
                     {"oid", b.lfs ? b.sha256 : b.sha1},
                     {"lfs", b.lfs}});
    c.res.set_header("X-Repo-Commit", head->oid);
    c.send_json(200, out);
  });

  // The bytes of a Files API upload (e.g. to inspect the training zip).
  r.add("GET", "/_fake/files/{id}", Auth::Control, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    auto it = c.app.state.replicate.files.find(c.p("id"));
    if (it == c.app.state.replicate.files.end())
      return c.send_json(404, json{{"error", "no such file"}});
    c.send_text(200, *it->second.bytes, it->second.content_type.c_str());
  });
}

}  // namespace fakecloud
