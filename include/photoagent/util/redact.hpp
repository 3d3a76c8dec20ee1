#pragma once
// Keeping secrets out of everything a person or a log can see.

#include <string>
#include <string_view>
#include <vector>

namespace photoagent::util {

// "r8_abc...xyz" -> "r8_****" (prefix up to the last '_' or '.', as gh masks tokens).
std::string mask_token(std::string_view token);

// Query values whose names look like signatures, tokens or keys become "REDACTED".
std::string redact_url(std::string_view url);

// Redacts one chunk of an HTTP trace (any curl debug type): credential headers
// (any case, HTTP/1 or HTTP/2 form), signed query strings in request lines and
// URLs, each of `secrets` wherever it appears, and strings shaped like the
// services' tokens (r8_..., hf_..., SG.x.y).
std::string redact_trace(std::string_view chunk, const std::vector<std::string>& secrets);

}  // namespace photoagent::util
