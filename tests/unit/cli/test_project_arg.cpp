// DESIGN §9's positional project rule, as upload and generate apply it.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "cli/project_arg.hpp"
#include "photoagent/store/projects.hpp"
#include "support.hpp"

using namespace photoagent;

namespace {
struct Fixture {
  testing::TempDir dir;
  testing::ScopedEnv cfg{"PHOTOAGENT_CONFIG_DIR", (dir.path() / "cfg").string()};
  testing::ScopedEnv data{"PHOTOAGENT_HOME", (dir.path() / "data").string()};
  std::istringstream in;
  std::ostringstream out, err;
  cli::Io io{in, out, err};
  cli::Context ctx{io, {}};

  void add_project(const std::string& name) {
    store::Project p;
    p.name = name;
    p.kind = "person";
    p.trigger = "TOK";
    store::insert_project(ctx.db(), p);
  }
};
using Args = std::vector<std::string>;
}  // namespace

TEST_SUITE("cli::project_arg") {
  TEST_CASE("-p wins; the arguments stay as they are") {
    Fixture f;
    f.add_project("ada");
    Args args{"ada", "x.jpg"};
    CHECK(cli::take_project_argument(f.ctx, "bob", args) == "bob");
    CHECK(args == Args{"ada", "x.jpg"});
  }

  TEST_CASE("a leading existing project is taken when enough arguments follow") {
    Fixture f;
    f.add_project("ada");
    Args args{"ada", "x.jpg", "y.jpg"};
    CHECK(cli::take_project_argument(f.ctx, "", args) == "ada");
    CHECK(args == Args{"x.jpg", "y.jpg"});

    Args alone{"ada"};
    CHECK(cli::take_project_argument(f.ctx, "", alone).empty());  // it is the one path
    CHECK(alone == Args{"ada"});
    CHECK(cli::take_project_argument(f.ctx, "", alone, 0) == "ada");  // generate --batch: it may stand alone
    CHECK(alone.empty());
  }

  TEST_CASE("a name that is no project, or is an existing path, stays an argument") {
    Fixture f;
    const std::string path = (f.dir.path() / "ada").string();
    std::ofstream(path) << "x";
    f.add_project(path);  // a project named exactly like the file
    Args args{path, "x.jpg"};
    CHECK(cli::take_project_argument(f.ctx, "", args).empty());
    CHECK(args.size() == 2);

    Args unknown{"zed", "x.jpg"};
    CHECK(cli::take_project_argument(f.ctx, "", unknown).empty());
    CHECK(unknown.size() == 2);

    Args none;
    CHECK(cli::take_project_argument(f.ctx, "", none, 0).empty());
  }
}
