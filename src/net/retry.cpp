#include "photoagent/net/retry.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <random>
#include <regex>
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

std::optional<long long> leading_number(const std::string& s) {
  try {
    std::size_t used = 0;
    double v = std::stod(s, &used);
    if (used == 0 || v < 0) return std::nullopt;
    return static_cast<long long>(v * 1000);
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<milliseconds> http_date_delay(const std::string& s) {
  std::tm tm{};
  if (strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) == nullptr) return std::nullopt;
  const auto when = timegm(&tm);
  const auto now = std::time(nullptr);
  return milliseconds(std::max<long long>(0, (when - now) * 1000LL));
}

bool retryable_status(long status) {
  return status == 408 || status == 500 || status == 502 || status == 503 || status == 504;
}

}  // namespace

std::optional<milliseconds> retry_hint(const Response& r) {
  if (auto v = r.header("retry-after-ms"))
    if (auto n = leading_number(*v)) return milliseconds(*n / 1000);
  if (auto v = r.header("retry-after")) {
    if (auto n = leading_number(*v)) return milliseconds(*n);
    if (auto d = http_date_delay(*v)) return d;
  }
  if (auto v = r.header("ratelimit")) {  // IETF draft: "api";r=0;t=55
    static const std::regex t(R"(;\s*t=(\d+))");
    std::smatch m;
    if (std::regex_search(*v, m, t)) return seconds(std::stoll(m[1]));
  }
  if (auto v = r.header("x-ratelimit-reset")) {  // SendGrid: epoch seconds
    if (auto n = leading_number(*v)) {
      long long epoch = *n / 1000, now = std::time(nullptr);
      return seconds(epoch > now ? epoch - now : 1);
    }
  }
  static const std::regex detail(R"((?:resets in ~|available in )(\d+)\s*s)");
  std::smatch m;
  if (std::regex_search(r.body, m, detail)) return seconds(std::stoll(m[1]));
  if (auto v = r.header("ratelimit-reset"))
    if (auto n = leading_number(*v)) return milliseconds(*n);
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
      if (last || !(req.idempotent || e.nothing_sent())) throw;
      sleep_(backoff_delay(policy_, attempt));
    }
  }
}

}  // namespace photoagent::net
