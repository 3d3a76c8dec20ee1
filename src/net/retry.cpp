#include "photoagent/net/retry.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <random>
#include <string_view>
#include <thread>

#include "photoagent/util/interrupt.hpp"

namespace photoagent::net {
using std::chrono::milliseconds;
using std::chrono::seconds;

void interruptible_sleep(milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    util::throw_if_interrupted();
    std::this_thread::sleep_for(std::min<milliseconds>(
        milliseconds(50), std::chrono::duration_cast<milliseconds>(until - std::chrono::steady_clock::now())));
  }
  util::throw_if_interrupted();
}

namespace {

// Hints are remote text: a number is read digit by digit and clamped, never
// through std::stoll/stod (which throw, or overflow into undefined
// behaviour, on `~99999999999999999999999s`). Anything above a day is a day;
// Client caps it further at RetryPolicy::max_retry_after.
constexpr double kMaxHintSeconds = 24 * 3600;

// The non-negative decimal number at the start of `s` (spaces skipped,
// optional fraction), clamped to `max`; nothing when no digit comes first.
std::optional<double> leading_number(std::string_view s, double max) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  double v = 0;
  bool digits = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    digits = true;
    v = std::min(v * 10 + (s[i] - '0'), 1e300);
  }
  if (i < s.size() && s[i] == '.') {
    double scale = 0.1;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) {
      digits = true;
      v += (s[i] - '0') * scale;
    }
  }
  if (!digits) return std::nullopt;
  return std::min(v, max);
}

milliseconds seconds_to_ms(double s) { return milliseconds(static_cast<long long>(std::min(s, kMaxHintSeconds) * 1000)); }

// `t=N` among the parameters of an IETF RateLimit header ("api";r=0;t=55).
std::optional<double> ratelimit_t(std::string_view v) {
  for (std::size_t at = v.find(';'); at != std::string_view::npos; at = v.find(';', at + 1)) {
    std::size_t j = at + 1;
    while (j < v.size() && (v[j] == ' ' || v[j] == '\t')) ++j;
    if (v.substr(j, 2) == "t=") return leading_number(v.substr(j + 2), kMaxHintSeconds);
  }
  return std::nullopt;
}

// Replicate's detail text: "resets in ~5s", "available in 5 seconds".
std::optional<double> detail_seconds(std::string_view body) {
  for (std::string_view marker : {std::string_view("resets in ~"), std::string_view("available in ")}) {
    for (std::size_t at = body.find(marker); at != std::string_view::npos; at = body.find(marker, at + 1)) {
      std::string_view rest = body.substr(at + marker.size());
      std::size_t d = 0;
      while (d < rest.size() && rest[d] >= '0' && rest[d] <= '9') ++d;
      std::size_t k = d;
      while (k < rest.size() && (rest[k] == ' ' || rest[k] == '\t')) ++k;
      if (d > 0 && k < rest.size() && rest[k] == 's') return leading_number(rest, kMaxHintSeconds);
    }
  }
  return std::nullopt;
}

std::optional<milliseconds> http_date_delay(const std::string& s) {
  std::tm tm{};
  if (strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) == nullptr) return std::nullopt;
  const double ahead = std::difftime(timegm(&tm), std::time(nullptr));  // a date far ahead must not overflow
  return seconds_to_ms(std::max(0.0, ahead));
}

bool retryable_status(long status) {
  return status == 408 || status == 500 || status == 502 || status == 503 || status == 504;
}

}  // namespace

std::optional<milliseconds> retry_hint(const Response& r) {
  if (auto v = r.header("retry-after-ms"))
    if (auto n = leading_number(*v, kMaxHintSeconds * 1000)) return milliseconds(static_cast<long long>(*n));
  if (auto v = r.header("retry-after")) {
    if (auto n = leading_number(*v, kMaxHintSeconds)) return seconds_to_ms(*n);
    if (auto d = http_date_delay(*v)) return std::min(*d, seconds_to_ms(kMaxHintSeconds));
  }
  if (auto v = r.header("ratelimit"))  // IETF draft: "api";r=0;t=55
    if (auto t = ratelimit_t(*v)) return seconds_to_ms(*t);
  if (auto v = r.header("x-ratelimit-reset")) {  // SendGrid: epoch seconds
    if (auto epoch = leading_number(*v, 1e12)) {
      const double now = static_cast<double>(std::time(nullptr));
      return seconds_to_ms(*epoch > now ? *epoch - now : 1);
    }
  }
  if (auto s = detail_seconds(r.body)) return seconds_to_ms(*s);
  if (auto v = r.header("ratelimit-reset"))
    if (auto n = leading_number(*v, kMaxHintSeconds)) return seconds_to_ms(*n);
  return std::nullopt;
}

milliseconds backoff_delay(const RetryPolicy& p, int attempt) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const double exp = static_cast<double>(p.base_delay.count()) * std::pow(2.0, attempt - 1);
  const double capped = std::min(exp, static_cast<double>(p.max_delay.count()));
  // "Equal jitter": half fixed, half random, so concurrent clients spread out
  // but never retry at once.
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return milliseconds(static_cast<long long>(capped * jitter(rng)));
}

Client::Client(std::shared_ptr<Transport> transport, RetryPolicy policy, Sleeper sleep)
    : transport_(std::move(transport)), policy_(policy), sleep_(std::move(sleep)) {}

Response Client::send(const Request& req) const {
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt >= policy_.max_attempts;
    try {
      Response r = transport_->perform(req);
      const bool retry = r.status == 429 || (req.idempotent && retryable_status(r.status));
      if (!retry || last) return r;
      milliseconds wait = backoff_delay(policy_, attempt);
      if (auto hint = retry_hint(r))
        wait = std::max(std::min<milliseconds>(*hint, policy_.max_retry_after), milliseconds(100));
      sleep_(wait);
    } catch (const TransportError& e) {
      if (e.kind() == TransportError::Kind::interrupted) util::throw_if_interrupted();
      if (!e.retryable()) throw;  // a repeat would fail the same way (and fetch the same too-large body)
      if (last || !(req.idempotent || e.nothing_sent())) throw;
      sleep_(backoff_delay(policy_, attempt));
    }
  }
}

}  // namespace photoagent::net
