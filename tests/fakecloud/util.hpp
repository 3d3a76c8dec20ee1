// Small helpers shared by every route: time, ids, hashes, encodings.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fakecloud {

using json = nlohmann::json;
using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// RFC 3339 with microseconds and "Z", as Replicate prints timestamps.
std::string iso(TimePoint t);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.frac][Z|±HH:MM]".
std::optional<TimePoint> parse_iso(std::string_view s);
double seconds_between(TimePoint a, TimePoint b);

std::string sha256_hex(std::string_view data);
std::string md5_hex(std::string_view data);
std::string sha1_hex(std::string_view data);
// Git blob id, what HF reports as the oid of a regular file.
std::string git_blob_sha1(std::string_view data);
uint64_t fnv1a(std::string_view data, uint64_t seed = 1469598103934665603ULL);

std::string base64_encode(std::string_view data);
// Strict: returns nullopt on characters outside the alphabet (whitespace is not allowed).
std::optional<std::string> base64_decode(std::string_view data);
std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view data);

// Random strings from a process-wide generator (ids need not be reproducible).
std::string random_string(size_t n, std::string_view alphabet);
std::string random_hex(size_t n);
// Replicate-style id: 26 chars of lowercase base32.
std::string replicate_id();
// A 64-hex id that is a pure function of its seed (seeded model versions).
std::string stable_hex64(std::string_view seed);

// Reads a duration in ms from config: a number, {"min":a,"max":b} or [a,b].
long sample_ms(const json& v, std::mt19937_64& rng, long fallback = 0);

// Go-style duration ("1m", "30s", "1h30m", "500ms"); nullopt if malformed.
std::optional<std::chrono::milliseconds> parse_go_duration(std::string_view s);

// Lenient readers for JSON that came from a client or a test: the default
// unless `o` is an object holding `key` with the right type (nlohmann's
// value() throws on a type mismatch).
std::string jstr(const json& o, const char* key, const std::string& def = "");
long jlong(const json& o, const char* key, long def);
bool jbool(const json& o, const char* key, bool def);

bool starts_with(std::string_view s, std::string_view p);
bool ends_with(std::string_view s, std::string_view p);
bool is_hex64(std::string_view s);
std::string url_encode(std::string_view s);
// "\"" + s + "\"" (an ETag); a function because GCC 12 raises a false
// -Wrestrict on that concatenation.
std::string etag_quote(std::string_view s);

}  // namespace fakecloud
