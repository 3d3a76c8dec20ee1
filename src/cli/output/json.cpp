#include "json.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

namespace photoagent::cli {

void print_json(const Io& io, const nlohmann::json& doc) {
  // Invalid UTF-8 from a file name must not abort the output.
  io.out << doc.dump(io.stdout_tty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n"
         << std::flush;
}

}  // namespace photoagent::cli
