#include "detail.hpp"

#include "photoagent/net/url.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/services/replicate/predictions.hpp"  // MaybeCreated
#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate::detail {
using nlohmann::json;

net::Response send_create(const Api& api, net::Request req, const std::string& action) {
  req.idempotent = false;  // Replicate has no idempotency key: a repeat is a second bill
  net::Response r;
  try {
    r = api.raw(std::move(req));
  } catch (const net::TransportError& e) {
    if (e.nothing_sent()) throw_unreachable(Service::replicate, e);
    throw MaybeCreated("the connection to Replicate broke after the request to " + action + " was sent: " + e.what());
  }
  if (r.status >= 500 || r.status == 408)
    throw MaybeCreated("Replicate failed (" + std::to_string(r.status) + ") while asked to " + action);
  if (r.status < 200 || r.status >= 300) throw_http_error(Service::replicate, r, action);
  return r;
}

std::string get_page_body(const Api& api, const std::string& first_path, const std::string& next_url,
                          const std::string& action) {
  net::Response r;
  if (next_url.empty()) {
    r = api.call("GET", first_path, action);
  } else {
    // The token must only go to the configured API host.
    if (net::url_authority(next_url) != net::url_authority(api.base()))
      throw util::remote_error("Replicate's next-page link points at another host: " + net::url_authority(next_url));
    net::Request req;
    req.url = next_url;
    r = api.send(std::move(req), action);
  }
  return std::move(r.body);
}

std::string error_text(const JsonReader& j) {
  const json* e = j.raw("error");
  if (e == nullptr || e->is_null()) return "";
  return e->is_string() ? e->get<std::string>() : e->dump();
}

json get_page(const Api& api, const std::string& first_path, const std::string& next_url, const std::string& action) {
  json j = parse_answer(Service::replicate, get_page_body(api, first_path, next_url, action), "'" + action + "'");
  JsonReader(Service::replicate, j, "'" + action + "'").array("results");
  return j;
}

}  // namespace photoagent::services::replicate::detail
