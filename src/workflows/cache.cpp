#include "photoagent/workflows/cache.hpp"

#include "photoagent/util/paths.hpp"

namespace photoagent::workflows {

std::unique_ptr<store::Database> open_cache(const util::Env& env) {
  return std::make_unique<store::Database>(util::data_home(env));
}

}  // namespace photoagent::workflows
