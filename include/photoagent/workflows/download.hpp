#pragma once
// Downloads from URLs a service hands out (generated outputs, trained
// weights): capped in size and time, https only, never to a private address
// unless the service itself is configured on loopback (issue 13.2).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "photoagent/net/http.hpp"
#include "photoagent/services/api.hpp"
#include "photoagent/workflows/config.hpp"

namespace photoagent::workflows {

struct DownloadLimits {
  std::uint64_t max_bytes = 0;
  std::chrono::seconds deadline{0};
  std::string size_key;      // the config keys, named in errors
  std::string deadline_key;
};

DownloadLimits output_download_limits(const Config& config);
DownloadLimits weights_download_limits(const Config& config);

// A GET of `url` with the untrusted-URL rules and these limits. Private and
// loopback addresses are allowed only when `service`'s base URL is loopback.
net::Request download_request(const services::Api& service, const std::string& url, const DownloadLimits& limits);

// Sends it; a size, deadline or address failure becomes a one-line
// util::Error naming `what` and the config key, other transport failures
// the service's "cannot reach" error.
net::Response download(const services::Api& service, const net::Request& req, const DownloadLimits& limits,
                       std::string_view what);

}  // namespace photoagent::workflows
