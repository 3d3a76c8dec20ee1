#include <doctest/doctest.h>

#include "photoagent/util/base64.hpp"

using namespace photoagent::util;

TEST_SUITE("util::base64") {
  TEST_CASE("RFC 4648 test vectors, both ways") {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"}};
    for (auto [plain, coded] : vectors) {
      CHECK(base64_encode(plain) == coded);
      CHECK(base64_decode(coded) == std::string(plain));
    }
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    CHECK(base64_decode(base64_encode(bytes)) == bytes);
    CHECK_FALSE(base64_decode("Zm9v!").has_value());
    CHECK_FALSE(base64_decode("Zg==Zg").has_value());
  }
}
