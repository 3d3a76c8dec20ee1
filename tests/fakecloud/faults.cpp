// How faults reach the wire.
//
// cpp-httplib 0.11 hands a handler a Request and a Response, never the
// socket, and always writes whatever the handler leaves in the Response. To
// send no answer at all (drop) or a deliberately short one (truncate) we find
// the connection's file descriptor ourselves: the Request carries the local
// and peer ports, and exactly one socket in /proc/self/fd has that pair. The
// fd stays owned by httplib (it closes it later), so we never close() it: we
// shutdown() it (FIN) or "connect" it to AF_UNSPEC, which on Linux makes TCP
// send a reset and leaves the descriptor valid. httplib's own write then fails
// (EPIPE; SIGPIPE is ignored in main, as Debian's build sends without
// MSG_NOSIGNAL) and it closes the socket.
#include "faults.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace fakecloud {

bool selector_matches(const std::string& sel, const std::string& route_key,
                      const std::string& method, const std::string& path) {
  if (sel == "*") return true;
  std::string actual = method + " " + path;
  if (sel == route_key || sel == actual) return true;
  if (!sel.empty() && sel.back() == '*') {
    std::string prefix = sel.substr(0, sel.size() - 1);
    return starts_with(route_key, prefix) || starts_with(actual, prefix);
  }
  return false;
}

std::optional<FaultHit> pick_fault(App& app, const std::string& route_key,
                                   const std::string& method, const std::string& path) {
  for (auto& r : app.faults) {
    bool match = false;
    for (const auto& sel : r.routes) match = match || selector_matches(sel, route_key, method, path);
    if (!match || r.remaining == 0) continue;
    if (r.skip > 0) {
      --r.skip;
      continue;
    }
    if (r.rate < 1.0 && std::uniform_real_distribution<double>(0, 1)(app.rng) >= r.rate) continue;
    if (r.remaining > 0) --r.remaining;
    ++r.hits;
    app.bump("faults_injected");
    app.counters.faults_by_kind[r.kind] += 1;
    return FaultHit{r.kind, r.spec, sample_ms(r.spec.value("ms", json(1000)), app.rng, 1000)};
  }
  return std::nullopt;
}

static std::string reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
  }
}

static std::string proxy_html(int status) {
  std::string line = std::to_string(status) + " " + reason(status);
  return "<html>\r\n<head><title>" + line + "</title></head>\r\n<body>\r\n<center><h1>" + line +
         "</h1></center>\r\n</body>\r\n</html>\r\n";
}

void answer_status_fault(const FaultHit& hit, const httplib::Request& req, httplib::Response& res) {
  const json& s = hit.spec;
  int status = static_cast<int>(jlong(s, "status", 500));
  long retry_after = jlong(s, "retry_after", 1);
  // "retry_after": null sends a 429 with no hint at all (no Retry-After, no reset headers).
  const bool hint = !(s.contains("retry_after") && s["retry_after"].is_null());
  res.status = status;
  const std::string& path = req.path;
  bool replicate = starts_with(path, "/v1/");
  bool sendgrid = starts_with(path, "/v3/");
  bool storage = starts_with(path, "/_");  // delivery, LFS storage
  std::string body, type = "application/json";
  if (status == 429) {
    if (hint) res.set_header("Retry-After", std::to_string(retry_after));
    if (replicate) {
      body = json{{"detail", hint ? "Request was throttled. Your rate limit resets in ~" +
                                        std::to_string(retry_after) + "s."
                                  : std::string("Request was throttled.")},
                  {"status", 429}}
                 .dump();
      type = "application/problem+json";
      res.set_header("ratelimit-remaining", "0");
      if (hint) res.set_header("ratelimit-reset", std::to_string(retry_after));
    } else if (sendgrid) {
      body = json{{"errors", {{{"field", nullptr}, {"message", "too many requests"}}}}}.dump();
      auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                       Clock::now().time_since_epoch()).count() + retry_after;
      res.set_header("X-RateLimit-Limit", "600");
      res.set_header("X-RateLimit-Remaining", "0");
      res.set_header("X-RateLimit-Reset", std::to_string(reset));
    } else {
      body = json{{"error", "You have exceeded the rate limit for this endpoint."}}.dump();
      res.set_header("RateLimit", "\"api\";r=0;t=" + std::to_string(retry_after));
      res.set_header("RateLimit-Policy", "\"fixed window\";\"api\";q=1000;w=300");
    }
  } else if (status >= 502 || storage) {
    body = proxy_html(status);  // what a proxy in front of the API answers
    type = "text/html";
  } else if (replicate) {
    body = json{{"title", reason(status)}, {"detail", reason(status)}, {"status", status}}.dump();
    type = "application/problem+json";
  } else if (sendgrid) {
    body = json{{"errors", {{{"field", nullptr}, {"message", reason(status)}, {"help", nullptr}}}}}
               .dump();
  } else {
    body = json{{"error", reason(status)}}.dump();
  }
  if (s.contains("body")) {
    body = s["body"].is_string() ? s["body"].get<std::string>() : s["body"].dump();
    type = jstr(s, "content_type", s["body"].is_string() ? "text/plain" : "application/json");
  }
  if (s.contains("headers") && s["headers"].is_object())
    for (auto& [k, v] : s["headers"].items())
      res.set_header(k, v.is_string() ? v.get<std::string>() : v.dump());
  res.set_content(body, type);
}

int find_socket(const httplib::Request& req) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  int found = -1;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end) continue;
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    auto port = [](const sockaddr_storage& a) {
      if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
      if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
      return uint16_t{0};
    };
    if (port(local) == req.local_port && port(peer) == req.remote_port) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  return found;
}

static void close_fd_softly(int fd, bool rst) {
  if (rst) {
    sockaddr sa{};
    sa.sa_family = AF_UNSPEC;
    // Linux: disconnecting an established TCP socket sends RST.
    if (connect(fd, &sa, sizeof sa) == 0) return;
  }
  shutdown(fd, SHUT_RDWR);
}

bool drop_connection(const httplib::Request& req, bool rst) {
  int fd = find_socket(req);
  if (fd < 0) return false;
  close_fd_softly(fd, rst);
  return true;
}

bool send_truncated(const httplib::Request& req, const httplib::Response& res, const json& spec) {
  int fd = find_socket(req);
  if (fd < 0) return false;
  const std::string& body = res.body;
  size_t keep = body.size() / 2;
  if (spec.contains("bytes") && spec["bytes"].is_number_integer())
    keep = std::min(body.size(), spec["bytes"].get<size_t>());
  else if (spec.contains("fraction") && spec["fraction"].is_number())
    keep = static_cast<size_t>(static_cast<double>(body.size()) * spec["fraction"].get<double>());
  if (keep > body.size()) keep = body.size();
  std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + reason(res.status) + "\r\n";
  for (const auto& [k, v] : res.headers) {
    if (k == "Content-Length" || k == "Connection") continue;
    out += k + ": " + v + "\r\n";
  }
  out += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  if (req.method != "HEAD") out.append(body, 0, keep);
  size_t off = 0;
  while (off < out.size()) {
    ssize_t n = send(fd, out.data() + off, out.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  close_fd_softly(fd, jbool(spec, "rst", false));
  return true;
}

void corrupt_body(httplib::Response& res, const json& spec, std::mt19937_64& rng) {
  std::string& body = res.body;
  const size_t keep = static_cast<size_t>(std::max<long>(0, jlong(spec, "keep", 64)));
  if (body.size() <= keep) return;
  const long flips = std::max<long>(1, jlong(spec, "bytes", 16));
  std::uniform_int_distribution<size_t> at(keep, body.size() - 1);
  for (long i = 0; i < flips; ++i) body[at(rng)] ^= static_cast<char>(0x5A);
}

}  // namespace fakecloud
