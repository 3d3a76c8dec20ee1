// Network hardening through the real binary (issue 12.7, 13.2, 13.3):
// proxies and CA bundles, download caps and deadlines, untrusted output
// URLs and redirects, huge retry hints, long headers under --debug, and the
// watcher's descriptors.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A proxy that is never a proxy: it records what each connection sent first
// and answers 502, so a test can tell whether (and how) it was contacted.
class FakeProxy {
 public:
  FakeProxy() {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listen_, 16) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    thread_ = std::thread([this] { loop(); });
  }
  ~FakeProxy() {
    stop_ = true;
    thread_.join();
    ::close(listen_);
  }
  std::vector<std::string> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  std::string url;

 private:
  void loop() {
    while (!stop_) {
      pollfd p{listen_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::string head;
      char buf[4096];
      pollfd r{fd, POLLIN, 0};
      while (head.find("\r\n\r\n") == std::string::npos && ::poll(&r, 1, 2000) > 0) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mu_);
        seen_.push_back(head);
      }
      const std::string answer = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(fd);
    }
  }
  int listen_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> seen_;
};

std::map<std::string, std::string> every_proxy_variable(const std::string& proxy) {
  return {{"http_proxy", proxy}, {"HTTP_PROXY", proxy}, {"https_proxy", proxy},
          {"HTTPS_PROXY", proxy}, {"all_proxy", proxy}, {"ALL_PROXY", proxy}};
}

long route_count(const json& stats, const std::string& route) {
  const auto& by = stats["requests_by_route"];
  return by.contains(route) ? by[route].get<long>() : 0;
}

const char* kDelivery = "GET /_delivery/{id}/{file}";

struct Lab : e2e::ReplicateLab {
  explicit Lab(const std::string& config = R"({"prediction_latency_ms":100})") : ReplicateLab(config) {}
  void faults(const json& rules) { cloud.post("/_fake/config", {{"faults", rules}}); }
  e2e::Result generate(const std::string& prompt, int timeout_s = 60) {
    return box.run({"generate", "--model", "black-forest-labs/flux-schnell", prompt, "-o", (out.path() / "o").string(),
                    "--json"},
                   "", {}, timeout_s);
  }
};

// A logged-in studio with a project of 12 captioned photos.
struct Studio : e2e::Studio {
  explicit Studio(const std::string& config = R"({"training_duration_ms":500})")
      : e2e::Studio({"--config-json", config}) {
    create_project();
    login_replicate();
    login_huggingface();
    upload_photos(12);
  }
};

bool no_file_named(const fs::path& root, const std::string& name) {
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().filename() == name) return false;
  return true;
}

}  // namespace

TEST_SUITE("e2e::net hardening") {
  TEST_CASE("a plain-http loopback base URL never goes through a proxy, whatever the variables say") {
    FakeCloud cloud;
    Sandbox box(cloud);
    FakeProxy proxy;
    auto r = box.run({"login", "--replicate", "--with-token", "--debug"}, "r8_good", every_proxy_variable(proxy.url));
    CHECK_MESSAGE(r.code == 0, r.err);
    CHECK(proxy.seen().empty());  // audit: all three tokens went to the proxy in clear text
    CHECK(r.err.find("proxy for 127.0.0.1") != std::string::npos);
    CHECK(r.err.find("none (plain http is never sent through a proxy)") != std::string::npos);
  }

  TEST_CASE("HTTPS_PROXY carries https requests as a CONNECT tunnel; NO_PROXY bypasses it; --debug says which") {
    FakeCloud cloud;
    Sandbox box(cloud);
    FakeProxy proxy;
    std::map<std::string, std::string> env{{"HTTPS_PROXY", proxy.url}, {"REPLICATE_API_BASE_URL", "https://api.replicate.invalid/v1"},
                                           {"PHOTOAGENT_RETRIES", "0"}};
    auto via = box.run({"login", "--replicate", "--with-token", "--debug"}, "r8_good_canary_token", env);
    CHECK(via.code == 5);
    auto seen = proxy.seen();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].rfind("CONNECT api.replicate.invalid:443 ", 0) == 0);
    CHECK(seen[0].find("r8_good_canary_token") == std::string::npos);  // the token only inside the tunnel
    CHECK(seen[0].find("Authorization") == std::string::npos);
    CHECK(via.err.find("proxy for api.replicate.invalid: " + proxy.url + " (from HTTPS_PROXY)") != std::string::npos);

    env["NO_PROXY"] = ".invalid";
    auto direct = box.run({"login", "--replicate", "--with-token", "--debug"}, "r8_good", env);
    CHECK(direct.code == 5);
    CHECK(proxy.seen().size() == 1);  // not contacted again
    CHECK(direct.err.find("proxy for api.replicate.invalid: none (NO_PROXY matches api.replicate.invalid)") !=
          std::string::npos);
  }

  TEST_CASE("SSL_CERT_FILE and CURL_CA_BUNDLE are used and shown by --debug; a missing one is a clear error") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir dir;
    const auto pem = dir.path() / "corp-ca.pem";
    e2e::write_file(pem, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
    auto shown = box.run({"login", "--replicate", "--with-token", "--debug"}, "r8_good", {{"SSL_CERT_FILE", pem.string()}});
    CHECK_MESSAGE(shown.code == 0, shown.err);
    CHECK(shown.err.find("CA bundle: " + pem.string() + " (from SSL_CERT_FILE)") != std::string::npos);
    auto bundle = box.run({"login", "--replicate", "--with-token", "--debug"}, "r8_good",
                          {{"CURL_CA_BUNDLE", pem.string()}, {"SSL_CERT_FILE", "/nonexistent.pem"}});
    CHECK(bundle.err.find("CA bundle: " + pem.string() + " (from CURL_CA_BUNDLE)") != std::string::npos);
    auto missing = box.run({"login", "--replicate", "--with-token"}, "r8_good", {{"SSL_CERT_FILE", "/nonexistent.pem"}});
    CHECK(missing.code == 2);
    CHECK(missing.err.find("SSL_CERT_FILE names /nonexistent.pem") != std::string::npos);
  }

  TEST_CASE("a weights tar announced at 2 GiB is refused before its body, fetched once, and leaves no file") {
    Studio s;
    REQUIRE(s.box.run({"config", "set", "download.max_weights_mb", "100"}).code == 0);
    s.cloud.post("/_fake/config", {{"faults", {{{"route", kDelivery}, {"kind", "oversize"}, {"length", 2147483648ULL}}}}});
    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const auto t = r.json();
    CHECK(t["hf_pushed"] == false);
    const auto error = t["hf_error"].get<std::string>();
    CHECK_MESSAGE(error.find("larger than the 100 MiB allowed (Content-Length: 2147483648)") != std::string::npos, error);
    CHECK(route_count(s.cloud.stats(), kDelivery) == 1);  // audit: fetched 5 more times
    CHECK(no_file_named(s.box.home(), "weights.tar"));
  }

  TEST_CASE("a weights body without Content-Length is cut at the cap") {
    Studio s;
    REQUIRE(s.box.run({"config", "set", "download.max_weights_mb", "1"}).code == 0);
    s.cloud.post("/_fake/config", {{"faults", {{{"route", kDelivery}, {"kind", "oversize"}, {"announce", false},
                                               {"length", 64ULL << 20}}}}});
    auto r = s.box.run({"train", "ada", "--wait", "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const auto error = r.json()["hf_error"].get<std::string>();
    CHECK_MESSAGE(error.find("larger than the 1 MiB allowed") != std::string::npos, error);
    CHECK(route_count(s.cloud.stats(), kDelivery) == 1);
    CHECK(no_file_named(s.box.home(), "weights.tar"));
  }

  TEST_CASE("an output announced at 2 GiB fails its item at once with the config key to raise") {
    Lab lab;
    lab.faults({{{"route", kDelivery}, {"kind", "oversize"}}});
    auto r = lab.generate("a lighthouse");
    CHECK(r.code != 0);
    CHECK_MESSAGE(r.out.find("larger than the 200 MiB allowed (Content-Length: 2147483648)") != std::string::npos, r.out);
    CHECK(r.err.find("internal error") == std::string::npos);
    CHECK(route_count(lab.cloud.stats(), kDelivery) == 1);
  }

  TEST_CASE("a body trickling 2 bytes a second fails at the overall deadline") {
    Lab lab;
    REQUIRE(lab.box.run({"config", "set", "download.output_deadline_s", "2"}).code == 0);
    lab.faults({{{"route", kDelivery}, {"kind", "trickle"}, {"bytes_per_s", 2}}});
    const auto start = std::chrono::steady_clock::now();
    auto r = lab.generate("a lighthouse");
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(r.code != 0);
    CHECK_MESSAGE(r.out.find("took longer than 2 s") != std::string::npos, r.out);
    CHECK(took < std::chrono::seconds(20));
    CHECK(route_count(lab.cloud.stats(), kDelivery) == 1);
  }

  TEST_CASE("output URLs: plain http to another host and redirects there are refused; loopback redirects work") {
    Lab lab(R"({"prediction_latency_ms":100,"delivery_origin":"http://169.254.169.254"})");
    auto metadata = lab.generate("a lighthouse");
    CHECK(metadata.code != 0);
    CHECK_MESSAGE(metadata.out.find("refused to fetch 169.254.169.254: plain http:// is only allowed to loopback hosts") !=
                      std::string::npos,
                  metadata.out);

    lab.cloud.post("/_fake/config", {{"delivery_origin", ""}});
    lab.faults({{{"route", kDelivery}, {"kind", "redirect"}, {"location", "http://example.com{path}"}}});
    auto away = lab.generate("a harbour");
    CHECK(away.code != 0);
    CHECK_MESSAGE(away.out.find("refused to fetch example.com: plain http:// is only allowed to loopback hosts") !=
                      std::string::npos,
                  away.out);

    lab.faults({{{"route", kDelivery}, {"kind", "redirect"}, {"location", "{origin}{path}"}, {"count", 1}}});
    auto ok = lab.generate("a quay");
    CHECK_MESSAGE(ok.code == 0, (ok.out + ok.err));
  }

  TEST_CASE("a 429 hint of ~99999999999999999999999s waits the longest backoff, never an internal error") {
    FakeCloud cloud;
    Sandbox box(cloud);
    const std::string huge = "99999999999999999999999";
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    cloud.post("/_fake/config",
               {{"faults", {{{"route", "*"}, {"kind", "status"}, {"status", 429}, {"count", 1}, {"retry_after", nullptr},
                             {"headers", {{"Retry-After", huge}, {"RateLimit", "\"api\";r=0;t=" + huge}}},
                             {"body", {{"detail", "Request was throttled. Your rate limit resets in ~" + huge + "s."},
                                       {"status", 429}}}}}}});
    // It waits (the capped backoff) instead of dying: interrupt it after 2 s.
    auto r = box.run_and_signal({"generate", "--model", "black-forest-labs/flux-schnell", "a fox", "-o",
                                 (box.home() / "out").string()},
                                SIGINT, 2000);
    CHECK_MESSAGE(r.code == 130, r.err);
    CHECK(cloud.stats()["faults_injected"] == 1);
    CHECK(r.err.find("internal error") == std::string::npos);
    CHECK(r.err.find("stoll") == std::string::npos);
  }

  TEST_CASE("--debug with a 60 kB response header works and still redacts the token") {
    FakeCloud cloud;
    Sandbox box(cloud);
    const std::string padding(60 * 1024, 'p');
    cloud.post("/_fake/config", {{"faults", {{{"route", "GET /v1/account"}, {"kind", "status"}, {"status", 503}, {"count", 1},
                                              {"headers", {{"X-Padding", padding}}}}}}});
    auto r = box.run({"login", "--replicate", "--with-token", "--debug"}, "r8_good");
    CHECK_MESSAGE(r.code == 0, r.err.substr(0, 2000));
    CHECK(r.err.find(padding) != std::string::npos);
    CHECK(r.err.find("Authorization: [redacted]") != std::string::npos);
    CHECK(r.err.find("r8_good") == std::string::npos);
  }

  TEST_CASE("the detached watcher starts without the parent's descriptors") {
    Studio s(R"({"training_duration_ms":8000})");
    auto r = s.box.run({"train", "ada"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    // Find the watcher: an `__watch` process whose environment is this sandbox's.
    int pid = -1;
    const std::string home = "PHOTOAGENT_HOME=" + s.box.data_dir().string();
    for (int attempt = 0; attempt < 40 && pid < 0; ++attempt) {
      for (const auto& e : fs::directory_iterator("/proc")) {
        const std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream cmd(e.path() / "cmdline"), env(e.path() / "environ");
        std::string c((std::istreambuf_iterator<char>(cmd)), {}), v((std::istreambuf_iterator<char>(env)), {});
        if (c.find("__watch") != std::string::npos && v.find(home + '\0') != std::string::npos) pid = std::stoi(name);
      }
      if (pid < 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(pid > 0);
    const fs::path log = s.box.data_dir() / "logs" / "watch-t1.log";
    // Descriptors above 2 that are not close-on-exec. Whatever the watcher
    // opened itself is close-on-exec (libcurl's socketpair gets the flag
    // just after it is made, hence two looks); what it inherited cannot be
    // (exec would have closed it). Before: /dev/null and the log stayed open
    // above 2, and the parent's connection and libcurl's pair came along.
    auto open_without_cloexec = [&](int* listed) {
      std::set<std::string> found;
      for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
        const int fd = std::stoi(e.path().filename().string());
        std::error_code ec;
        const std::string target = fs::read_symlink(e.path(), ec).string();
        ++*listed;
        if (fd <= 2) continue;
        std::ifstream info("/proc/" + std::to_string(pid) + "/fdinfo/" + std::to_string(fd));
        std::string line;
        unsigned long flags = 0;
        while (std::getline(info, line))
          if (line.rfind("flags:", 0) == 0) flags = std::stoul(line.substr(6), nullptr, 8);
        if (target == "/dev/null" || target == log.string() || !(flags & 02000000))
          found.insert(std::to_string(fd) + " -> " + target);
      }
      return found;
    };
    int listed = 0;
    const auto first = open_without_cloexec(&listed);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::set<std::string> inherited;
    for (const auto& f : open_without_cloexec(&listed))
      if (first.count(f)) inherited.insert(f);
    for (const auto& f : inherited) MESSAGE(f);
    CHECK(listed >= 6);
    CHECK(inherited.empty());
    ::kill(pid, SIGTERM);
  }
}
