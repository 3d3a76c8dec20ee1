#pragma once
// What every Hub call shares (hf_sendgrid.md §6): repo ids checked before
// they go into URLs, the Hub's error answers, sending with the token only to
// the Hub's own host. Not part of the public services interface.

#include <initializer_list>
#include <string>
#include <string_view>

#include "photoagent/services/api.hpp"

namespace photoagent::services::huggingface::detail {

// Refuses anything but "owner/name" made of the characters the Hub allows,
// so the id can go into URL paths as is.
void check_repo_id(const std::string& repo_id);

// A 401 whose body or X-Error-Message says the token itself is invalid.
bool says_bad_token(const net::Response& r);

// Throws the error for a failed Hub response. A 401 means a bad token only
// when the Hub says "Invalid credentials in Authorization header"; any other
// 401 is the Hub hiding a repo that is missing or private (hf_sendgrid.md §6).
[[noreturn]] void throw_error(const net::Response& r, std::string_view action);

// Sends with the token; a 2xx (or a status in `accept`) comes back, anything
// else goes through throw_error, a transport failure through throw_unreachable.
net::Response send(const Api& api, net::Request req, std::string_view action,
                   std::initializer_list<long> accept = {});

// True when `url` is on the Hub's own host, the only place the token may go.
bool on_hub(const Api& api, const std::string& url);

}  // namespace photoagent::services::huggingface::detail
