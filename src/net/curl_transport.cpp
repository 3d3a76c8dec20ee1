// The libcurl Transport. One easy handle per thread, reset between requests,
// keeps connections alive across the calls a command makes.

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>

#include "curl_api.hpp"
#include "photoagent/net/http.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/redact.hpp"
#include "photoagent/util/strings.hpp"

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

struct Sink {
  Response* response;
  std::FILE* file;  // when streaming to disk
  std::size_t max_bytes;
  bool too_large = false;
};

extern "C" size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  if (sink->file != nullptr) return std::fwrite(data, 1, len, sink->file);
  if (sink->response->body.size() + len > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // makes curl fail the transfer
  }
  sink->response->body.append(data, len);
  return len;
}

extern "C" size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* response = static_cast<Response*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {  // a new response (after 100-continue or a redirect)
    response->headers.clear();
    return len;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos)
    response->headers.emplace_back(util::to_lower(line.substr(0, colon)),
                                   util::trim(line.substr(colon + 1)));
  return len;
}

extern "C" size_t on_read(char* buf, size_t size, size_t n, void* user) {
  return std::fread(buf, size, n, static_cast<std::FILE*>(user));
}

extern "C" int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return util::interrupt_signal() != 0 ? 1 : 0;  // non-zero aborts the transfer
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
  std::string text = util::redact_trace(chunk, trace->secrets);
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

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(TraceOptions trace) : trace_(std::move(trace)) {}

  Response perform(const Request& req) override {
    const auto& api = curl();
    thread_local EasyHandle handle;
    if (!handle) handle.reset(api.easy_init());
    if (!handle) throw util::failure("libcurl could not create a handle (out of memory?)");
    CURL* h = handle.get();
    api.easy_reset(h);

    Response response;
    util::FileHandle out_file, in_file;
    if (!req.response_file.empty()) out_file = util::open_file(req.response_file, "wb");
    Sink sink{&response, out_file.get(), req.max_body_bytes};

    curl_slist* raw = nullptr;
    for (const auto& [k, v] : req.headers) raw = api.slist_append(raw, (k + ": " + v).c_str());
    if (req.body.empty() && req.body_file.empty() && req.method == "POST")
      raw = api.slist_append(raw, "Expect:");  // no 100-continue round trip for empty posts
    Slist headers(raw);

    api.easy_setopt(h, CURLOPT_URL, req.url.c_str());
    api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    api.easy_setopt(h, CURLOPT_USERAGENT, "photoagent/" PHOTOAGENT_VERSION);
    api.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    api.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(req.connect_timeout.count()));
    api.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    api.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(req.stall_timeout.count()));
    if (req.total_timeout.count() > 0)
      api.easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(req.total_timeout.count()));
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
    api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
    api.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    api.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    api.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    api.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    api.easy_setopt(h, CURLOPT_HEADERDATA, &response);
    api.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    api.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
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
      if (rc == CURLE_ABORTED_BY_CALLBACK)
        throw TransportError(TransportError::Kind::interrupted, false, "interrupted");
      if (sink.too_large)
        throw TransportError(TransportError::Kind::other, false,
                             "the response from " + host_of(req.url) + " was larger than " +
                                 std::to_string(req.max_body_bytes >> 20) + " MiB");
      if (rc == CURLE_WRITE_ERROR && out_file)
        throw util::failure("cannot write " + req.response_file.string() + " (disk full?)");
      const auto kind = rc == CURLE_OPERATION_TIMEDOUT ? TransportError::Kind::timeout
                        : (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
                            ? TransportError::Kind::connect
                            : TransportError::Kind::other;
      throw TransportError(kind, nothing_sent_for(rc, h),
                           std::string(api.easy_strerror(rc)) + " (" + host_of(req.url) + ")");
    }
    api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }

 private:
  static std::string host_of(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    return url.substr(start, url.find('/', start) - start);
  }

  TraceOptions trace_;
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
