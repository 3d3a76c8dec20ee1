#include "curl_api.hpp"

#include <dlfcn.h>

#include <string>

#include "photoagent/util/error.hpp"
#include "photoagent/util/shared_library.hpp"

namespace photoagent::net::detail {
namespace {

template <typename Fn>
void bind(void* lib, Fn& fn, const char* name) {
  void* sym = dlsym(lib, name);
  if (sym == nullptr)
    throw util::failure(std::string("the installed libcurl lacks ") + name,
                        "Install Debian's libcurl4 (apt-get install libcurl4).");
  fn = reinterpret_cast<Fn>(sym);
}

void load(CurlApi& api) {
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr)
    throw util::failure("cannot load libcurl (libcurl.so.4), which photoagent needs to reach the network",
                        "Install it: apt-get install libcurl4");
  bind(lib, api.global_init, "curl_global_init");
  bind(lib, api.easy_init, "curl_easy_init");
  bind(lib, api.easy_cleanup, "curl_easy_cleanup");
  bind(lib, api.easy_reset, "curl_easy_reset");
  bind(lib, api.easy_setopt, "curl_easy_setopt");
  bind(lib, api.easy_getinfo, "curl_easy_getinfo");
  bind(lib, api.easy_perform, "curl_easy_perform");
  bind(lib, api.easy_strerror, "curl_easy_strerror");
  bind(lib, api.slist_append, "curl_slist_append");
  bind(lib, api.slist_free_all, "curl_slist_free_all");
  if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    throw util::failure("libcurl failed to initialise");
  // The library stays loaded for the life of the process on purpose.
}

}  // namespace

const CurlApi& curl() {
  return util::loaded_once(load);  // a throwing load() is tried again by the next call
}

}  // namespace photoagent::net::detail
