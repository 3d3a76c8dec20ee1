// The only translation unit that includes CLI11 (DESIGN §9: compile time).
// It turns the flag tables (command_table.hpp) into CLI11 apps, parses, and
// runs the command that was parsed; it knows no command by name (DESIGN §10).

#include "app.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <map>
#include <ostream>
#include <string_view>

#include "command_table.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/printable.hpp"

namespace photoagent::cli {
namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// The global option an argument names ("--profile" or "--profile=x"), if any.
const OptionSpec* global_option(const ProgramSpec& program, const std::string& arg) {
  const std::string name = arg.substr(0, arg.find('='));
  for (const auto& o : program.root.options)
    for (std::string_view names = o.names; !names.empty();) {
      const auto comma = names.find(',');
      if (names.substr(0, comma) == name) return &o;
      names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
    }
  return nullptr;
}

// CLI11 2.1 has no "did you mean"; an unknown command word gets one here
// (never a hidden command), also after global options (`--debug projct`).
void check_command_name(const ProgramSpec& program, const std::vector<std::string>& args) {
  std::size_t i = 0;
  while (i < args.size() && !args[i].empty() && args[i][0] == '-') {
    const OptionSpec* o = global_option(program, args[i]);
    if (!o) return;  // --help, --version or a mistake: CLI11 says what it is
    i += o->takes_value() && args[i].find('=') == std::string::npos ? 2 : 1;
  }
  if (i >= args.size() || args[i].empty()) return;
  const std::string& word = args[i];
  std::string best;
  std::size_t best_d = 99;
  for (const auto& c : program.commands) {
    if (c.path.size() != 1) continue;
    if (c.path[0] == word) return;
    const auto d = edit_distance(c.path[0], word);
    if (!c.hidden && d < best_d) best_d = d, best = c.path[0];
  }
  throw util::usage_error("unknown command '" + word + "'",
                          best_d <= 2 ? "Did you mean '" + program.name + " " + best + "'?"
                                      : "Run '" + program.name + " --help' for the list of commands.");
}

CLI::Option* add_option(CLI::App& app, const OptionSpec& o) {
  const bool named = !o.names.empty() && o.names[0] == '-';
  auto* opt = std::visit(
      Overloaded{[&](bool* v) { return app.add_flag(o.names, *v, o.help); },
                 [&](std::vector<std::string>* v) {
                   auto* list = app.add_option(o.names, *v, o.help);
                   // A named list takes one value per occurrence: --input a=1 --input b=2.
                   if (named) list->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
                   return list;
                 },
                 [&]<class T>(std::optional<T>* v) {
                   return app.add_option_function<T>(o.names, [v](const T& x) { *v = x; }, o.help);
                 },
                 [&](auto* v) { return app.add_option(o.names, *v, o.help); }},
      o.target);
  if (o.required) opt->required();
  if (!o.choices.empty() && o.ignore_case) opt->transform(CLI::IsMember(o.choices, CLI::ignore_case));
  if (!o.choices.empty() && !o.ignore_case) opt->check(CLI::IsMember(o.choices));
  if (o.range) opt->check(CLI::Range(o.range->first, o.range->second));
  if (o.sign == OptionSpec::Sign::positive) opt->check(CLI::PositiveNumber);
  if (o.sign == OptionSpec::Sign::non_negative) opt->check(CLI::NonNegativeNumber);
  return opt;
}

CLI::App* add_command(CLI::App& parent, const CommandSpec& c) {
  auto* sub = parent.add_subcommand(c.path.back(), c.description);
  sub->footer(c.footer);  // never the parent's examples
  if (c.hidden) sub->group("");
  if (!c.run) sub->require_subcommand(1);
  for (const auto& o : c.options) add_option(*sub, o);
  return sub;
}

// "photoagent project create": the deepest command the arguments reached.
std::string command_line_of(const CLI::App& app) {
  std::string where = app.get_name();
  for (const auto* sub = &app; !sub->get_subcommands().empty();) {
    sub = sub->get_subcommands().front();
    where += " " + sub->get_name();
  }
  return where;
}

}  // namespace

int run_app(const std::vector<std::string>& args, Io& io, std::shared_ptr<net::Transport> transport) {
  GlobalOptions global;
  const ProgramSpec program = program_spec(global);
  CLI::App app{program.root.description, program.name};
  app.fallthrough();  // global flags may follow the subcommand
  app.set_version_flag("--version", program.version);
  for (const auto& o : program.root.options) add_option(app, o);

  std::map<std::vector<std::string>, CLI::App*> by_path{{{}, &app}};
  std::vector<std::pair<const CLI::App*, const CommandSpec*>> commands;
  for (const auto& c : program.commands) {
    CLI::App* parent = by_path.at({c.path.begin(), c.path.end() - 1});  // parents come first
    CLI::App* sub = add_command(*parent, c);
    by_path[c.path] = sub;
    commands.emplace_back(sub, &c);
  }
  // Set last: CLI11 copies a parent's footer into subcommands created after it.
  app.footer(program.root.footer);

  try {
    check_command_name(program, args);
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    try {
      app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e, io.out, io.err);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e, io.out, io.err);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e, io.out, io.err);
    } catch (const CLI::ParseError& e) {
      throw util::usage_error(e.what(), "Run '" + command_line_of(app) + " --help' for usage.");
    }
    Context ctx(io, global);
    if (transport) ctx.set_transport(std::move(transport));
    try {
      for (const auto& [parsed, spec] : commands)
        if (spec->run && parsed->parsed()) return spec->run(ctx);
    } catch (const util::Error&) {
      throw;
    } catch (const std::exception& e) {
      if (auto known = ctx.explain_failure(e)) throw *known;  // the cache database, in the user's words
      throw;
    }
    ctx.io.out << app.help();  // no command: the overview
    return 0;
  } catch (const util::Error& e) {
    // Messages may quote a service's answer: no terminal controls, no token (util::printable).
    io.err << red(io, "error:") << " " << util::printable(e.message()) << "\n";
    if (!e.hint().empty()) io.err << util::printable(e.hint()) << "\n";
    return e.exit_code();
  }
}

}  // namespace photoagent::cli
