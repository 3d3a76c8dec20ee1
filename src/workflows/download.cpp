#include "photoagent/workflows/download.hpp"

#include "photoagent/net/url.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::workflows {
namespace {

DownloadLimits limits(const Config& config, const char* size_key, long max_mb, const char* deadline_key) {
  DownloadLimits l;
  l.size_key = size_key;
  l.deadline_key = deadline_key;
  l.max_bytes = static_cast<std::uint64_t>(config.get_number(size_key, 1, max_mb)) << 20;
  l.deadline = std::chrono::seconds(config.get_number(deadline_key, 1, 7 * 24 * 3600));
  return l;
}

}  // namespace

DownloadLimits output_download_limits(const Config& config) {
  return limits(config, "download.max_output_mb", 4096, "download.output_deadline_s");
}

DownloadLimits weights_download_limits(const Config& config) {
  return limits(config, "download.max_weights_mb", 1 << 20, "download.weights_deadline_s");
}

net::Request download_request(const services::Api& service, const std::string& url, const DownloadLimits& limits) {
  net::Request req;
  req.url = url;
  req.follow_redirects = true;
  req.untrusted_url = true;
  req.allow_private_addresses = net::is_loopback_host(net::url_authority(service.base()));
  req.max_body_bytes = limits.max_bytes;
  req.total_timeout = limits.deadline;
  return req;
}

net::Response download(const services::Api& service, const net::Request& req, const DownloadLimits& limits,
                       std::string_view what) {
  try {
    return service.client().send(req);  // the unauthenticated client: no credentials go to these URLs
  } catch (const net::TransportError& e) {
    const std::string w(what);
    switch (e.kind()) {
      case net::TransportError::Kind::too_large:
        throw util::remote_error("could not download " + w + ": " + e.what(),
                                 "If it is expected, raise the limit: photoagent config set " + limits.size_key + " MiB");
      case net::TransportError::Kind::deadline:
        throw util::remote_error("could not download " + w + ": " + e.what(),
                                 "If the network is that slow, raise the limit: photoagent config set " +
                                     limits.deadline_key + " SECONDS");
      case net::TransportError::Kind::refused:
        throw util::remote_error("could not download " + w + ": " + e.what());
      default:
        services::throw_unreachable(service.service(), e);
    }
  }
}

}  // namespace photoagent::workflows
