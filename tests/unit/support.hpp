#pragma once
// Shared helpers for unit tests: temporary folders, scoped environment
// variables, and a scripted HTTP transport that fails on unused stubs.

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
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

// Each stub answers one request, in order; a request with no stub left, or
// a stub never used, fails the test.
class ScriptedTransport : public photoagent::net::Transport {
 public:
  using Handler = std::function<photoagent::net::Response(const photoagent::net::Request&)>;
  ~ScriptedTransport() override { CHECK_MESSAGE(stubs_.empty(), "unused HTTP stubs: " << stubs_.size()); }

  void expect(Handler h) { stubs_.push_back(std::move(h)); }
  void respond(long status, std::string body, photoagent::net::Headers headers = {}) {
    expect([=](const photoagent::net::Request&) { return photoagent::net::Response{status, headers, body}; });
  }
  void fail(photoagent::net::TransportError::Kind kind, bool nothing_sent) {
    expect([=](const photoagent::net::Request&) -> photoagent::net::Response {
      throw photoagent::net::TransportError(kind, nothing_sent, "scripted failure");
    });
  }
  photoagent::net::Response perform(const photoagent::net::Request& r) override {
    requests.push_back(r);
    REQUIRE_MESSAGE(!stubs_.empty(), "unexpected request " << r.method << " " << r.url);
    auto h = std::move(stubs_.front());
    stubs_.pop_front();
    return h(r);
  }
  std::vector<photoagent::net::Request> requests;

 private:
  std::deque<Handler> stubs_;
};

}  // namespace testing
