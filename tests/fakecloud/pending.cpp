// Temporary: routes not written yet.
#include "router.hpp"
namespace fakecloud {
void register_hf_lfs(Router&) {}
void register_hf_commit(Router&) {}
}
