#pragma once
// Wall-clock time as stored (UTC, RFC 3339) and shown.

#include <cstdint>
#include <optional>
#include <string>

namespace photoagent::util {

std::int64_t unix_now();
std::string iso8601(std::int64_t unix_seconds);  // 2026-11-21T05:31:59Z
std::string now_iso8601();
// Seconds since the epoch of an RFC 3339 / ISO 8601 UTC time as Replicate
// and photoagent write it ("2026-11-21T05:31:59.123456Z"; fractions and the
// zone letter are ignored); nothing when it does not parse.
std::optional<std::int64_t> parse_iso8601(const std::string& iso);
// "3m ago", "2h ago", "5d ago" for tables on a terminal.
std::string relative_age(std::int64_t unix_seconds, std::int64_t now);

}  // namespace photoagent::util
