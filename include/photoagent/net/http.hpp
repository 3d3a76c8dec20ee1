#pragma once
// HTTP requests and responses as plain values, and the transport seam: the
// services layer talks to a Transport, tests substitute their own.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace photoagent::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;                       // sent as is unless body_file is set
  std::filesystem::path body_file;        // stream the body from this file
  std::filesystem::path response_file;    // stream the response body here
  std::chrono::seconds connect_timeout{10};
  // Abort when fewer than 1 byte/s moved for this long (not a total limit:
  // a large upload or a `Prefer: wait` create may legitimately take minutes).
  std::chrono::seconds stall_timeout{30};
  // The whole transfer must end within this (0: none); passing it is a
  // TransportError::deadline, which is not retried (a trickling body would
  // only trickle again).
  std::chrono::seconds total_timeout{0};
  // Follows up to 5 redirects; never from https to http.
  bool follow_redirects = false;
  // For URLs a service hands out (outputs, weights): https only (plain http
  // to loopback hosts only), on every redirect too, and unless
  // `allow_private_addresses`, no connection to a loopback, private or
  // link-local address, checked on the address actually connected to.
  bool untrusted_url = false;
  bool allow_private_addresses = false;
  // Safe to repeat after a failure mid-way (GET, cancel, PUT of a blob).
  // Creates are not: they are retried only when nothing can have been created.
  bool idempotent = true;
  // Guard against hostile or broken servers, for bodies kept in memory and
  // streamed to response_file alike: a Content-Length above it fails before
  // any byte is read, and so does the byte past it. Not retried.
  std::uint64_t max_body_bytes = 64u << 20;

  Request& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  // True when a header of that name (any case) is set: layers that add
  // defaults (Accept, Content-Type) must not send a second one.
  bool has_header(std::string_view name) const;
};

struct Response {
  long status = 0;
  Headers headers;  // names in lower case
  std::string body;
  std::optional<std::string> header(std::string_view name) const;
};

// A request that produced no HTTP response.
class TransportError : public std::runtime_error {
 public:
  // too_large: over Request::max_body_bytes; deadline: over total_timeout;
  // refused: a URL or address Request::untrusted_url does not allow.
  // These three are final: Client does not retry them.
  enum class Kind { connect, timeout, interrupted, other, too_large, deadline, refused };
  TransportError(Kind kind, bool nothing_sent, std::string what)
      : std::runtime_error(std::move(what)), kind_(kind), nothing_sent_(nothing_sent) {}
  Kind kind() const noexcept { return kind_; }
  // True when the server cannot have acted on the request (e.g. refused connect).
  bool nothing_sent() const noexcept { return nothing_sent_; }
  bool retryable() const noexcept {
    return kind_ != Kind::too_large && kind_ != Kind::deadline && kind_ != Kind::refused;
  }

 private:
  Kind kind_;
  bool nothing_sent_;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Returns any HTTP response (4xx/5xx included); throws TransportError otherwise.
  virtual Response perform(const Request& request) = 0;
};

struct TraceOptions {
  bool debug = false;                  // --debug: HTTP trace on stderr, redacted
  std::vector<std::string> secrets;    // values to redact wherever they appear
};

// The libcurl transport. libcurl is loaded with dlopen on the first request,
// so commands that never touch the network do not pay for its ~36 libraries.
std::shared_ptr<Transport> make_curl_transport(TraceOptions trace = {});

}  // namespace photoagent::net
