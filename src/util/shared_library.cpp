#include "photoagent/util/shared_library.hpp"

#include <dlfcn.h>

#include "photoagent/util/error.hpp"

namespace photoagent::util {

SharedLibrary::SharedLibrary(const LibrarySpec& spec) : spec_(spec) {
  handle_ = dlopen(spec.soname, RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* why = dlerror();
    throw failure(std::string("cannot load ") + spec.soname + ", which photoagent needs to " + spec.purpose +
                      (why != nullptr ? std::string(" (") + why + ")" : std::string()),
                  std::string("Install it: apt-get install ") + spec.package);
  }
}

void* SharedLibrary::symbol(const char* name) const {
  dlerror();  // clear a stale message
  void* sym = dlsym(handle_, name);
  if (sym == nullptr)
    throw failure(std::string("the installed ") + spec_.soname + " lacks " + name + ", which photoagent needs to " +
                      spec_.purpose,
                  std::string("Install Debian 12's version: apt-get install ") + spec_.package);
  return sym;
}

}  // namespace photoagent::util
