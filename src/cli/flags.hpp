#pragma once
// A command described as data (DESIGN §10): its path, help, positionals,
// options and run. Each command file builds its own table without CLI11;
// app.cpp is the one translation unit that turns tables into CLI11 calls
// (DESIGN §9 compile time), and the unit tests check the completions and
// man pages against the same tables. Header-only: the types every command
// header and app.cpp share; there is no code to put in a flags.cpp.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>  // tables own their options through shared_ptr
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace photoagent::cli {

class Context;

// Where a parsed value goes. The pointer's type is the option's kind:
// bool is a flag (no value); std::optional is set only when the option is
// given; a vector is a positional list, or, for a named option, one value
// per occurrence (repeatable).
using Target = std::variant<bool*, std::string*, std::filesystem::path*, int*, std::int64_t*, long long*, double*,
                            std::vector<std::string>*, std::optional<std::string>*, std::optional<long long>*,
                            std::optional<double>*>;

struct OptionSpec {
  // CLI11's syntax: "--kind", "-p,--project"; a name without a dash is a
  // positional ("paths"), and "name,-p,--project" is both.
  std::string names;
  std::string help;
  Target target;
  bool required = false;
  std::vector<std::string> choices;  // allowed values, shown as {a,b}
  bool ignore_case = false;          // choices: any case, stored as listed
  std::optional<std::pair<long long, long long>> range;  // allowed integers, inclusive
  enum class Sign { any, positive, non_negative } sign = Sign::any;

  bool takes_value() const { return !std::holds_alternative<bool*>(target); }

  OptionSpec& mandatory() { return required = true, *this; }
  OptionSpec& one_of(std::vector<std::string> values, bool any_case = false) {
    choices = std::move(values), ignore_case = any_case;
    return *this;
  }
  OptionSpec& between(long long min, long long max) { return range.emplace(min, max), *this; }
  OptionSpec& positive() { return sign = Sign::positive, *this; }
  OptionSpec& non_negative() { return sign = Sign::non_negative, *this; }
};

struct CommandSpec {
  std::vector<std::string> path;  // {"project", "images"}; a parent comes before its children
  std::string description;
  std::string footer;  // examples and notes under the options
  std::string man;     // the page documenting its options, e.g. "photoagent-upload"; "" = photoagent(1)
  std::vector<OptionSpec> options;  // in help order
  // Runs the parsed command; the options it reads are owned by this closure.
  // Empty for a group, which needs one of its subcommands.
  std::function<int(Context&)> run;
  bool hidden = false;  // not in help or suggestions (e.g. the watcher)

  template <class T>
  OptionSpec& add(std::string names, T& value, std::string help) {
    auto& o = options.emplace_back();
    o.names = std::move(names), o.help = std::move(help), o.target = &value;
    return o;
  }
};

// photoagent itself: the root's help and global options, and every command.
struct ProgramSpec {
  std::string name;     // "photoagent"
  std::string version;  // what --version prints
  CommandSpec root;     // path {}: description, footer, global options
  std::vector<CommandSpec> commands;
};

}  // namespace photoagent::cli
