// Fault injection. A rule fires on a matching request (by rate, or for the
// next `count` matches) and does one of:
//   status      answer a service-shaped error (429 with Retry-After, 5xx); no effect
//   drop        close the connection before the handler runs; no effect
//   drop_after  run the handler (the request takes effect), then close, no answer
//   hold        run the handler, then hold the answer for `ms`
//   slow        wait `ms`, then run the handler and answer
//   truncate    run the handler, send headers with the full Content-Length and
//               only part of the body, then close
//   oversize    run the handler, send headers with Content-Length `length`
//               (default 2 GiB; none with "announce": false), the body, then
//               zero bytes up to `length` while the client reads (net_faults.cpp)
//   trickle     run the handler, send headers with the full Content-Length,
//               then the body at `bytes_per_s` (default 2)
//   redirect    answer `status` (302) with Location `location` ("{origin}"
//               and "{path}" by the request's path); the handler does not run
//   corrupt     run the handler, then flip bytes of the body (full length, status as is)
//   expire      a delivery's prediction loses its data first (as after output_ttl_s)
#pragma once

#include <httplib.h>

#include <optional>
#include <string>

#include "app.hpp"

namespace fakecloud {

struct FaultHit {
  std::string kind;
  json spec;
  long ms = 0;  // hold/slow delay, drawn when the rule fired
};

// Picks the first rule that matches and fires; the caller holds app.mu.
std::optional<FaultHit> pick_fault(App& app, const std::string& route_key,
                                   const std::string& method, const std::string& path);
// True when a route/latency selector ("*", exact key, "METHOD /path", "prefix*") matches.
bool selector_matches(const std::string& sel, const std::string& route_key,
                      const std::string& method, const std::string& path);

// Fills res with the fault's status answer, shaped like the service at `path`.
void answer_status_fault(const FaultHit& hit, const httplib::Request& req, httplib::Response& res);

// Closes the client connection of `req` with no HTTP answer. cpp-httplib gives
// handlers no socket, so the socket is found by its (local, peer) ports; see faults.cpp.
// `rst` sends a TCP reset instead of a FIN.
bool drop_connection(const httplib::Request& req, bool rst);

// Writes `res` by hand with its full Content-Length but only part of the body,
// then closes the connection.
bool send_truncated(const httplib::Request& req, const httplib::Response& res, const json& spec);

// The connection's socket (see faults.cpp), or -1.
int find_socket(const httplib::Request& req);

// net_faults.cpp: the oversize, trickle and redirect faults.
bool send_oversize(const httplib::Request& req, const httplib::Response& res, const json& spec);
bool send_trickle(const httplib::Request& req, const httplib::Response& res, const json& spec);
void answer_redirect(const FaultHit& hit, const std::string& origin, const std::string& path, httplib::Response& res);

// Flips `bytes` (default 16) bytes of res.body past its first `keep` (default 64,
// so magic numbers survive and only a decode or checksum notices); seeded by `rng`.
void corrupt_body(httplib::Response& res, const json& spec, std::mt19937_64& rng);

}  // namespace fakecloud
