#include "router.hpp"

#include <iostream>
#include <thread>

#include "faults.hpp"
#include "hostile.hpp"

namespace fakecloud {

void Ctx::send_json(int status, const json& body, const char* type) const {
  res.status = status;
  res.set_content(body.dump(), type);
}

void Ctx::send_text(int status, const std::string& body, const char* type) const {
  res.status = status;
  res.set_content(body, type);
}

void Ctx::send_download(const std::string& body, const char* type) const {
  send_text(req.ranges.empty() ? 200 : 206, body, type);
}

void replicate_problem(const Ctx& c, int status, const std::string& detail,
                       const std::string& title, const json& extra) {
  json b = json::object();
  if (!title.empty()) b["title"] = title;
  b["detail"] = detail;
  b["status"] = status;
  if (extra.is_object()) b.update(extra);
  c.send_json(status, b, "application/problem+json");
}

void hf_error(const Ctx& c, int status, const std::string& message, const std::string& code) {
  if (!code.empty()) c.res.set_header("X-Error-Code", code);
  c.res.set_header("X-Error-Message", message);
  c.send_json(status, json{{"error", message}});
}

void sendgrid_errors(const Ctx& c, int status, const json& errors) {
  c.send_json(status, json{{"errors", errors}});
}

// ---- token checks ----------------------------------------------------------

static std::string bearer(const httplib::Request& req, bool allow_token_scheme) {
  std::string h = req.get_header_value("Authorization");
  if (starts_with(h, "Bearer ")) return h.substr(7);
  if (allow_token_scheme && starts_with(h, "Token ")) return h.substr(6);
  return {};
}

// Returns false after writing the service's own 401/403 answer.
static bool check_auth(Ctx& c, Auth auth) {
  App& app = c.app;
  std::string want, want2;
  {
    std::lock_guard<std::mutex> lock(app.mu);
    switch (auth) {
      case Auth::Replicate: want = app.cfg_str("replicate_token", "r8_good"); break;
      case Auth::Hf:
      case Auth::HfOptional: want = app.cfg_str("hf_token", "hf_good"); break;
      case Auth::SendGrid:
      case Auth::SendGridScopes:
        want = app.cfg_str("sendgrid_token", "SG.good");
        want2 = app.cfg_str("sendgrid_send_only_token", "SG.sendonly");
        break;
      default: return true;
    }
  }
  switch (auth) {
    case Auth::Replicate:
      if (!want.empty() && bearer(c.req, true) == want) {
        c.token_kind = "full";
        return true;
      }
      replicate_problem(c, 401, "You did not pass a valid authentication token", "Unauthenticated");
      return false;
    case Auth::Hf:
    case Auth::HfOptional: {
      if (auth == Auth::HfOptional && !c.req.has_header("Authorization")) return true;
      if (!want.empty() && bearer(c.req, false) == want) {
        c.token_kind = "full";
        return true;
      }
      hf_error(c, 401, "Invalid credentials in Authorization header");
      return false;
    }
    case Auth::SendGrid:
    case Auth::SendGridScopes: {
      std::string got = bearer(c.req, false);
      if (!got.empty() && got == want) {
        c.token_kind = "full";
        return true;
      }
      if (!got.empty() && got == want2) {
        c.token_kind = "send_only";
        if (auth == Auth::SendGrid) return true;
        sendgrid_errors(c, 403, json::array({{{"field", nullptr}, {"message", "access forbidden"}}}));
        return false;
      }
      if (auth == Auth::SendGridScopes)
        sendgrid_errors(c, 401,
                        json::array({{{"field", nullptr}, {"message", "authorization required"}}}));
      else
        sendgrid_errors(c, 401, json::array({{{"message", "The provided authorization grant is "
                                                          "invalid, expired, or revoked"},
                                              {"field", nullptr},
                                              {"help", nullptr}}}));
      return false;
    }
    default: return true;
  }
}

// Replicate's two buckets: 600 creates/min, 3000 other requests/min. Sets the
// ratelimit-* headers; answers 429 (and returns false) only when enforcing.
static bool rate_limit(Ctx& c, bool create) {
  App& app = c.app;
  std::lock_guard<std::mutex> lock(app.mu);
  const json& rl = app.config.value("rate_limit", json::object());
  long limit = create ? jlong(rl, "creates_per_min", 600) : jlong(rl, "others_per_min", 3000);
  auto& win = create ? app.state.replicate.create_times : app.state.replicate.other_times;
  auto now = Clock::now();
  auto cutoff = now - std::chrono::seconds(60);
  size_t drop = 0;
  while (drop < win.size() && win[drop] < cutoff) ++drop;
  win.erase(win.begin(), win.begin() + static_cast<long>(drop));
  long used = static_cast<long>(win.size());
  if (jbool(rl, "enforce", false) && used >= limit) {
    long reset = 1;
    if (!win.empty())
      reset = std::max<long>(1, std::chrono::duration_cast<std::chrono::seconds>(
                                    win.front() + std::chrono::seconds(60) - now).count() + 1);
    c.res.set_header("Retry-After", std::to_string(reset));
    c.res.set_header("ratelimit-remaining", "0");
    c.res.set_header("ratelimit-reset", std::to_string(reset));
    replicate_problem(c, 429, "Request was throttled. Your rate limit resets in ~" +
                                  std::to_string(reset) + "s.");
    return false;
  }
  win.push_back(now);
  c.res.set_header("ratelimit-remaining", std::to_string(std::max(0L, limit - used - 1)));
  c.res.set_header("ratelimit-reset", "1");
  return true;
}

// A request that carries a header name twice (e.g. two Accept): a server
// may answer 406 or pick either, so tests assert it never happens.
// Headers is a case-insensitive multimap: equal names are adjacent.
static void count_repeated_headers(App& app, const std::string& route, const httplib::Request& req) {
  bool any = false;
  for (auto it = req.headers.begin(); it != req.headers.end();) {
    auto next = req.headers.upper_bound(it->first);
    if (std::distance(it, next) > 1) {
      std::string name = it->first;
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      app.counters.repeated_headers[route][name] += 1;
      any = true;
    }
    it = next;
  }
  if (any) app.bump("requests_with_repeated_headers");
}

// Secrets audit: which configured token reached which service. A token must
// only ever reach its own service (never storage URLs, never another service).
static void count_token_sightings(App& app, const httplib::Request& req) {
  const std::string& path = req.path;
  const char* service = starts_with(path, "/v1/")   ? "replicate"
                        : starts_with(path, "/v3/") ? "sendgrid"
                        : starts_with(path, "/_")   ? "storage"
                                                    : "huggingface";
  for (const char* name : {"replicate_token", "hf_token", "sendgrid_token", "sendgrid_send_only_token"}) {
    const std::string token = app.cfg_str(name, "");
    if (token.size() < 6) continue;
    bool seen = req.target.find(token) != std::string::npos || req.body.find(token) != std::string::npos;
    for (const auto& [k, v] : req.headers) seen = seen || v.find(token) != std::string::npos;
    if (seen) app.counters.token_sightings[name][service] += 1;
  }
}

// ---- registration ----------------------------------------------------------

static std::string to_regex(const std::string& pattern, std::vector<std::string>& names) {
  std::string rx;
  for (size_t i = 0; i < pattern.size();) {
    char ch = pattern[i];
    if (ch == '{') {
      size_t end = pattern.find('}', i);
      std::string name = pattern.substr(i + 1, end - i - 1);
      bool rest = !name.empty() && name.back() == '*';
      if (rest) name.pop_back();
      names.push_back(name);
      rx += rest ? "(.+)" : "([^/]+)";
      i = end + 1;
      continue;
    }
    if (std::string(".+*?^$()[]|\\").find(ch) != std::string::npos) rx += '\\';
    rx += ch;
    ++i;
  }
  return rx;
}

static std::string origin_of(const httplib::Request& req, const App& app) {
  std::string host = req.get_header_value("Host");
  return host.empty() ? app.bound_origin : "http://" + host;
}

Router::Router(httplib::Server& server, App& app) : server_(server), app_(app) {}

void Router::add(const std::string& method, const std::string& pattern, Auth auth, Handler h,
                 unsigned flags) {
  std::vector<std::string> names;
  std::string rx = to_regex(pattern, names);
  std::string key = method + " " + pattern;
  App& app = app_;
  auto wrapped = [&app, names, key, auth, h, flags](const httplib::Request& req,
                                                    httplib::Response& res) {
    Ctx c{req, res, app, origin_of(req, app), key, {}, ""};
    for (size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i)
      c.params[names[i]] = req.matches[i + 1].str();
    std::optional<FaultHit> fault;
    long delay = 0;
    {
      std::lock_guard<std::mutex> lock(app.mu);
      app.counters.by_route[key] += 1;
      count_repeated_headers(app, key, req);
      if (auth != Auth::Control) {
        count_token_sightings(app, req);
        fault = pick_fault(app, key, req.method, req.path);
        delay = sample_ms(app.config.value("latency_ms", json(0)), app.rng);
        const json per_route = app.config.value("route_latency_ms", json::object());  // named: items() must not outlive it
        for (auto& [sel, v] : per_route.items())
          if (selector_matches(sel, key, req.method, req.path)) delay += sample_ms(v, app.rng);
      }
    }
    auto finish = [&] {
      std::lock_guard<std::mutex> lock(app.mu);
      app.counters.by_status[std::to_string(res.status)] += 1;
    };
    auto sleep_ms = [](long ms) {
      if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    };
    std::string fk = fault ? fault->kind : "";
    if (fk == "slow") sleep_ms(fault->ms);
    if (fk == "status") {
      answer_status_fault(*fault, req, res);
      return finish();
    }
    if (fk == "redirect") {
      answer_redirect(*fault, c.origin, req.path, res);
      return finish();
    }
    if (fk == "drop") {
      if (!drop_connection(req, jbool(fault->spec, "rst", false)))
        c.send_text(500, "fakecloud: could not find the socket to drop\n", "text/plain");
      return finish();
    }
    if (fk == "expire") {  // the job behind a delivery URL loses its data now
      std::lock_guard<std::mutex> lock(app.mu);
      auto it = app.state.replicate.jobs.find(c.params["id"]);
      if (it != app.state.replicate.jobs.end() && !it->second.expired) {
        it->second.expired = true;
        app.bump("predictions_expired");
      }
    }
    sleep_ms(delay);
    if (!check_auth(c, auth)) return finish();
    if (auth == Auth::Replicate && !rate_limit(c, flags & kPredictionCreate)) return finish();
    try {
      h(c);
    } catch (const std::exception& e) {
      std::cerr << "fakecloud: handler " << key << " threw: " << e.what() << "\n";
      c.send_text(500, std::string("fakecloud internal error: ") + e.what() + "\n", "text/plain");
    }
    if (is_body_fault(fk)) rewrite_body(fk, fault->spec, res);
    if (fk == "hold") sleep_ms(fault->ms);
    if (fk == "drop_after") drop_connection(req, jbool(fault->spec, "rst", false));
    if (fk == "truncate") send_truncated(req, res, fault->spec);
    if (fk == "oversize") send_oversize(req, res, fault->spec);
    if (fk == "trickle") send_trickle(req, res, fault->spec);
    if (fk == "corrupt") {
      std::lock_guard<std::mutex> lock(app.mu);
      corrupt_body(res, fault->spec, app.rng);
    }
    finish();
  };
  if (method == "GET") server_.Get(rx, wrapped);
  else if (method == "POST") server_.Post(rx, wrapped);
  else if (method == "PUT") server_.Put(rx, wrapped);
  else if (method == "PATCH") server_.Patch(rx, wrapped);
  else if (method == "DELETE") server_.Delete(rx, wrapped);
  else throw std::runtime_error("unsupported method " + method);
}

}  // namespace fakecloud
