// The libcurl transport against a raw local server: size caps, the overall
// deadline, untrusted-URL rules on the connected address and on redirects,
// and close-on-exec sockets (issue 13.2, 13.3).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include "photoagent/net/retry.hpp"
#include "photoagent/net/url.hpp"
#include "support.hpp"

using namespace photoagent::net;
using Kind = TransportError::Kind;

namespace {

bool send_all(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Accepts connections on 127.0.0.1, reads the request head, then lets
// `serve` write whatever it likes.
class RawServer {
 public:
  explicit RawServer(std::function<void(int)> serve) : serve_(std::move(serve)) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listen_, 16) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~RawServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_);
  }
  std::string url(const std::string& path = "/x") const { return "http://127.0.0.1:" + std::to_string(port) + path; }
  int port = 0;
  std::atomic<int> connections{0};

 private:
  void loop() {
    while (!stop_) {
      pollfd p{listen_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      serve_(fd);
      ::close(fd);
    }
  }
  std::function<void(int)> serve_;
  int listen_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// No proxy variable may route these requests elsewhere.
struct NoProxy {
  testing::ScopedEnv a{"https_proxy", std::nullopt}, b{"HTTPS_PROXY", std::nullopt}, c{"all_proxy", std::nullopt},
      d{"ALL_PROXY", std::nullopt}, e{"http_proxy", std::nullopt};
};

Kind failure_kind(const Client& client, const Request& req, std::string* what = nullptr) {
  try {
    client.send(req);
  } catch (const TransportError& e) {
    if (what) *what = e.what();
    return e.kind();
  }
  FAIL("the request succeeded");
  return Kind::other;
}

Client client_without_sleeps(int* sleeps) {
  return Client(make_curl_transport(), {}, [sleeps](std::chrono::milliseconds) { ++*sleeps; });
}

}  // namespace

TEST_SUITE("net::curl transport limits") {
  TEST_CASE("a Content-Length above the cap fails before the body, once, not retried") {
    NoProxy np;
    RawServer server([](int fd) {
      send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\n");
      send_all(fd, std::string(1 << 16, '\0'));
    });
    testing::TempDir dir;
    Request req;
    req.url = server.url();
    req.max_body_bytes = 1 << 20;
    req.response_file = dir.path() / "weights.tar";
    int sleeps = 0;
    std::string what;
    CHECK(failure_kind(client_without_sleeps(&sleeps), req, &what) == Kind::too_large);
    CHECK(what.find("Content-Length: 2147483648") != std::string::npos);
    CHECK(what.find("1 MiB") != std::string::npos);
    CHECK(server.connections == 1);
    CHECK(sleeps == 0);
    CHECK_FALSE(std::filesystem::exists(req.response_file));  // the partial file is gone
  }

  TEST_CASE("a body without Content-Length is cut at the cap, in memory and on disk") {
    NoProxy np;
    RawServer server([](int fd) {
      send_all(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
      const std::string chunk(1 << 16, 'z');
      for (int i = 0; i < 80; ++i)
        if (!send_all(fd, chunk)) break;
    });
    testing::TempDir dir;
    for (bool to_file : {false, true}) {
      Request req;
      req.url = server.url();
      req.max_body_bytes = 1 << 20;
      if (to_file) req.response_file = dir.path() / "out.bin";
      int sleeps = 0;
      CHECK(failure_kind(client_without_sleeps(&sleeps), req) == Kind::too_large);
      CHECK(sleeps == 0);
      if (to_file) CHECK_FALSE(std::filesystem::exists(req.response_file));
    }
    CHECK(server.connections == 2);
  }

  TEST_CASE("a trickling body fails at the overall deadline with a clear error") {
    NoProxy np;
    RawServer server([](int fd) {
      send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
      for (int i = 0; i < 100; ++i) {
        if (!send_all(fd, "x")) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    Request req;
    req.url = server.url();
    req.total_timeout = std::chrono::seconds(1);
    int sleeps = 0;
    std::string what;
    const auto start = std::chrono::steady_clock::now();
    CHECK(failure_kind(client_without_sleeps(&sleeps), req, &what) == Kind::deadline);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK(what.find("took longer than 1 s") != std::string::npos);
    CHECK(server.connections == 1);
  }

  TEST_CASE("an untrusted URL never connects to a non-public address (checked on the resolved address)") {
    NoProxy np;
    RawServer server([](int fd) { send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); });
    Request req;
    req.untrusted_url = true;
    // "127.1" is no dotted quad, so only the connected address shows it is loopback.
    req.url = "https://127.1:" + std::to_string(server.port) + "/x";
    int sleeps = 0;
    std::string what;
    CHECK(failure_kind(client_without_sleeps(&sleeps), req, &what) == Kind::refused);
    CHECK(what.find("127.0.0.1") != std::string::npos);
    CHECK(server.connections == 0);
    // With a loopback base URL the same server is fine.
    req.url = server.url();
    req.allow_private_addresses = true;
    CHECK(client_without_sleeps(&sleeps).send(req).body == "ok");
  }

  TEST_CASE("redirects: followed on loopback, refused to plain http elsewhere and when leaving https") {
    NoProxy np;
    RawServer elsewhere([](int fd) {
      send_all(fd, "HTTP/1.1 302 Found\r\nLocation: http://example.com/x.png\r\nContent-Length: 0\r\n\r\n");
    });
    RawServer ok([](int fd) { send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); });
    RawServer hop([&](int fd) {
      send_all(fd, "HTTP/1.1 302 Found\r\nLocation: " + ok.url("/y") + "\r\nContent-Length: 0\r\n\r\n");
    });
    Request req;
    req.follow_redirects = true;
    req.untrusted_url = true;
    req.allow_private_addresses = true;
    req.url = hop.url();
    int sleeps = 0;
    CHECK(client_without_sleeps(&sleeps).send(req).body == "ok");
    req.url = elsewhere.url();
    std::string what;
    CHECK(failure_kind(client_without_sleeps(&sleeps), req, &what) == Kind::refused);
    CHECK(what.find("plain http") != std::string::npos);
    CHECK_THROWS_AS(check_redirect("https://cdn.example/x", "http://cdn.example/x", false, false), TransportError);
    CHECK_NOTHROW(check_redirect("https://cdn.example/x", "https://other.example/x", false, false));
    CHECK_NOTHROW(check_redirect("http://127.0.0.1:1/x", "http://127.0.0.1:2/x", true, true));
  }

  TEST_CASE("the transport's sockets are close-on-exec") {
    NoProxy np;
    std::atomic<int> checked{0}, cloexec{0};
    int port = 0;
    RawServer server([&](int) {
      // The client end lives in this process: find it by its peer port.
      DIR* d = ::opendir("/proc/self/fd");
      while (dirent* e = ::readdir(d)) {
        const int fd = std::atoi(e->d_name);
        sockaddr_in peer{};
        socklen_t len = sizeof peer;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 || peer.sin_family != AF_INET) continue;
        if (ntohs(peer.sin_port) != port) continue;
        ++checked;
        if (::fcntl(fd, F_GETFD) & FD_CLOEXEC) ++cloexec;
      }
      ::closedir(d);
    });
    port = server.port;
    Request req;
    req.url = server.url();
    req.stall_timeout = std::chrono::seconds(2);
    auto t = make_curl_transport();
    try {
      t->perform(req);
    } catch (const TransportError&) {  // the server closes without an answer
    }
    CHECK(checked >= 1);
    CHECK(cloexec == checked);
  }
}
