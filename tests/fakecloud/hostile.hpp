// Hostile answers (issue 13): faults that run the handler (the request takes
// effect) and then change the JSON it answers, as a broken or malicious
// service (or a third-party model that controls `output`) would:
//   patch  merge `patch` (RFC 7386) into the answer: wrong types, escape
//          sequences in `logs`/`error`, a 50 kB log line, a token echoed back
//   deep   replace `field` (default "output") with arrays nested `depth`
//          (default 100000) deep
// Both take `if_contains` (rewrite only answers whose body holds that text,
// e.g. one prompt of a batch); on a list page ({"results": [...]}) they
// rewrite each matching item instead of the page.
#pragma once

#include <httplib.h>

#include "app.hpp"

namespace fakecloud {

// True for the kinds this file handles.
bool is_body_fault(const std::string& kind);

// Rewrites res.body as the fault says; answers that are not JSON objects stay as they are.
void rewrite_body(const std::string& kind, const json& spec, httplib::Response& res);

}  // namespace fakecloud
