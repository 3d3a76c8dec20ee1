#include "photoagent/util/error.hpp"

#include <utility>

namespace photoagent::util {

Error::Error(ExitCode code, std::string message, std::string hint)
    : code_(code), message_(std::move(message)), hint_(std::move(hint)) {}

Error usage_error(std::string m, std::string h) { return {ExitCode::usage, std::move(m), std::move(h)}; }
Error not_found(std::string m, std::string h) { return {ExitCode::not_found, std::move(m), std::move(h)}; }
Error auth_error(std::string m, std::string h) { return {ExitCode::auth, std::move(m), std::move(h)}; }
Error remote_error(std::string m, std::string h) { return {ExitCode::remote, std::move(m), std::move(h)}; }
Error failure(std::string m, std::string h) { return {ExitCode::error, std::move(m), std::move(h)}; }

}  // namespace photoagent::util
