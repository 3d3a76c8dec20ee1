#pragma once
// Everything a command may need, built lazily so a command pays only for
// what it uses (no database for `login`, no network for `project list`).

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "output/io.hpp"
#include "photoagent/net/rate_limit.hpp"
#include "photoagent/net/retry.hpp"
#include "photoagent/services/api.hpp"
#include "photoagent/util/clock.hpp"
#include "photoagent/util/env.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/credentials.hpp"

namespace photoagent::store {
class Database;  // opened through workflows::open_cache
}

namespace photoagent::cli {

struct GlobalOptions {
  bool json = false;
  bool debug = false;
  bool quiet = false;
  std::string profile;  // --profile, else PHOTOAGENT_PROFILE, else "default"
};

class Context {
 public:
  // `env` and `clock` are the process's own unless a test gives others.
  Context(Io& io, GlobalOptions global, const util::Env& env = util::process_env(),
          const util::Clock& clock = util::system_clock());
  ~Context();

  Io& io;
  GlobalOptions global;

  const std::string& profile() const { return profile_; }
  const util::Env& env() const { return env_; }
  const util::Clock& clock() const { return clock_; }
  workflows::Config& config();
  workflows::CredentialStore& credentials();
  store::Database& db();
  // An exception from the cache database in the user's words with a way
  // out (read-only, damaged, busy, full); nothing for any other exception.
  std::optional<util::Error> explain_failure(const std::exception& e) const;
  // The HTTP client. `secrets` are redacted from --debug traces in addition
  // to every credential photoagent can find.
  const net::Client& http(const std::vector<std::string>& secrets = {});

  // An authenticated API of a service; exit 4 naming the login when no secret.
  const services::Api& api(services::Service s);
  // The API when the service has credentials, else null (optional services).
  const services::Api* api_if_configured(services::Service s);
  // The process-wide limit on prediction creates (replicate.creates_per_minute).
  net::SlidingWindowLimiter& create_limiter();
  // --rate N/min: replaces the configured limit for this run.
  void set_create_rate(std::size_t per_minute);

  // Tests inject a transport instead of libcurl.
  void set_transport(std::shared_ptr<net::Transport> t) { transport_ = std::move(t); }

 private:
  const util::Env& env_;
  const util::Clock& clock_;
  std::string profile_;
  std::unique_ptr<workflows::Config> config_;
  std::unique_ptr<workflows::CredentialStore> credentials_;
  std::unique_ptr<store::Database> db_;
  std::shared_ptr<net::Transport> transport_;
  std::unique_ptr<net::Client> http_;
  std::unique_ptr<services::Api> apis_[3];
  std::unique_ptr<net::SlidingWindowLimiter> limiter_;
};

}  // namespace photoagent::cli
