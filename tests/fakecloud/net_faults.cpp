// Faults aimed at a client's download limits (issue 13.2): a body larger
// than announced or allowed, a body trickling in, a redirect elsewhere.
// Like `truncate`, they write to the connection's socket by hand and then
// shut it down, so httplib's own answer goes nowhere.
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "faults.hpp"

namespace fakecloud {
namespace {

std::string head_of(const httplib::Response& res, const std::string& length) {
  std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + (res.status == 200 ? "OK" : "Status") + "\r\n";
  for (const auto& [k, v] : res.headers)
    if (k != "Content-Length" && k != "Connection" && k != "Transfer-Encoding") out += k + ": " + v + "\r\n";
  if (!length.empty()) out += "Content-Length: " + length + "\r\n";
  return out + "Connection: close\r\n\r\n";
}

bool send_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t k = send(fd, data, n, MSG_NOSIGNAL);
    if (k <= 0) return false;
    data += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

}  // namespace

bool send_oversize(const httplib::Request& req, const httplib::Response& res, const json& spec) {
  const int fd = find_socket(req);
  if (fd < 0) return false;
  const uint64_t length = spec.contains("length") && spec["length"].is_number_unsigned()
                              ? spec["length"].get<uint64_t>()
                              : uint64_t{2} << 30;
  const bool announce = jbool(spec, "announce", true);
  const std::string head = head_of(res, announce ? std::to_string(length) : "");
  bool ok = send_all(fd, head.data(), head.size());
  uint64_t sent = 0;
  if (ok && req.method != "HEAD") {
    const size_t first = static_cast<size_t>(std::min<uint64_t>(res.body.size(), length));
    ok = send_all(fd, res.body.data(), first);
    sent = first;
    static const std::string zeros(64 * 1024, '\0');
    while (ok && sent < length) {  // until the client hangs up
      const size_t n = static_cast<size_t>(std::min<uint64_t>(zeros.size(), length - sent));
      ok = send_all(fd, zeros.data(), n);
      sent += n;
    }
  }
  shutdown(fd, SHUT_RDWR);
  return true;
}

bool send_trickle(const httplib::Request& req, const httplib::Response& res, const json& spec) {
  const int fd = find_socket(req);
  if (fd < 0) return false;
  const long per_s = std::max<long>(1, jlong(spec, "bytes_per_s", 2));
  const std::string head = head_of(res, std::to_string(res.body.size()));
  bool ok = send_all(fd, head.data(), head.size());
  const auto step = std::chrono::milliseconds(std::max<long>(1, 1000 / per_s));
  for (size_t i = 0; ok && i < res.body.size() && req.method != "HEAD"; ++i) {
    ok = send_all(fd, res.body.data() + i, 1);
    std::this_thread::sleep_for(step);
  }
  shutdown(fd, SHUT_RDWR);
  return true;
}

void answer_redirect(const FaultHit& hit, const std::string& origin, const std::string& path, httplib::Response& res) {
  std::string location = jstr(hit.spec, "location", "{origin}/");
  if (auto at = location.find("{origin}"); at != std::string::npos) location.replace(at, 8, origin);
  if (auto at = location.find("{path}"); at != std::string::npos) location.replace(at, 6, path);
  res.status = static_cast<int>(jlong(hit.spec, "status", 302));
  res.set_header("Location", location);
  res.set_content("", "text/plain");
}

}  // namespace fakecloud
