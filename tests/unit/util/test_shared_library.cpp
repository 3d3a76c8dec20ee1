#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "photoagent/util/error.hpp"
#include "photoagent/util/shared_library.hpp"

using namespace photoagent::util;

TEST_SUITE("util::SharedLibrary") {
  TEST_CASE("a missing library is one error naming the Debian package, exit 1") {
    try {
      SharedLibrary lib({"libphotoagent-absent.so.9", "libphotoagent-absent9", "test the loader"});
      FAIL("opened a library that does not exist");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::error);
      CHECK(e.message().find("libphotoagent-absent.so.9") != std::string::npos);
      CHECK(e.message().find("needs to test the loader") != std::string::npos);
      CHECK(e.hint() == "Install it: apt-get install libphotoagent-absent9");
    }
  }

  TEST_CASE("a symbol the library lacks names the library and the package") {
    const SharedLibrary lib({"libc.so.6", "libc6", "test the loader"});
    void (*fn)() = nullptr;
    try {
      lib.bind(fn, "photoagent_no_such_function");
      FAIL("bound a symbol that does not exist");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::error);
      CHECK(e.message().find("libc.so.6 lacks photoagent_no_such_function") != std::string::npos);
      CHECK(e.hint().find("apt-get install libc6") != std::string::npos);
    }
    const bool bound = fn != nullptr;  // doctest cannot print a function pointer
  CHECK_FALSE(bound);
  }

  TEST_CASE("a bound function has the header's type and works") {
    const SharedLibrary lib({"libc.so.6", "libc6", "test the loader"});
    decltype(&::strlen) my_strlen = nullptr;
    lib.bind(my_strlen, "strlen");
    CHECK(my_strlen("photoagent") == 10);
  }
}
