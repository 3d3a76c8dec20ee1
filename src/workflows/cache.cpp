#include "photoagent/workflows/cache.hpp"

#include "photoagent/util/paths.hpp"
#include "photoagent/workflows/cache_care.hpp"

namespace photoagent::workflows {

std::unique_ptr<store::Database> open_cache(const util::Env& env) {
  util::ensure_private_dir(util::data_home(env));  // 0700: photos of people, tightened if looser
  auto db = std::make_unique<store::Database>(util::data_home(env));
  sweep_stale_temps(db->data_dir(), env);  // cheap and bounded: temporary files a kill left behind
  return db;
}

}  // namespace photoagent::workflows
