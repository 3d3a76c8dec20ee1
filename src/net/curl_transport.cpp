// The libcurl Transport. One easy handle per thread, reset between requests,
// keeps connections alive across the calls a command makes.

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "curl_api.hpp"
#include "photoagent/net/http.hpp"
#include "photoagent/net/proxy.hpp"
#include "photoagent/net/url.hpp"
#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/printable.hpp"
#include "photoagent/util/redact.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::net {
namespace {

using detail::curl;

struct EasyDeleter {
  void operator()(CURL* h) const noexcept { curl().easy_cleanup(h); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl().slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// A Content-Length value, saturating: digits only (anything else is
// "unknown", not an exception), and one too large for 64 bits is the maximum.
std::optional<std::uint64_t> content_length(std::string_view v) {
  if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return util::parse_uint64(v).value_or(UINT64_MAX);  // digits only: nullopt means overflow
}

std::string size_text(std::uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// Where a response body goes, and how much of it is allowed.
struct Sink {
  Response* response;
  std::FILE* file;  // when streaming to disk
  std::uint64_t max_bytes;
  std::uint64_t received = 0;
  bool too_large = false;
  std::uint64_t announced = 0;  // a Content-Length above max_bytes, when that was the reason
};

extern "C" size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  if (len > sink->max_bytes - sink->received) {
    sink->too_large = true;
    return 0;  // makes curl fail the transfer
  }
  sink->received += len;
  if (sink->file != nullptr) return std::fwrite(data, 1, len, sink->file);
  sink->response->body.append(data, len);
  return len;
}

extern "C" size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  Response* response = sink->response;
  const size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {  // a new response (after 100-continue)
    response->headers.clear();
    return len;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name = util::to_lower(line.substr(0, colon));
  std::string value = util::trim(line.substr(colon + 1));
  // A body announced larger than allowed fails before its first byte, not
  // after the cap's worth of it has been written.
  if (name == "content-length")
    if (auto cl = content_length(value); cl && *cl > sink->max_bytes) {
      sink->too_large = true;
      sink->announced = *cl;
      return 0;
    }
  response->headers.emplace_back(std::move(name), std::move(value));
  return len;
}

extern "C" curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address);

extern "C" size_t on_read(char* buf, size_t size, size_t n, void* user) {
  return std::fread(buf, size, n, static_cast<std::FILE*>(user));
}

struct Progress {
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool deadline_hit = false;
};

extern "C" int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* p = static_cast<Progress*>(user);
  if (util::interrupt_signal() != 0) return 1;  // non-zero aborts the transfer
  if (p->deadline && std::chrono::steady_clock::now() > *p->deadline) {
    p->deadline_hit = true;
    return 1;
  }
  return 0;
}

// Every socket is opened here: close-on-exec (curl's own are not), and, for
// URLs a service handed out, refused when the address it resolved to is not
// public. Checking the address actually connected to (not the name) also
// holds against DNS answers that change between a check and the connect.
struct SocketPolicy {
  bool public_only = false;
  std::string refused{};  // the address refused, for the error
};

void mark_close_on_exec();

extern "C" curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  // By now libcurl has made this handle's socketpair: flag it before any connection.
  thread_local bool marked = false;
  if (!marked) {
    marked = true;
    mark_close_on_exec();
  }
  auto* policy = static_cast<SocketPolicy*>(user);
  if (policy->public_only && is_non_public_address(&address->addr)) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (address->family == AF_INET)
      ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr, text, sizeof text);
    else if (address->family == AF_INET6)
      ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr, text, sizeof text);
    policy->refused = text;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

extern "C" int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  const auto* trace = static_cast<const TraceOptions*>(user);
  const char* prefix = "* ";
  switch (type) {
    case CURLINFO_HEADER_OUT: prefix = "> "; break;
    case CURLINFO_HEADER_IN: prefix = "< "; break;
    case CURLINFO_DATA_OUT: prefix = ">> "; break;
    case CURLINFO_DATA_IN: prefix = "<< "; break;
    case CURLINFO_SSL_DATA_IN:
    case CURLINFO_SSL_DATA_OUT: return 0;  // binary TLS records say nothing useful
    default: break;
  }
  std::string_view chunk(data, size);
  const bool body = type == CURLINFO_DATA_IN || type == CURLINFO_DATA_OUT;
  if (body) {
    // Compressed or image bodies say nothing on a terminal.
    std::size_t binary = 0;
    for (unsigned char c : chunk.substr(0, 512)) binary += (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f);
    if (binary > 0) {
      std::cerr << prefix << "[" << size << " bytes of binary data]\n" << std::flush;
      return 0;
    }
  }
  if (body && chunk.size() > 2048) chunk = chunk.substr(0, 2048);
  // Headers and bodies are the server's text: no terminal controls reach
  // stderr (carriage returns become line breaks, dropped below as empty lines).
  std::string text = util::printable(util::redact_trace(chunk, trace->secrets));
  std::string out;
  for (const auto& line : util::split(text, '\n', false)) {
    if (line.empty()) continue;
    out += prefix;
    out += line;
    out += '\n';
  }
  if (body && size > chunk.size()) out += std::string(prefix) + "[" + std::to_string(size - chunk.size()) + " more bytes]\n";
  std::cerr << out << std::flush;
  return 0;
}

bool nothing_sent_for(CURLcode rc, CURL* h) {
  if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
      rc == CURLE_COULDNT_CONNECT || rc == CURLE_SSL_CONNECT_ERROR)
    return true;
  long request_size = 0;
  curl().easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
  return request_size == 0;
}

// libcurl opens a socketpair per handle (its "wakeup" pair) without
// close-on-exec and has no option for it. When a thread's handle opens its
// first socket, every descriptor above stderr lacking the flag gets it: all
// of photoagent's own are opened with it, and the only exec (the watcher)
// wants none of them.
void mark_close_on_exec() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return;
  const int own = ::dirfd(dir);
  while (const dirent* e = ::readdir(dir)) {
    const auto n = util::parse_int64(e->d_name);  // nullopt for "." and ".."
    if (!n || *n <= 2 || *n > INT_MAX || *n == own) continue;
    const int fd = static_cast<int>(*n);
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC)) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  ::closedir(dir);
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Deletes a partly written response file unless the transfer completed.
class PartialFile {
 public:
  explicit PartialFile(const std::filesystem::path& p) : path_(p) {}
  ~PartialFile() {
    if (path_.empty() || done_) return;
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  void done() { done_ = true; }

 private:
  std::filesystem::path path_;
  bool done_ = false;
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(TraceOptions trace) : trace_(std::move(trace)) {}

  // Redirects are followed here, not by libcurl, so that every hop passes
  // the same checks as the first URL (no https -> http, and for URLs a
  // service handed out, the untrusted-URL rules).
  Response perform(const Request& req) override {
    if (req.untrusted_url) check_untrusted_url(req.url, req.allow_private_addresses);
    const auto ca = choose_ca(util::process_env());
    PartialFile partial(req.response_file);
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (req.total_timeout.count() > 0) deadline = std::chrono::steady_clock::now() + req.total_timeout;
    std::string url = req.url;
    for (int hop = 0;; ++hop) {
      std::string next;
      Response r = perform_once(req, url, ca, deadline, req.follow_redirects ? &next : nullptr);
      if (next.empty()) {
        partial.done();
        return r;
      }
      if (hop >= 5) throw TransportError(TransportError::Kind::other, false, "too many redirects (" + url_authority(url) + ")");
      check_redirect(url, next, req.untrusted_url, req.allow_private_addresses);
      url = std::move(next);
    }
  }

 private:
  Response perform_once(const Request& req, const std::string& url, const CaChoice& ca,
                        std::optional<std::chrono::steady_clock::time_point> deadline, std::string* redirect) {
    const auto& api = curl();
    thread_local EasyHandle handle;
    if (!handle) handle.reset(api.easy_init());
    if (!handle) throw util::failure("libcurl could not create a handle (out of memory?)");
    CURL* h = handle.get();
    api.easy_reset(h);

    Response response;
    util::FileHandle out_file, in_file;
    if (!req.response_file.empty()) out_file = util::open_file(req.response_file, "wb");
    // A HEAD answer announces the size of a body it does not send.
    Sink sink{&response, out_file.get(), req.method == "HEAD" ? UINT64_MAX : req.max_body_bytes};
    Progress progress{deadline};
    const ProxyChoice proxy = choose_proxy(url, util::process_env());
    // Through a proxy the socket goes to the proxy (which the user chose) and
    // the proxy resolves the name: only the URL's own host can be checked.
    SocketPolicy sockets;
    sockets.public_only = req.untrusted_url && !req.allow_private_addresses && proxy.proxy.empty();
    if (trace_.debug) trace_network(url, proxy, ca);

    curl_slist* raw = nullptr;
    for (const auto& [k, v] : req.headers) raw = api.slist_append(raw, (k + ": " + v).c_str());
    if (req.body.empty() && req.body_file.empty() && req.method == "POST")
      raw = api.slist_append(raw, "Expect:");  // no 100-continue round trip for empty posts
    Slist headers(raw);

    api.easy_setopt(h, CURLOPT_URL, url.c_str());
    api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    api.easy_setopt(h, CURLOPT_PROXY, proxy.proxy.c_str());  // "" = none, whatever the environment says
    api.easy_setopt(h, CURLOPT_NOPROXY, "");                 // the decision above already applied NO_PROXY
    if (!ca.file.empty()) api.easy_setopt(h, CURLOPT_CAINFO, ca.file.c_str());
    if (!ca.dir.empty()) api.easy_setopt(h, CURLOPT_CAPATH, ca.dir.c_str());
    api.easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    api.easy_setopt(h, CURLOPT_OPENSOCKETDATA, &sockets);
    api.easy_setopt(h, CURLOPT_USERAGENT, "photoagent/" PHOTOAGENT_VERSION);
    api.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    api.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(req.connect_timeout.count()));
    api.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    api.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(req.stall_timeout.count()));
    // libcurl re-sends a request by itself when a reused keep-alive connection
    // dies before any answer ("Connection died, retrying a fresh connect").
    // For a create that already took effect that is a second, paid
    // prediction: requests that are not safe to repeat get a new connection.
    // It is closed afterwards too, or every create would leave one more idle
    // connection in the cache (measured: 6 per worker, 192 for 32 workers).
    if (!req.idempotent) {
      api.easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
      api.easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    }
    api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    api.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    api.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    api.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    api.easy_setopt(h, CURLOPT_HEADERDATA, &sink);
    api.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    api.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    api.easy_setopt(h, CURLOPT_XFERINFODATA, &progress);
    if (trace_.debug) {
      api.easy_setopt(h, CURLOPT_VERBOSE, 1L);
      api.easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
      api.easy_setopt(h, CURLOPT_DEBUGDATA, &trace_);
    }

    if (!req.body_file.empty()) {
      in_file = util::open_file(req.body_file, "rb");
      auto size = static_cast<curl_off_t>(std::filesystem::file_size(req.body_file));
      api.easy_setopt(h, CURLOPT_READFUNCTION, on_read);
      api.easy_setopt(h, CURLOPT_READDATA, in_file.get());
      if (req.method == "PUT") {
        api.easy_setopt(h, CURLOPT_UPLOAD, 1L);
        api.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, size);
      } else {
        api.easy_setopt(h, CURLOPT_POST, 1L);
        api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, size);
        if (req.method != "POST") api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
      }
    } else if (req.method == "GET") {
      api.easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (req.method == "HEAD") {
      api.easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
      api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      api.easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
      if (req.method != "POST") api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }

    CURLcode rc = api.easy_perform(h);
    if (out_file) {
      if (std::fflush(out_file.get()) != 0 && rc == CURLE_OK)
        throw util::failure("cannot write " + req.response_file.string() + " (disk full?)");
    }
    if (rc != CURLE_OK) {
      const std::string host = url_authority(url);
      if (!sockets.refused.empty())
        throw TransportError(TransportError::Kind::refused, true,
                             "refused to connect to " + host + ": it resolves to " + sockets.refused +
                                 ", a loopback, private or link-local address, and the service's base URL is not loopback");
      if (progress.deadline_hit)
        throw TransportError(TransportError::Kind::deadline, false,
                             "the transfer from " + host + " took longer than " +
                                 std::to_string(req.total_timeout.count()) + " s");
      if (rc == CURLE_ABORTED_BY_CALLBACK)
        throw TransportError(TransportError::Kind::interrupted, false, "interrupted");
      if (sink.too_large)
        throw TransportError(TransportError::Kind::too_large, false,
                             "the answer from " + host + " is larger than the " + size_text(req.max_body_bytes) +
                                 " allowed" +
                                 (sink.announced ? " (Content-Length: " + std::to_string(sink.announced) + ")" : ""));
      if (rc == CURLE_WRITE_ERROR && out_file)
        throw util::failure("cannot write " + req.response_file.string() + " (disk full?)");
      const auto kind = rc == CURLE_OPERATION_TIMEDOUT ? TransportError::Kind::timeout
                        : (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
                            ? TransportError::Kind::connect
                            : TransportError::Kind::other;
      throw TransportError(kind, nothing_sent_for(rc, h), std::string(api.easy_strerror(rc)) + " (" + host + ")");
    }
    api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    if (redirect != nullptr && is_redirect(response.status)) {
      char* location = nullptr;
      api.easy_getinfo(h, CURLINFO_REDIRECT_URL, &location);  // absolute, resolved against url
      if (location != nullptr) *redirect = location;
    }
    return response;
  }

  // --debug: the network set-up once per process (CA) and once per host (proxy).
  void trace_network(const std::string& url, const ProxyChoice& proxy, const CaChoice& ca) {
    std::string out;
    {
      std::lock_guard lock(trace_mu_);
      if (!ca_traced_) {
        ca_traced_ = true;
        out += "* CA bundle: " + (ca.file.empty() ? std::string("libcurl's default") : ca.file + " (from " + ca.source + ")") +
               (ca.dir.empty() ? "" : ", CA directory " + ca.dir + " (from SSL_CERT_DIR)") + "\n";
      }
      const std::string authority = url_authority(url);
      if (traced_hosts_.insert(authority).second)
        out += "* proxy for " + authority + ": " +
               (proxy.proxy.empty() ? "none (" + proxy.reason + ")"
                                    : util::redact_trace(proxy_for_display(proxy.proxy), trace_.secrets) + " (from " + proxy.reason + ")") +
               "\n";
    }
    if (!out.empty()) std::cerr << out << std::flush;
  }

  TraceOptions trace_;
  std::mutex trace_mu_;
  bool ca_traced_ = false;
  std::set<std::string> traced_hosts_;
};

}  // namespace

std::optional<std::string> Response::header(std::string_view name) const {
  const std::string want = util::to_lower(name);
  for (const auto& [k, v] : headers)
    if (k == want) return v;
  return std::nullopt;
}

bool Request::has_header(std::string_view name) const {
  for (const auto& h : headers)
    if (util::iequals(h.first, name)) return true;
  return false;
}

std::shared_ptr<Transport> make_curl_transport(TraceOptions trace) {
  return std::make_shared<CurlTransport>(std::move(trace));
}

}  // namespace photoagent::net
