// Route registration. Router::add wraps every handler with the same steps, so
// adding a route is one call:
//   counters -> fault injection (before) -> latency -> token check ->
//   handler -> fault injection (after) -> rate-limit headers
// Patterns use {name} for one path segment and {name*} for the rest of the
// path; the pattern text is also the key in requests_by_route and the name
// fault rules match ("POST /v1/predictions", "GET /v1/predictions/{id}").
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <string>

#include "app.hpp"

namespace fakecloud {

enum class Auth {
  None,            // delivery/storage URLs: presigned, like replicate.delivery or S3
  Control,         // /_fake/*: no auth, no faults, no latency
  Replicate,       // Bearer or Token <replicate_token>
  Hf,              // Bearer <hf_token>, required
  HfOptional,      // anonymous allowed (public reads); a wrong token is still a 401
  SendGrid,        // full key or send-only key
  SendGridScopes,  // full key; send-only key gets 403
};

// Route flags beyond auth.
enum RouteFlag : unsigned {
  kNone = 0,
  kPredictionCreate = 1,  // counts against Replicate's 600/min create bucket
};

struct Ctx {
  const httplib::Request& req;
  httplib::Response& res;
  App& app;
  std::string origin;  // "http://127.0.0.1:PORT", from Host or the bound address
  std::string route;   // "METHOD /pattern"
  std::map<std::string, std::string> params;
  std::string token_kind;  // "full", "send_only", or "" when anonymous

  const std::string& p(const std::string& name) const { return params.at(name); }
  void send_json(int status, const json& body, const char* type = "application/json") const;
  void send_text(int status, const std::string& body, const char* type) const;
  // 200, or 206 when the request has a Range (cpp-httplib cuts the body and
  // adds Content-Range, but only says 206 if the handler does).
  void send_download(const std::string& body, const char* type) const;
};

using Handler = std::function<void(Ctx&)>;

class Router {
 public:
  Router(httplib::Server& server, App& app);
  void add(const std::string& method, const std::string& pattern, Auth auth, Handler h,
           unsigned flags = kNone);

 private:
  httplib::Server& server_;
  App& app_;
};

// Service-shaped error bodies, shared by handlers and fault injection.
void replicate_problem(const Ctx& c, int status, const std::string& detail,
                       const std::string& title = "", const json& extra = nullptr);
void hf_error(const Ctx& c, int status, const std::string& message,
              const std::string& error_code = "");
void sendgrid_errors(const Ctx& c, int status, const json& errors);

// Registration, one function per file.
void register_control(Router& r);
void register_replicate_account(Router& r);
void register_replicate_models(Router& r);
void register_replicate_predictions(Router& r);
void register_replicate_trainings(Router& r);
void register_replicate_files(Router& r);
void register_delivery(Router& r);
void register_hf_repos(Router& r);
void register_hf_lfs(Router& r);
void register_hf_commit(Router& r);
void register_hf_inference(Router& r);
void register_sendgrid(Router& r);

}  // namespace fakecloud
