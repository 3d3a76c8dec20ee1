// The hand-written completions and man pages against the flag tables
// (DESIGN §10: a command's flag table is the one list of its options).
// tests/e2e/test_docs.cpp reads the same files through `--help`; this reads
// the tables directly and is stricter where a table knows more than the
// help text: which command an option belongs to (bash's per-command list,
// fish's condition), whether it takes a value (bash's and fish's lists of
// options with a value, fish's -x/-r), its allowed values, and its page.

#include <doctest/doctest.h>

#include "../../doc_text.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command_table.hpp"

using namespace photoagent;

namespace {
using doc_text::has_word;
using doc_text::is_word_char;
using doc_text::roff_text;
namespace fs = std::filesystem;

// The source tree (not __FILE__, which a compiler cache may make relative).
const fs::path kRoot = PA_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string joined(const std::vector<std::string>& words, const std::string& sep = " ") {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : sep) + w;
  return s;
}

std::set<std::string> words_of(const std::string& s) {
  std::istringstream in(s);
  std::set<std::string> words;
  for (std::string w; in >> w;) words.insert(w);
  return words;
}

// An option's names split by kind: "name,-p,--project" -> {-p}, {--project}.
struct Names {
  std::vector<std::string> shorts, longs;
  bool positional = false;
  std::vector<std::string> all() const {
    auto v = shorts;
    v.insert(v.end(), longs.begin(), longs.end());
    return v;
  }
};
Names names_of(const std::string& spec) {
  Names n;
  std::istringstream in(spec);
  for (std::string w; std::getline(in, w, ',');) {
    if (w.rfind("--", 0) == 0) n.longs.push_back(w);
    else if (w.rfind("-", 0) == 0) n.shorts.push_back(w);
    else n.positional = true;
  }
  return n;
}

// Shell-like words: '...' and "..." quoting with backslash escapes.
std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::string w;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == '\\' && i + 1 < line.size() && (line[i + 1] == quote || line[i + 1] == '\\')) w += line[++i];
      else if (c == quote) quote = 0;
      else w += c;
    } else if (c == '\'' || c == '"') {
      quote = c, in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(w), w.clear(), in_word = false;
    } else {
      w += c, in_word = true;
    }
  }
  if (in_word) words.push_back(w);
  return words;
}

// One `complete -c photoagent ...` line of the fish file.
struct FishLine {
  bool global = false;            // no condition: every command
  std::set<std::string> paths;    // `__photoagent_is A "B C"`: {"A", "B C"}; "" is the root
  std::set<std::string> names;    // "--kind", "-n"
  bool takes_value = false;       // -x or -r
  std::set<std::string> values;   // -a 'a b' (literal words only)
};

std::vector<FishLine> fish_lines(const std::string& text) {
  std::vector<FishLine> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("complete -c photoagent", 0) != 0) continue;
    const auto w = shell_words(line);
    FishLine f;
    bool conditional = false;
    for (std::size_t i = 3; i < w.size(); ++i) {
      const bool has_arg = i + 1 < w.size();
      if (w[i] == "-n" && has_arg) {
        conditional = true;
        const auto cond = shell_words(w[++i]);
        if (!cond.empty() && cond[0] == "__photoagent_is") f.paths.insert(cond.begin() + 1, cond.end());
      } else if (w[i] == "-l" && has_arg) {
        f.names.insert("--" + w[++i]);
      } else if (w[i] == "-s" && has_arg) {
        f.names.insert("-" + w[++i]);
      } else if (w[i] == "-x" || w[i] == "-r") {
        f.takes_value = true;
      } else if ((w[i] == "-a" || w[i] == "-d") && has_arg) {
        if (w[i] == "-a" && w[i + 1].find('(') == std::string::npos) {
          const auto values = words_of(w[i + 1]);
          f.values.insert(values.begin(), values.end());
        }
        ++i;
      }
    }
    f.global = !conditional;
    if (!f.names.empty()) lines.push_back(f);
  }
  return lines;
}

// The completion files, parsed where their structure is regular.
struct Completions {
  std::string bash = slurp(kRoot / "completions/photoagent.bash");
  std::string zsh = slurp(kRoot / "completions/_photoagent");
  std::string fish = slurp(kRoot / "completions/photoagent.fish");
  std::vector<FishLine> fish_options = fish_lines(fish);

  // bash: `_photoagent_cmd_opts` maps a path ("project_images", "" for the
  // root) to the options it offers there.
  std::map<std::string, std::set<std::string>> bash_command_options() const {
    const auto begin = bash.find("_photoagent_cmd_opts() {");
    REQUIRE(begin != std::string::npos);
    const std::string body = bash.substr(begin, bash.find("\n}", begin) - begin);
    static const std::regex branch(R"re(\n\s*([^\n()]*)\)\s*echo\s*'([^']*)'\s*;;)re");
    std::map<std::string, std::set<std::string>> by_path;
    for (std::sregex_iterator it(body.begin(), body.end(), branch), end; it != end; ++it)
      for (auto path : shell_words(std::regex_replace((*it)[1].str(), std::regex(R"(\|)"), " ")))
        by_path[path] = words_of((*it)[2].str());
    return by_path;
  }

  // bash: the words of `NAME='...'` and every `NAME+='...'`.
  std::set<std::string> bash_list(const std::string& name) const {
    std::set<std::string> words;
    const std::regex assignment("\n" + name + R"(\+?='([^']*)')");
    for (std::sregex_iterator it(bash.begin(), bash.end(), assignment), end; it != end; ++it) {
      const auto w = words_of((*it)[1].str());
      words.insert(w.begin(), w.end());
    }
    REQUIRE_MESSAGE(!words.empty(), name << " not found in photoagent.bash");
    return words;
  }

  // fish: `set -g __photoagent_opts_with_value ...` (continued with `\`).
  std::set<std::string> fish_opts_with_value() const {
    const std::string head = "set -g __photoagent_opts_with_value";
    const auto begin = fish.find(head);
    REQUIRE(begin != std::string::npos);
    std::string list;
    for (auto pos = begin + head.size();;) {
      const auto eol = fish.find('\n', pos);
      std::string line = fish.substr(pos, eol - pos);
      const bool continued = !line.empty() && line.back() == '\\';
      list += " " + (continued ? line.substr(0, line.size() - 1) : line);
      if (!continued || eol == std::string::npos) break;
      pos = eol + 1;
    }
    return words_of(list);
  }

  // fish: the lines that offer `name` on `path` (global ones included when
  // `with_global`).
  std::vector<const FishLine*> fish_for(const std::string& path, const std::string& name, bool with_global) const {
    std::vector<const FishLine*> found;
    for (const auto& f : fish_options)
      if (f.names.count(name) && (f.paths.count(path) || (with_global && f.global))) found.push_back(&f);
    return found;
  }
};

// The program's commands with the options CLI11 adds itself: -h,--help on
// every command (global), --version on the root.
struct Tables {
  cli::GlobalOptions global;
  cli::ProgramSpec program = cli::program_spec(global);
  bool help = false, version = false;
  std::vector<cli::OptionSpec> global_options() {
    auto all = program.root.options;
    cli::CommandSpec implicit;
    implicit.add("-h,--help", help, "Print this help message and exit");
    all.push_back(implicit.options.back());
    return all;
  }
  std::vector<cli::OptionSpec> root_only() {
    cli::CommandSpec implicit;
    if (!program.version.empty()) implicit.add("--version", version, "Display program version information and exit");
    return implicit.options;
  }
};


}  // namespace

TEST_SUITE("cli::flag_tables") {
  TEST_CASE("the tables are well formed: parents first, unique paths and names, help for every option") {
    Tables t;
    std::set<std::vector<std::string>> seen{{}};
    std::set<std::vector<std::string>> parents;
    REQUIRE(t.program.commands.size() >= 12);
    for (const auto& c : t.program.commands) {
      INFO("photoagent " << joined(c.path));
      REQUIRE(!c.path.empty());
      const std::vector<std::string> parent(c.path.begin(), c.path.end() - 1);
      CHECK_MESSAGE(seen.count(parent) == 1, "its parent must come before it");
      CHECK_MESSAGE(seen.insert(c.path).second, "a second command with this path");
      parents.insert(parent);
      if (!c.hidden) CHECK(!c.description.empty());
      std::set<std::string> names;
      for (const auto& o : c.options) {
        INFO(o.names);
        for (const auto& n : names_of(o.names).all()) CHECK_MESSAGE(names.insert(n).second, "named twice");
        if (!c.hidden) CHECK(!o.help.empty());
        if (!o.choices.empty()) CHECK(o.takes_value());
        if (o.range || o.sign != cli::OptionSpec::Sign::any) CHECK(o.takes_value());
      }
    }
    for (const auto& c : t.program.commands) {
      INFO("photoagent " << joined(c.path));
      // A group (no run) has subcommands; a command with a run has none.
      CHECK(parents.count(c.path) == (c.run ? 0u : 1u));
    }
  }

  TEST_CASE("every long option is in the three completion files and on its man page") {
    Tables t;
    Completions comp;
    const std::string main_page = roff_text(slurp(kRoot / "man/photoagent.1"));
    std::map<std::string, std::string> pages;
    std::size_t checked = 0;
    auto check_option = [&](const std::string& where, const std::string& page, const cli::OptionSpec& o) {
      for (const auto& name : names_of(o.names).longs) {
        INFO(where << " " << name);
        ++checked;
        CHECK_MESSAGE(has_word(comp.bash, name), "missing from completions/photoagent.bash");
        CHECK_MESSAGE(has_word(comp.zsh, name), "missing from completions/_photoagent");
        CHECK_MESSAGE(has_word(comp.fish, "-l " + name.substr(2)), "missing from completions/photoagent.fish");
        CHECK_MESSAGE(has_word(page, name), "missing from its man page");
      }
    };
    for (const auto& o : t.global_options()) check_option("photoagent", main_page, o);
    for (const auto& o : t.root_only()) check_option("photoagent", main_page, o);
    for (const auto& c : t.program.commands) {
      if (c.hidden) continue;
      const std::string where = "photoagent " + joined(c.path);
      std::string page = main_page;
      if (!c.man.empty()) {
        INFO(where << ": page " << c.man);
        const fs::path file = kRoot / "man" / (c.man + ".1");
        REQUIRE_MESSAGE(fs::exists(file), "the table names a page that does not exist");
        auto it = pages.find(c.man);
        if (it == pages.end()) it = pages.emplace(c.man, roff_text(slurp(file))).first;
        page = it->second;
        CHECK_MESSAGE(page.find(where) != std::string::npos, "the page does not name the command");
      }
      for (const auto& o : c.options) check_option(where, page, o);
    }
    CHECK(checked >= 60);
  }

  TEST_CASE("bash and fish offer each option on its own command, and know which ones take a value") {
    Tables t;
    Completions comp;
    const auto bash_options = comp.bash_command_options();
    const auto bash_global = comp.bash_list("_photoagent_global_opts");
    const auto bash_valued = comp.bash_list("_photoagent_opts_with_value");
    const auto fish_valued = comp.fish_opts_with_value();

    // Option names that take a value somewhere (bash and fish skip the word
    // after them; a flag of the same name elsewhere needs a special case).
    std::set<std::string> valued_somewhere;
    for (const auto& c : t.program.commands)
      for (const auto& o : c.options)
        if (o.takes_value())
          for (const auto& n : names_of(o.names).all()) valued_somewhere.insert(n);
    for (const auto& o : t.global_options())
      if (o.takes_value())
        for (const auto& n : names_of(o.names).all()) valued_somewhere.insert(n);

    auto check_value_lists = [&](const std::string& where, const cli::OptionSpec& o) {
      for (const auto& n : names_of(o.names).all()) {
        INFO(where << " " << n);
        if (o.takes_value()) {
          CHECK_MESSAGE(bash_valued.count(n) == 1, "takes a value: add it to _photoagent_opts_with_value (bash)");
          CHECK_MESSAGE(fish_valued.count(n) == 1, "takes a value: add it to __photoagent_opts_with_value (fish)");
        } else if (valued_somewhere.count(n) == 0) {
          CHECK_MESSAGE(bash_valued.count(n) == 0, "a flag: bash would skip the word after it");
          CHECK_MESSAGE(fish_valued.count(n) == 0, "a flag: fish would skip the word after it");
        }
      }
    };
    auto check_fish = [&](const std::string& where, const std::string& path, const cli::OptionSpec& o, bool global) {
      for (const auto& n : names_of(o.names).all()) {
        INFO(where << " " << n);
        const auto lines = comp.fish_for(path, n, global);
        CHECK_MESSAGE(!lines.empty(), "fish does not offer it on this command");
        for (const auto* f : lines) {
          CHECK_MESSAGE(f->takes_value == o.takes_value(),
                        (o.takes_value() ? "fish: a value is needed (-x or -r)" : "fish: a flag, not -x/-r"));
          for (const auto& v : o.choices) CHECK_MESSAGE(f->values.count(v) == 1, "fish does not offer the value " << v);
        }
      }
    };

    for (const auto& o : t.global_options()) {
      for (const auto& n : names_of(o.names).all())
        CHECK_MESSAGE(bash_global.count(n) == 1, n << " missing from _photoagent_global_opts (bash)");
      check_value_lists("photoagent", o);
      check_fish("photoagent", "", o, true);
      for (const auto* f : comp.fish_for("", names_of(o.names).all().front(), true))
        CHECK_MESSAGE(f->global, o.names << ": fish needs it on a line without a condition (every command)");
    }
    for (const auto& o : t.root_only()) {
      for (const auto& n : names_of(o.names).all())
        CHECK_MESSAGE(bash_options.at("").count(n) == 1, n << " missing from bash's root options");
      check_fish("photoagent", "", o, false);
    }

    for (const auto& c : t.program.commands) {
      if (c.hidden) continue;
      const std::string where = "photoagent " + joined(c.path);
      const std::string bash_path = joined(c.path, "_");
      const auto it = bash_options.find(bash_path);
      std::set<std::string> mine;
      for (const auto& o : c.options) {
        const auto names = names_of(o.names).all();
        mine.insert(names.begin(), names.end());
        for (const auto& n : names) {
          INFO(where << " " << n);
          CHECK_MESSAGE((it != bash_options.end() && it->second.count(n) == 1),
                        "missing from _photoagent_cmd_opts " << (bash_path.empty() ? "\"\"" : bash_path) << " (bash)");
        }
        for (const auto& v : o.choices) {
          INFO(where << " " << o.names << " " << v);
          CHECK_MESSAGE(has_word(comp.bash, v), "value missing from completions/photoagent.bash");
          CHECK_MESSAGE(has_word(comp.zsh, v), "value missing from completions/_photoagent");
        }
        check_value_lists(where, o);
        check_fish(where, joined(c.path), o, false);
      }
      // And the other way: nothing offered there that the command lacks.
      if (it != bash_options.end())
        for (const auto& n : it->second) CHECK_MESSAGE(mine.count(n) == 1, where << ": bash offers " << n << ", unknown");
      for (const auto& f : comp.fish_options)
        if (f.paths.count(joined(c.path)))
          for (const auto& n : f.names) CHECK_MESSAGE(mine.count(n) == 1, where << ": fish offers " << n << ", unknown");
    }
  }

  TEST_CASE("command names are in the completions and in photoagent(1)") {
    Tables t;
    Completions comp;
    const std::string main_page = roff_text(slurp(kRoot / "man/photoagent.1"));
    for (const auto& c : t.program.commands) {
      if (c.hidden) continue;
      INFO("photoagent " << joined(c.path));
      CHECK_MESSAGE(has_word(comp.bash, c.path.back()), "missing from completions/photoagent.bash");
      CHECK_MESSAGE(has_word(comp.zsh, c.path.back()), "missing from completions/_photoagent");
      CHECK_MESSAGE(has_word(comp.fish, "-a " + c.path.back()), "missing from completions/photoagent.fish");
      CHECK_MESSAGE(main_page.find("photoagent " + joined(c.path)) != std::string::npos, "missing from photoagent.1");
    }
  }
}
