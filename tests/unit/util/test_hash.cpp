#include <doctest/doctest.h>

#include <string>

#include "photoagent/util/hash.hpp"

using namespace photoagent::util;

TEST_SUITE("util::hash") {
  TEST_CASE("SHA-256 and SHA-1 test vectors (FIPS 180-2 \"abc\", empty)") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Digest sha1(Digest::Algorithm::sha1);
    sha1.update("ab");
    sha1.update("c");
    CHECK(sha1.hex_digest() == "a9993e364706816aba3e25717850c26c9cd0d89d");
  }

  TEST_CASE("streamed SHA-256 equals the one-shot digest") {
    std::string big(200000, 'x');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 + 7);
    Sha256 h;
    for (std::size_t off = 0; off < big.size(); off += 4096) h.update(std::string_view(big).substr(off, 4096));
    CHECK(h.hex_digest() == sha256_hex(big));
  }

  TEST_CASE("git's id of the empty blob (what the Hub reports for regular files)") {
    Digest d(Digest::Algorithm::sha1);
    d.update(std::string("blob 0") + '\0');
    CHECK(d.hex_digest() == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  }
}
