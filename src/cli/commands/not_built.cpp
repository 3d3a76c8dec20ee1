#include "not_built.hpp"

#include "photoagent/util/error.hpp"

namespace photoagent::cli {

int run_not_built(Context&, const std::string& command) {
  throw util::failure("'photoagent " + command + "' is not built yet in this version",
                      "See the README's roadmap; 'photoagent --help' lists what works today.");
}


std::vector<CommandSpec> not_built_commands() {
  std::vector<CommandSpec> all;
  for (auto [name, what] : std::initializer_list<std::pair<const char*, const char*>>{
           {"search", "Search everything photoagent has made or seen"}}) {
    CommandSpec& c = all.emplace_back();
    c.path = {name};
    c.description = std::string(what) + " (not built yet)";
    c.footer = "This command is not built yet: it exits 1 and changes nothing.";
    c.any_arguments = true;  // whatever follows, the command says it is not built yet
    c.run = [command = std::string(name)](Context& ctx) { return run_not_built(ctx, command); };
  }
  return all;
}

}  // namespace photoagent::cli
