// Replicate models and versions, plus the cursor paging every list shares.
#include <climits>
#include <regex>
#include <set>

#include "replicate.hpp"

namespace fakecloud {

Model* find_model(App& app, const std::string& full) {
  auto it = app.state.replicate.models.find(full);
  if (it == app.state.replicate.models.end()) return nullptr;
  Model& m = it->second;
  // Someone else's private model is indistinguishable from a missing one.
  if (m.visibility == "private" && m.owner != app.cfg_str("replicate_user", "ada-lab")) return nullptr;
  return &m;
}

std::pair<Model*, Version*> find_version(App& app, const std::string& id) {
  for (auto& [key, m] : app.state.replicate.models)
    for (auto& v : m.versions)
      if (v.id == id && find_model(app, key)) return {&m, &v};
  return {nullptr, nullptr};
}

json version_json(const Version& v) {
  return json{{"id", v.id}, {"created_at", v.created_at}, {"cog_version", v.cog_version},
              {"openapi_schema", v.openapi_schema}};
}

json model_json(const Model& m) {
  json o = {{"url", "https://replicate.com/" + m.full()},
            {"owner", m.owner},
            {"name", m.name},
            {"description", m.description.empty() ? json(nullptr) : json(m.description)},
            {"visibility", m.visibility},
            {"github_url", nullptr},
            {"paper_url", nullptr},
            {"license_url", nullptr},
            {"weights_url", nullptr},
            {"run_count", m.run_count},
            {"cover_image_url", nullptr},
            {"default_example", nullptr},
            {"is_official", m.official},
            {"hardware", m.hardware},
            {"created_at", m.created_at},
            {"latest_version", m.versions.empty() ? json(nullptr) : version_json(m.versions.back())}};
  for (auto& [k, v] : m.extra.items()) o[k] = v;
  return o;
}

json paginate(const Ctx& c, const std::vector<std::pair<long, json>>& items, long page_size) {
  long before = LONG_MAX, after = -1;
  if (c.req.has_param("cursor")) {
    auto raw = base64url_decode(c.req.get_param_value("cursor"));
    bool ok = raw && raw->size() > 2 && ((*raw)[0] == 'b' || (*raw)[0] == 'a') && (*raw)[1] == ':';
    long n = 0;
    if (ok) {
      try {
        n = std::stol(raw->substr(2));
      } catch (...) {
        ok = false;
      }
    }
    if (!ok) {
      replicate_problem(c, 400, "Invalid cursor", "Bad Request");
      return nullptr;
    }
    ((*raw)[0] == 'b' ? before : after) = n;
  }
  std::vector<const std::pair<long, json>*> page;
  if (after >= 0) {
    // Going back: the page_size items just newer than `after`, still newest first.
    std::vector<const std::pair<long, json>*> newer;
    for (const auto& it : items)
      if (it.first > after) newer.push_back(&it);
    size_t from = newer.size() > static_cast<size_t>(page_size) ? newer.size() - page_size : 0;
    page.assign(newer.begin() + static_cast<long>(from), newer.end());
  } else {
    for (const auto& it : items)
      if (it.first < before && page.size() < static_cast<size_t>(page_size)) page.push_back(&it);
  }
  std::string query;
  for (const auto& [k, v] : c.req.params)
    if (k != "cursor") query += url_encode(k) + "=" + url_encode(v) + "&";
  auto link = [&](char dir, long seq) {
    return json(c.origin + c.req.path + "?" + query + "cursor=" +
                base64url_encode(std::string(1, dir) + ":" + std::to_string(seq)));
  };
  json results = json::array();
  for (const auto* p : page) results.push_back(p->second);
  json next = nullptr, previous = nullptr;
  if (!page.empty()) {
    long last = page.back()->first, first = page.front()->first;
    for (const auto& it : items) {
      if (it.first < last) next = link('b', last);
      if (it.first > first) previous = link('a', first);
    }
  }
  return json{{"next", next}, {"previous", previous}, {"results", results}};
}

bool time_filter(const Ctx& c, std::optional<TimePoint>& after, std::optional<TimePoint>& before) {
  for (const char* key : {"created_after", "created_before"}) {
    if (!c.req.has_param(key)) continue;
    auto t = parse_iso(c.req.get_param_value(key));
    if (!t) {
      replicate_problem(c, 400, std::string(key) + ": invalid ISO 8601 timestamp", "Bad Request");
      return false;
    }
    (std::string(key) == "created_after" ? after : before) = t;
  }
  return true;
}

namespace {

const std::set<std::string> kHardware = {"cpu", "gpu-t4", "gpu-l40s", "gpu-a100-large",
                                         "gpu-h100", "gpu-a40-small", "gpu-a40-large"};

void create_model(Ctx& c) {
  json b = json::parse(c.req.body, nullptr, false);
  if (b.is_discarded() || !b.is_object())
    return replicate_problem(c, 400, "The request body must be a JSON object", "Bad Request");
  json fields = json::array();
  for (const char* k : {"owner", "name", "visibility", "hardware"})
    if (!b.contains(k) || !b[k].is_string())
      fields.push_back({{"type", "required"}, {"field", "(root)"}, {"description", std::string(k) + " is required"}});
  if (!fields.empty()) return send_invalid_fields(c, fields);
  std::string owner = b["owner"], name = b["name"], vis = b["visibility"], hw = b["hardware"];
  static const std::regex name_rx(R"(^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$)");
  if (!std::regex_match(name, name_rx))
    fields.push_back({{"type", "pattern"}, {"field", "name"},
                      {"description", "name must be lowercase letters, digits, dashes, underscores or periods, "
                                      "and start and end with a letter or digit"}});
  if (vis != "public" && vis != "private")
    fields.push_back({{"type", "enum"}, {"field", "visibility"},
                      {"description", "visibility must be one of the following: \"public\", \"private\""}});
  if (!kHardware.count(hw))
    fields.push_back({{"type", "enum"}, {"field", "hardware"}, {"description", "Invalid hardware SKU: " + hw}});
  if (!fields.empty()) return send_invalid_fields(c, fields);
  std::lock_guard<std::mutex> lock(c.app.mu);
  if (owner != c.app.cfg_str("replicate_user", "ada-lab"))
    return replicate_problem(c, 403, "You do not have permission to create models for " + owner, "Forbidden");
  auto& models = c.app.state.replicate.models;
  if (models.count(owner + "/" + name))
    return replicate_problem(c, 409, "A model named " + owner + "/" + name + " already exists.",
                             "Model already exists");
  Model m;
  m.owner = owner;
  m.name = name;
  m.visibility = vis;
  m.hardware = hw;
  m.kind = "images";
  m.description = jstr(b, "description", "");
  m.created_at = iso(Clock::now());
  m.run_count = 0;
  for (const char* k : {"github_url", "paper_url", "license_url", "cover_image_url"})
    if (b.contains(k)) m.extra[k] = b[k];
  auto& stored = models[m.full()] = std::move(m);
  c.app.bump("models_created");
  c.send_json(201, model_json(stored));
}

}  // namespace

void register_replicate_models(Router& r) {
  r.add("POST", "/v1/models", Auth::Replicate, create_model);

  r.add("GET", "/v1/models", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    settle_trainings(c.app, Clock::now());
    std::vector<std::pair<long, json>> items;
    long seq = 0;
    for (auto& [key, m] : c.app.state.replicate.models)
      if (find_model(c.app, key)) items.emplace_back(seq++, model_json(m));
    std::reverse(items.begin(), items.end());
    json page = paginate(c, items, c.app.cfg_long("page_size", 100));
    if (!page.is_null()) c.send_json(200, page);
  });

  r.add("GET", "/v1/models/{owner}/{name}", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    settle_trainings(c.app, Clock::now());
    Model* m = find_model(c.app, c.p("owner") + "/" + c.p("name"));
    if (!m) return replicate_problem(c, 404, "The requested resource could not be found.");
    c.send_json(200, model_json(*m));
  });

  r.add("PATCH", "/v1/models/{owner}/{name}", Auth::Replicate, [](Ctx& c) {
    json b = json::parse(c.req.body, nullptr, false);
    std::lock_guard<std::mutex> lock(c.app.mu);
    Model* m = find_model(c.app, c.p("owner") + "/" + c.p("name"));
    if (!m) return replicate_problem(c, 404, "The requested resource could not be found.");
    if (m->owner != c.app.cfg_str("replicate_user", "ada-lab"))
      return replicate_problem(c, 403, "You do not have permission to update this model", "Forbidden");
    if (b.is_object())
      for (auto& [k, v] : b.items()) {
        if (k == "description" && v.is_string()) m->description = v;
        else if (k != "owner" && k != "name") m->extra[k] = v;
      }
    c.send_json(200, model_json(*m));
  });

  r.add("DELETE", "/v1/models/{owner}/{name}", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    std::string key = c.p("owner") + "/" + c.p("name");
    Model* m = find_model(c.app, key);
    if (!m) return replicate_problem(c, 404, "The requested resource could not be found.");
    if (m->owner != c.app.cfg_str("replicate_user", "ada-lab") || m->visibility != "private" ||
        !m->versions.empty())
      return replicate_problem(c, 409, "Only private models with no versions can be deleted.", "Conflict");
    c.app.state.replicate.models.erase(key);
    c.send_text(204, "", "text/plain");
  });

  r.add("GET", "/v1/models/{owner}/{name}/versions", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    settle_trainings(c.app, Clock::now());
    Model* m = find_model(c.app, c.p("owner") + "/" + c.p("name"));
    if (!m || m->official) return replicate_problem(c, 404, "The requested resource could not be found.");
    std::vector<std::pair<long, json>> items;
    for (size_t i = m->versions.size(); i-- > 0;)
      items.emplace_back(static_cast<long>(i), version_json(m->versions[i]));
    json page = paginate(c, items, c.app.cfg_long("page_size", 100));
    if (!page.is_null()) c.send_json(200, page);
  });

  r.add("GET", "/v1/models/{owner}/{name}/versions/{id}", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    settle_trainings(c.app, Clock::now());
    Model* m = find_model(c.app, c.p("owner") + "/" + c.p("name"));
    if (m)
      for (const auto& v : m->versions)
        if (v.id == c.p("id")) return c.send_json(200, version_json(v));
    replicate_problem(c, 404, "The requested resource could not be found.");
  });

  r.add("DELETE", "/v1/models/{owner}/{name}/versions/{id}", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    Model* m = find_model(c.app, c.p("owner") + "/" + c.p("name"));
    if (m && m->owner == c.app.cfg_str("replicate_user", "ada-lab"))
      for (size_t i = 0; i < m->versions.size(); ++i)
        if (m->versions[i].id == c.p("id")) {
          m->versions.erase(m->versions.begin() + static_cast<long>(i));
          return c.send_text(202, "", "text/plain");
        }
    replicate_problem(c, 404, "The requested resource could not be found.");
  });
}

}  // namespace fakecloud
