// Docs drift guard: the man pages and the bash, zsh and fish completions are
// written by hand (CLI11 cannot generate them), so this walks the real
// binary's `--help` tree and fails when a command, a long option or an enum
// value it shows is missing from any of them.
//
// Checked for every command path the help lists (root, login, logout,
// project and its verbs, config, upload, ... recursively):
// - each long option appears in completions/photoagent.bash, _photoagent
//   (zsh) and photoagent.fish (as `-l NAME`), and in man/photoagent.1 or the
//   command's own page (man/photoagent-<family>.1);
// - bash, run for real, offers each option after `photoagent PATH --`; fish
//   too when it is installed;
// - each value of an enum option (`--kind TEXT:{person,product}`) is offered
//   by all three completion files;
// - each command name is in the completions and in man/photoagent.1.
// Also: every key `config list --all` prints is in photoagent-config(1), and
// every page a page refers to exists.

#include <doctest/doctest.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "doc_text.hpp"
#include "harness.hpp"

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

// The path of an executable on $PATH, or "" when there is none.
std::string which(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// One isolated user without an emulator: `--help` and `config list` never
// touch the network.
struct Env {
  e2e::TempDir dir;
  std::map<std::string, std::string> vars;
  Env() {
    vars = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
            {"HOME", dir.path().string()},
            {"PHOTOAGENT_HOME", (dir.path() / "data").string()},
            {"PHOTOAGENT_CONFIG_DIR", (dir.path() / "config").string()},
            {"NO_COLOR", "1"},
            {"LC_ALL", "C"}};
  }
  e2e::Result photoagent(std::vector<std::string> args) const {
    args.insert(args.begin(), PHOTOAGENT_BIN);
    return e2e::run_process(args, vars);
  }
};

// The lines of a CLI11 help section ("Options:", "Subcommands:", ...), up to
// the next blank line.
std::vector<std::string> section(const std::string& help, const std::string& title) {
  std::vector<std::string> lines;
  std::istringstream in(help);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      inside = line == title;
      continue;
    }
    if (line.empty()) break;
    lines.push_back(line);
  }
  return lines;
}

// The name column of a help entry: "  -p,--project TEXT REQUIRED  Project name"
// gives "-p,--project TEXT REQUIRED". Description-only continuation lines
// (indented past the column) give "".
std::string name_column(const std::string& line) {
  const auto start = line.find_first_not_of(' ');
  if (start == std::string::npos || start > 4) return "";
  const auto gap = line.find("  ", start);
  return line.substr(start, gap == std::string::npos ? std::string::npos : gap - start);
}

struct Command {
  std::vector<std::string> path;            // {"project", "create"}
  std::set<std::string> long_options;       // {"--help", "--kind", ...}
  std::map<std::string, std::vector<std::string>> enums;  // "--kind" -> {person, product}
  std::vector<std::string> subcommands;
};

std::string joined(const std::vector<std::string>& path) {
  std::string s;
  for (const auto& w : path) s += (s.empty() ? "" : " ") + w;
  return s;
}

Command describe(const Env& env, const std::vector<std::string>& path) {
  auto args = path;
  args.push_back("--help");
  auto r = env.photoagent(args);
  INFO("photoagent " << joined(args) << "\n" << r.out << r.err);
  REQUIRE(r.code == 0);
  Command c;
  c.path = path;
  static const std::regex long_option("--[a-z][a-z0-9-]*");
  static const std::regex enum_values(":\\{([^}]*)\\}");
  for (const auto& title : {"Options:", "Positionals:"}) {
    for (const auto& line : section(r.out, title)) {
      const std::string names = name_column(line);
      std::string first_long;
      for (std::sregex_iterator it(names.begin(), names.end(), long_option), end; it != end; ++it) {
        if (first_long.empty()) first_long = it->str();
        c.long_options.insert(it->str());
      }
      std::smatch m;
      if (std::regex_search(names, m, enum_values)) {
        std::istringstream values(m[1].str());
        std::string v;
        auto& list = c.enums[first_long.empty() ? names.substr(0, names.find(' ')) : first_long];
        while (std::getline(values, v, ',')) list.push_back(v);
      }
    }
  }
  for (const auto& line : section(r.out, "Subcommands:")) {
    const std::string name = name_column(line);
    if (!name.empty()) c.subcommands.push_back(name);
  }
  return c;
}

// Every command path the help tree lists, the root first.
std::vector<Command> walk(const Env& env) {
  std::vector<Command> all;
  std::vector<std::vector<std::string>> todo{{}};
  while (!todo.empty()) {
    auto path = todo.back();
    todo.pop_back();
    all.push_back(describe(env, path));
    for (const auto& sub : all.back().subcommands) {
      auto child = path;
      child.push_back(sub);
      todo.push_back(child);
    }
  }
  return all;
}

// The page that documents a command family, besides photoagent(1).
fs::path family_page(const std::vector<std::string>& path) {
  if (path.empty()) return {};
  const std::string& top = path[0];
  if (top == "login" || top == "logout") return kRoot / "man/photoagent-login.1";
  if (top == "upload") return kRoot / "man/photoagent-upload.1";
  if (top == "project" && path.size() > 1 && (path[1] == "images" || path[1] == "image"))
    return kRoot / "man/photoagent-upload.1";
  if (top == "project") return kRoot / "man/photoagent-project.1";
  if (top == "config") return kRoot / "man/photoagent-config.1";
  return {};
}

struct Docs {
  std::string bash = slurp(kRoot / "completions/photoagent.bash");
  std::string zsh = slurp(kRoot / "completions/_photoagent");
  std::string fish = slurp(kRoot / "completions/photoagent.fish");
  std::string man = roff_text(slurp(kRoot / "man/photoagent.1"));
  std::map<fs::path, std::string> pages;

  const std::string& page(const fs::path& p) {
    auto it = pages.find(p);
    if (it == pages.end()) it = pages.emplace(p, roff_text(slurp(p))).first;
    return it->second;
  }
};

// What bash offers after `photoagent PATH... --`, by running the completion
// function the way bash does.
std::set<std::string> bash_offers(const std::string& bash, const Env& env, const std::vector<std::string>& path) {
  std::vector<std::string> argv{bash, "-c",
                                R"(source "$1" || exit 90; shift
COMP_WORDS=(photoagent "$@" --); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_photoagent photoagent -- "${COMP_WORDS[COMP_CWORD - 1]}" || exit 91
printf '%s\n' "${COMPREPLY[@]}")",
                                "bash", (kRoot / "completions/photoagent.bash").string()};
  argv.insert(argv.end(), path.begin(), path.end());
  auto r = e2e::run_process(argv, env.vars);
  INFO(r.err);
  CHECK(r.code == 0);
  std::set<std::string> words;
  std::istringstream in(r.out);
  for (std::string w; std::getline(in, w);) words.insert(w);
  return words;
}

// What fish offers after `photoagent PATH... --` (`complete -C`).
std::set<std::string> fish_offers(const std::string& fish, const Env& env, const std::vector<std::string>& path) {
  const std::string line = "photoagent " + joined(path) + (path.empty() ? "" : " ") + "--";
  auto r = e2e::run_process({fish, "--no-config", "-c", "source $argv[1]; or exit 90; complete -C$argv[2]",
                             (kRoot / "completions/photoagent.fish").string(), line},
                            env.vars);
  INFO(r.err);
  CHECK(r.code == 0);
  std::set<std::string> words;
  std::istringstream in(r.out);
  for (std::string w; std::getline(in, w);) words.insert(w.substr(0, w.find('\t')));
  return words;
}

}  // namespace

TEST_SUITE("e2e::docs") {
  TEST_CASE("every long option of every command is in the completions and the man pages") {
    Env env;
    Docs docs;
    const auto commands = walk(env);
    // The root and the commands built today, at least; more as they arrive.
    REQUIRE(commands.size() >= 12);
    std::size_t checked = 0;
    for (const auto& c : commands) {
      const std::string where = "photoagent " + joined(c.path);
      const fs::path family = family_page(c.path);
      // Commands whose help has no options but --help (project, project list,
      // the ones not built yet) have nothing of their own to check.
      if (c.long_options.empty() || (c.long_options.size() == 1 && c.long_options.count("--help"))) continue;
      for (const auto& opt : c.long_options) {
        INFO(where << " " << opt);
        ++checked;
        CHECK_MESSAGE(has_word(docs.bash, opt), "missing from completions/photoagent.bash");
        CHECK_MESSAGE(has_word(docs.zsh, opt), "missing from completions/_photoagent");
        CHECK_MESSAGE(has_word(docs.fish, "-l " + opt.substr(2)), "missing from completions/photoagent.fish");
        const bool in_man = has_word(docs.man, opt) || (!family.empty() && has_word(docs.page(family), opt));
        CHECK_MESSAGE(in_man, "missing from man/photoagent.1" << (family.empty() ? "" : " and " + family.string()));
      }
    }
    CHECK(checked >= 20);
  }

  TEST_CASE("bash offers each command's own options after `photoagent PATH --`") {
    Env env;
    const std::string bash = which("bash");
    REQUIRE_MESSAGE(!bash.empty(), "bash is not on PATH");
    for (const auto& c : walk(env)) {
      const auto offered = bash_offers(bash, env, c.path);
      for (const auto& opt : c.long_options) {
        INFO("photoagent " << joined(c.path) << " " << opt);
        CHECK_MESSAGE(offered.count(opt) == 1, "bash completion does not offer it there");
      }
    }
  }

  TEST_CASE("fish offers each command's own options after `photoagent PATH --`") {
    const std::string fish = which("fish");
    if (fish.empty()) {
      MESSAGE("fish is not installed; only the text of photoagent.fish is checked");
      return;
    }
    Env env;
    for (const auto& c : walk(env)) {
      const auto offered = fish_offers(fish, env, c.path);
      for (const auto& opt : c.long_options) {
        INFO("photoagent " << joined(c.path) << " " << opt);
        CHECK_MESSAGE(offered.count(opt) == 1, "fish completion does not offer it there");
      }
    }
  }

  TEST_CASE("enum values and command names are in the completions and the man pages") {
    Env env;
    Docs docs;
    for (const auto& c : walk(env)) {
      for (const auto& [opt, values] : c.enums) {
        for (const auto& v : values) {
          INFO("photoagent " << joined(c.path) << " " << opt << " " << v);
          CHECK_MESSAGE(has_word(docs.bash, v), "value missing from completions/photoagent.bash");
          CHECK_MESSAGE(has_word(docs.zsh, v), "value missing from completions/_photoagent");
          CHECK_MESSAGE(has_word(docs.fish, v), "value missing from completions/photoagent.fish");
        }
      }
      if (c.path.empty()) continue;
      const std::string name = c.path.back();
      INFO("photoagent " << joined(c.path));
      CHECK_MESSAGE(has_word(docs.bash, name), "command missing from completions/photoagent.bash");
      CHECK_MESSAGE(has_word(docs.zsh, name), "command missing from completions/_photoagent");
      CHECK_MESSAGE(has_word(docs.fish, "-a " + name), "command missing from completions/photoagent.fish");
      CHECK_MESSAGE(docs.man.find("photoagent " + joined(c.path)) != std::string::npos,
                    "command missing from man/photoagent.1");
    }
  }

  TEST_CASE("every setting `config list --all` prints is in photoagent-config(1)") {
    Env env;
    Docs docs;
    auto r = env.photoagent({"config", "list", "--all"});
    REQUIRE(r.code == 0);
    const std::string& page = docs.page(kRoot / "man/photoagent-config.1");
    std::istringstream in(r.out);
    int keys = 0;
    for (std::string line; std::getline(in, line);) {
      const std::string key = line.substr(0, line.find('\t'));
      if (key.empty()) continue;
      ++keys;
      CHECK_MESSAGE(has_word(page, key), key << " missing from man/photoagent-config.1");
    }
    CHECK(keys >= 3);
  }

  TEST_CASE("the man pages refer only to pages that exist") {
    static const std::regex reference(R"(photoagent-([a-z]+)\(1\)|\.BR photoagent-([a-z]+) \(1\))");
    for (const auto& entry : fs::directory_iterator(kRoot / "man")) {
      if (entry.path().extension() != ".1") continue;
      const std::string text = roff_text(slurp(entry.path()));
      for (std::sregex_iterator it(text.begin(), text.end(), reference), end; it != end; ++it) {
        const std::string family = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
        INFO(entry.path().filename().string() << " refers to photoagent-" << family << "(1)");
        CHECK(fs::exists(kRoot / "man" / ("photoagent-" + family + ".1")));
      }
    }
  }
}
