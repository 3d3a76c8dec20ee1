#include "context.hpp"

#include "photoagent/workflows/cache.hpp"

#include <algorithm>
#include <ostream>
#include <cctype>

#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/util/paths.hpp"

namespace photoagent::cli {

namespace {
// ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$, without compiling a regex at every start.
bool valid_profile(const std::string& p) {
  if (p.empty() || p.size() > 64 || !std::isalnum(static_cast<unsigned char>(p[0]))) return false;
  return std::all_of(p.begin(), p.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}
}  // namespace

Context::Context(Io& io_, GlobalOptions g, const util::Env& env, const util::Clock& clock)
    : io(io_), global(std::move(g)), env_(env), clock_(clock) {
  profile_ = !global.profile.empty() ? global.profile : env_.get("PHOTOAGENT_PROFILE").value_or("default");
  if (!valid_profile(profile_))
    throw util::usage_error("'" + util::excerpt(profile_) + "' is not a valid profile name",
                            "Use letters, digits, '.', '_' or '-'.");
}

Context::~Context() = default;

workflows::Config& Context::config() {
  if (!config_) config_ = std::make_unique<workflows::Config>(util::profile_dir(profile_, env_) / "config.json", env_);
  return *config_;
}

workflows::CredentialStore& Context::credentials() {
  if (!credentials_) credentials_ = std::make_unique<workflows::CredentialStore>(util::profile_dir(profile_, env_), env_);
  return *credentials_;
}

store::Database& Context::db() {
  if (!db_) db_ = workflows::open_cache(env_);
  return *db_;
}

std::optional<util::Error> Context::explain_failure(const std::exception& e) const {
  if (!db_) return std::nullopt;
  return db_->explain(e);
}

const net::Client& Context::http(const std::vector<std::string>& secrets) {
  if (http_) return *http_;
  if (!transport_) {
    net::TraceOptions trace{global.debug, secrets};
    if (global.debug) {
      for (auto s : {services::Service::replicate, services::Service::huggingface, services::Service::sendgrid}) {
        try {
          if (auto c = credentials().find(s)) trace.secrets.push_back(c->secret);
        } catch (const util::Error&) {
          // An unreadable credentials file is reported by the command that needs it.
        }
      }
    }
    transport_ = net::make_curl_transport(std::move(trace));
  }
  net::RetryPolicy policy;
  if (auto v = env_.get("PHOTOAGENT_RETRIES")) {  // retries after the first attempt
    try {
      policy.max_attempts = 1 + std::clamp(std::stoi(*v), 0, 20);
    } catch (...) {
      throw util::usage_error("PHOTOAGENT_RETRIES must be a number from 0 to 20, not '" + *v + "'");
    }
  }
  http_ = std::make_unique<net::Client>(transport_, policy);
  return *http_;
}

const services::Api& Context::api(services::Service s) {
  auto& slot = apis_[static_cast<int>(s)];
  if (!slot) {
    auto cred = credentials().require(s);
    slot = std::make_unique<services::Api>(http({cred.secret}), s, cred.secret, services::base_url(s, env_));
  }
  return *slot;
}

const services::Api* Context::api_if_configured(services::Service s) {
  try {
    if (!credentials().find(s)) return nullptr;
  } catch (const util::Error&) {
    return nullptr;  // an unreadable credentials file is reported where it is required
  }
  return &api(s);
}

void Context::set_create_rate(std::size_t per_minute) {
  limiter_ = std::make_unique<net::SlidingWindowLimiter>(per_minute, std::chrono::seconds(60));
}

net::SlidingWindowLimiter& Context::create_limiter() {
  if (!limiter_) {
    const auto per_minute = config().get_number("replicate.creates_per_minute", 1, 100000);
    limiter_ = std::make_unique<net::SlidingWindowLimiter>(static_cast<std::size_t>(per_minute),
                                                           std::chrono::seconds(60));
  }
  return *limiter_;
}

}  // namespace photoagent::cli
