#include "photoagent/util/time.hpp"

#include <ctime>

namespace photoagent::util {

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string iso8601(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string now_iso8601() { return iso8601(unix_now()); }

std::optional<std::int64_t> parse_iso8601(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 19 || strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string relative_age(std::int64_t t, std::int64_t now) {
  std::int64_t d = now - t;
  if (d < 60) return "just now";
  if (d < 3600) return std::to_string(d / 60) + "m ago";
  if (d < 86400) return std::to_string(d / 3600) + "h ago";
  return std::to_string(d / 86400) + "d ago";
}

}  // namespace photoagent::util
