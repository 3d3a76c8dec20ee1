#pragma once
// One authenticated JSON conversation with a service: adds the token, sends
// through the retrying client, and turns failures into util::Error.

#include <initializer_list>
#include <string>
#include <string_view>

#include "photoagent/net/retry.hpp"
#include "photoagent/services/service.hpp"

namespace photoagent::services {

class Api {
 public:
  Api(const net::Client& client, Service service, std::string token,
      std::string base = {});  // base defaults to base_url(service)

  // Sends METHOD base+path with a JSON body (empty: none). Returns the
  // response when its status is 2xx or listed in `accept`; throws otherwise.
  // `action` completes "refused to ..." in error messages.
  net::Response call(std::string_view method, std::string_view path, std::string_view action,
                     std::string body = {}, std::initializer_list<long> accept = {},
                     net::Request extra = {}) const;

  // Same, for a prepared request whose url, method and body are already set.
  net::Response send(net::Request req, std::string_view action,
                     std::initializer_list<long> accept = {}) const;

  // Adds the credentials and sends; any status comes back, and a transport
  // failure propagates as net::TransportError (for callers that must tell
  // "maybe done" from "not done").
  net::Response raw(net::Request req) const;

  // The same credentials against another host of the service (e.g. the Hub
  // API next to the inference router); `base` empty means base_url(service).
  Api rebased(std::string base) const;

  const std::string& base() const { return base_; }
  // The unauthenticated client, for URLs on other hosts (presigned uploads):
  // the token must never go there.
  const net::Client& client() const { return client_; }
  Service service() const { return service_; }

 private:
  const net::Client& client_;
  Service service_;
  std::string token_;
  std::string base_;
};

}  // namespace photoagent::services
