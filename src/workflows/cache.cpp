#include "photoagent/workflows/cache.hpp"

#include "photoagent/util/paths.hpp"

namespace photoagent::workflows {

std::unique_ptr<store::Database> open_cache() { return std::make_unique<store::Database>(util::data_home()); }

}  // namespace photoagent::workflows
