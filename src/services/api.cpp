#include "photoagent/services/api.hpp"

#include <algorithm>

#include "photoagent/util/printable.hpp"

namespace photoagent::services {

Api::Api(const net::Client& client, Service service, std::string token, std::string base)
    : client_(client), service_(service), token_(std::move(token)),
      base_(base.empty() ? base_url(service) : std::move(base)) {
  // Whatever a service echoes back (an error body quoting the token) is
  // masked wherever remote text is printed.
  util::remember_secret(token_);
}

Api Api::rebased(std::string base) const { return Api(client_, service_, token_, std::move(base)); }

net::Response Api::call(std::string_view method, std::string_view path, std::string_view action,
                        std::string body, std::initializer_list<long> accept, net::Request req) const {
  req.method = std::string(method);
  req.url = base_ + std::string(path);
  if (!body.empty()) {
    req.body = std::move(body);
    if (!req.has_header("Content-Type")) req.header("Content-Type", "application/json");
  }
  return send(std::move(req), action, accept);
}

net::Response Api::raw(net::Request req) const {
  req.header("Authorization", "Bearer " + token_);
  // A request that asks for its own type (LFS JSON, an image) keeps it: two
  // Accept headers may be refused (406) and are ambiguous at best.
  if (!req.has_header("Accept")) req.header("Accept", "application/json");
  return client_.send(req);
}

net::Response Api::send(net::Request req, std::string_view action, std::initializer_list<long> accept) const {
  net::Response r;
  try {
    r = raw(std::move(req));
  } catch (const net::TransportError& e) {
    throw_unreachable(service_, e);
  }
  const bool ok = (r.status >= 200 && r.status < 300) ||
                  std::find(accept.begin(), accept.end(), r.status) != accept.end();
  if (!ok) throw_http_error(service_, r, action);
  return r;
}

}  // namespace photoagent::services
