// Temporary: routes not written yet.
#include "router.hpp"
namespace fakecloud {
void register_replicate_models(Router&) {}
void register_replicate_predictions(Router&) {}
void register_replicate_trainings(Router&) {}
void register_replicate_files(Router&) {}
void register_delivery(Router&) {}
void register_hf_lfs(Router&) {}
void register_hf_commit(Router&) {}
void seed_models(App&) {}
}
