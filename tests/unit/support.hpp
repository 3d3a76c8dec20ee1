#pragma once
// Shared helpers for unit tests: temporary folders, scoped environment
// variables, and a scripted HTTP transport that fails on unused stubs.

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "photoagent/net/http.hpp"

namespace testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pa-unit-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Sets (or, with nullopt, unsets) a variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value) ::setenv(name_.c_str(), value->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_.c_str(), old_->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// A scripted HTTP transport, safe to share between threads.
// - Routes (`on`) answer every request whose method matches and whose URL
//   contains the pattern, up to `times` (-1: any number); a route never used
//   fails the test.
// - Stubs (`expect`, `respond`, `fail`) answer the other requests one each,
//   in order; a request with nothing to answer it, or a stub never used,
//   fails the test.
class ScriptedTransport : public photoagent::net::Transport {
 public:
  using Handler = std::function<photoagent::net::Response(const photoagent::net::Request&)>;
  ~ScriptedTransport() override {
    CHECK_MESSAGE(stubs_.empty(), "unused HTTP stubs: " << stubs_.size());
    for (const auto& r : routes_) CHECK_MESSAGE(r.used > 0, "unused HTTP route: " << r.method << " " << r.pattern);
  }

  void on(std::string method, std::string pattern, Handler h, int times = -1) {
    std::lock_guard lock(mu_);
    routes_.push_back({std::move(method), std::move(pattern), std::move(h), times, 0});
  }
  void on(std::string method, std::string pattern, long status, std::string body, int times = -1) {
    on(std::move(method), std::move(pattern),
       [=](const photoagent::net::Request&) { return photoagent::net::Response{status, {}, body}; }, times);
  }
  void expect(Handler h) {
    std::lock_guard lock(mu_);
    stubs_.push_back(std::move(h));
  }
  void respond(long status, std::string body, photoagent::net::Headers headers = {}) {
    expect([=](const photoagent::net::Request&) { return photoagent::net::Response{status, headers, body}; });
  }
  void fail(photoagent::net::TransportError::Kind kind, bool nothing_sent) {
    expect([=](const photoagent::net::Request&) -> photoagent::net::Response {
      throw photoagent::net::TransportError(kind, nothing_sent, "scripted failure");
    });
  }
  photoagent::net::Response perform(const photoagent::net::Request& r) override {
    Handler h;
    {
      std::lock_guard lock(mu_);
      requests.push_back(r);
      for (auto& route : routes_)
        if (route.method == r.method && r.url.find(route.pattern) != std::string::npos &&
            (route.times < 0 || route.used < route.times)) {
          ++route.used;
          h = route.handler;
          break;
        }
      if (!h) {
        if (stubs_.empty()) {
          unexpected_ = r.method + " " + r.url;
        } else {
          h = std::move(stubs_.front());
          stubs_.pop_front();
        }
      }
    }
    REQUIRE_MESSAGE(h, "unexpected request " << unexpected_);
    return h(r);
  }
  // Requests made so far (copy: other threads may be adding).
  std::vector<photoagent::net::Request> seen() const {
    std::lock_guard lock(mu_);
    return requests;
  }
  std::vector<photoagent::net::Request> requests;

 private:
  struct Route {
    std::string method, pattern;
    Handler handler;
    int times, used;
  };
  mutable std::mutex mu_;
  std::vector<Route> routes_;
  std::deque<Handler> stubs_;
  std::string unexpected_;
};

}  // namespace testing
