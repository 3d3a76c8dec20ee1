// fakecloud: a local emulator of the Replicate, Hugging Face Hub and SendGrid
// HTTP APIs, test equipment for photoagent (DESIGN §7). See README.md.
//
// Start-up contract: bind 127.0.0.1 (a free port with --port 0), print the
// origin as the first line of stdout, flush, serve until SIGTERM/SIGINT, exit 0.
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app.hpp"
#include "router.hpp"

using namespace fakecloud;

namespace {

// Debian's libcpp-httplib is built with a listen backlog of 5, too small for a
// burst of hundreds of connections (dropped SYNs cost the client a 1 s retry).
// Linux lets listen() be called again on a listening socket to raise it.
class Server : public httplib::Server {
 public:
  void widen_backlog(int n) { ::listen(svr_sock_, n); }
};

const char* kUsage = R"(usage: fakecloud [options]
  --port N                        port on 127.0.0.1 (0 = any free port; default 0)
  --host H                        bind address (default 127.0.0.1)
  --threads N                     worker threads (default 96)
  --replicate-token T             env FAKECLOUD_REPLICATE_TOKEN, default r8_good
  --hf-token T                    env FAKECLOUD_HF_TOKEN, default hf_good
  --sendgrid-token T              env FAKECLOUD_SENDGRID_TOKEN, default SG.good
  --sendgrid-send-only-token T    default SG.sendonly (may send, 403 on /v3/scopes)
  --replicate-user NAME           default ada-lab
  --hf-user NAME                  default ada-hf
  --config-json JSON              merged into the config at start (see README)
  --config-file PATH              same, from a file
  --verbose                       log every request to stderr
Prints its origin (http://127.0.0.1:PORT) as the first line of stdout.
)";

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int threads = 96;
  bool verbose = false;
  json patch = json::object();
  std::vector<json> extra;  // --config-json / --config-file, in order
};

[[noreturn]] void usage_error(const std::string& msg) {
  std::cerr << "fakecloud: " << msg << "\n" << kUsage;
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  auto env = [&](const char* name, const char* key) {
    if (const char* v = std::getenv(name)) o.patch[key] = v;
  };
  env("FAKECLOUD_REPLICATE_TOKEN", "replicate_token");
  env("FAKECLOUD_HF_TOKEN", "hf_token");
  env("FAKECLOUD_SENDGRID_TOKEN", "sendgrid_token");
  const std::map<std::string, std::string> string_flags = {
      {"--replicate-token", "replicate_token"},
      {"--hf-token", "hf_token"},
      {"--sendgrid-token", "sendgrid_token"},
      {"--sendgrid-send-only-token", "sendgrid_send_only_token"},
      {"--replicate-user", "replicate_user"},
      {"--hf-user", "hf_user"}};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], v;
    bool has_inline = false;
    if (auto eq = a.find('='); starts_with(a, "--") && eq != std::string::npos) {
      v = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_inline = true;
    }
    auto value = [&]() -> std::string {
      if (has_inline) return v;
      if (i + 1 >= argc) usage_error(a + " needs a value");
      return argv[++i];
    };
    auto number = [&](const std::string& s) {
      try {
        return std::stoi(s);
      } catch (...) {
        usage_error(a + " needs a number");
      }
    };
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (a == "--port") {
      o.port = number(value());
    } else if (a == "--host") {
      o.host = value();
    } else if (a == "--threads") {
      o.threads = std::max(1, number(value()));
    } else if (a == "--verbose" || a == "-v") {
      o.verbose = true;
    } else if (string_flags.count(a)) {
      o.patch[string_flags.at(a)] = value();
    } else if (a == "--config-json" || a == "--config-file") {
      std::string text = value();
      if (a == "--config-file") {
        std::ifstream f(text);
        if (!f) usage_error("cannot read " + text);
        std::stringstream ss;
        ss << f.rdbuf();
        text = ss.str();
      }
      try {
        o.extra.push_back(json::parse(text));
      } catch (const std::exception& e) {
        usage_error(a + ": " + e.what());
      }
    } else {
      usage_error("unknown option " + a);
    }
  }
  return o;
}

void install_fallbacks(httplib::Server& server, App& app) {
  // cpp-httplib calls the error handler for every answer >= 400, including
  // the ones our handlers wrote; only fill in bodies it left empty (unrouted).
  httplib::Server::HandlerWithResponse fallback = [&app](const httplib::Request& req,
                                                         httplib::Response& res) {
    if (!res.body.empty() || res.status != 404) return httplib::Server::HandlerResponse::Unhandled;
    {
      std::lock_guard<std::mutex> lock(app.mu);
      app.counters.by_route[req.method + " <unrouted>"] += 1;
      app.counters.by_status["404"] += 1;
    }
    if (starts_with(req.path, "/v1/")) {
      res.set_content(R"({"detail":"The requested resource could not be found.","status":404})",
                      "application/problem+json");
    } else if (starts_with(req.path, "/v3/")) {
      res.set_content(R"({"errors":[{"field":null,"message":"resource not found"}]})",
                      "application/json");
    } else {
      res.set_header("X-Error-Message", "Sorry, we can't find the page you are looking for.");
      res.set_content(R"({"error":"Sorry, we can't find the page you are looking for."})",
                      "application/json");
    }
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(fallback);
  // A request with neither Content-Length nor Transfer-Encoding has no body
  // (RFC 9112 §6.3), but cpp-httplib 0.11 reads such a POST until EOF and
  // answers 400 after the read timeout (`curl -X POST` without -d). Declare
  // the empty body before the body is read. The Request is a non-const local
  // of httplib, so writing through const_cast is well-defined.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
         req.method == "DELETE") &&
        !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))
      const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
    // cpp-httplib caps form-urlencoded bodies at 8 KiB (413). libcurl labels
    // any CURLOPT_POSTFIELDS body that way unless told otherwise, and the real
    // services (S3 behind LFS URLs, the APIs) do not care, so neither do we.
    // Nothing here parses forms; the original type stays visible to handlers.
    if (req.get_header_value("Content-Type") == "application/x-www-form-urlencoded") {
      auto& r = const_cast<httplib::Request&>(req);
      r.headers.erase("Content-Type");
      r.set_header("Content-Type", "application/octet-stream");
      r.set_header("X-Fakecloud-Original-Content-Type", "application/x-www-form-urlencoded");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  if (app.verbose)
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::cerr << "fakecloud: " << req.method << " " << req.target << " -> " << res.status
                << "\n";
    });
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);

  // Writes to a peer that went away must fail with EPIPE, not kill us (the
  // Debian build of cpp-httplib sends without MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  // SIGTERM/SIGINT are taken by a dedicated thread (sigwait), so that
  // server.stop() never runs inside a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  App app;
  app.verbose = opt.verbose;
  app.config = default_config();
  std::string err = apply_config_patch(app, opt.patch);
  for (const auto& extra : opt.extra)
    if (err.empty()) err = apply_config_patch(app, extra);
  if (!err.empty()) usage_error(err);
  app.initial_config = app.config;
  reset_state(app);

  Server server;
  int threads = opt.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_keep_alive_max_count(1000);
  server.set_read_timeout(30);
  server.set_write_timeout(30);

  Router router(server, app);
  register_control(router);
  register_delivery(router);
  register_replicate_account(router);
  register_replicate_models(router);
  register_replicate_predictions(router);
  register_replicate_trainings(router);
  register_replicate_files(router);
  register_sendgrid(router);
  register_hf_repos(router);
  register_hf_lfs(router);
  register_hf_commit(router);
  register_hf_inference(router);
  install_fallbacks(server, app);

  int port = opt.port;
  if (port == 0) {
    port = server.bind_to_any_port(opt.host);
    if (port < 0) {
      std::cerr << "fakecloud: cannot bind " << opt.host << "\n";
      return 1;
    }
  } else if (!server.bind_to_port(opt.host, port)) {
    std::cerr << "fakecloud: cannot bind " << opt.host << ":" << port << "\n";
    return 1;
  }
  server.widen_backlog(4096);
  app.bound_origin = "http://" + opt.host + ":" + std::to_string(port);
  std::cout << app.bound_origin << std::endl;  // first line of stdout, flushed

  std::atomic<bool> stopping{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    stopping = true;
    server.stop();
  });
  server.listen_after_bind();
  if (!stopping) {
    std::cerr << "fakecloud: the server stopped unexpectedly\n";
    std::_Exit(1);
  }
  waiter.join();
  return 0;
}
