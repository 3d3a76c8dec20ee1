#pragma once
// Checks of text a user typed or a local file holds, done with plain scanners
// (no std::regex: its recursion grows with the input and a long argument
// overflows the stack). Lengths are checked first, so every scan is bounded.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace photoagent::util {

// 0-based offset of the first byte that does not belong to well-formed UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are not), or
// nullopt when all of `s` is UTF-8.
std::optional<std::size_t> invalid_utf8_at(std::string_view s) noexcept;

// util::Error (exit 2) when `value` is not UTF-8 or holds a NUL character:
// "<what> is not valid UTF-8 at byte 17" (bytes counted from 1).
void check_text(std::string_view what, std::string_view value);

// At most `max` characters of `s` for an error message: controls and bytes
// that are not UTF-8 become '?', and a longer text ends in "..." with its size.
std::string excerpt(std::string_view s, std::size_t max = 60);

// Whole decimal numbers, the whole string or nothing: no spaces, no "+", no
// fraction or exponent, nullopt on overflow.
std::optional<std::int64_t> parse_int64(std::string_view s) noexcept;
std::optional<std::uint64_t> parse_uint64(std::string_view s) noexcept;

// A plausible email address: at most 254 bytes, one '@' with text before it,
// a dot inside the domain, no white space, controls or ",;<>".
bool plausible_email(std::string_view address) noexcept;

}  // namespace photoagent::util
