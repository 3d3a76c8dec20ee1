// A batch whose cache database is damaged while an item runs (issue 13: "read-only
// or corrupted database after open"): a statement of that item fails inside
// SQLite, and the item's error is the store's one line with its recovery
// hint, not "internal error: database disk image is malformed".
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "photoagent/store/database.hpp"
#include "photoagent/workflows/generate.hpp"
#include "photoagent/workflows/generate_job.hpp"
#include "flux_rig.hpp"
#include "store_damage.hpp"
#include "support.hpp"

using namespace photoagent;
using nlohmann::json;

namespace {

struct Rig : testing::FluxRig {
  Rig() : FluxRig({{"prompt", {{"type", "string"}}}, {"seed", {{"type", "integer"}}}}) {}
};

}  // namespace

TEST_SUITE("workflows::batch database fault") {
  TEST_CASE("a database damaged while an item runs fails that item with the store's message, not 'internal error'") {
    Rig rig;
    rig.t->on("POST", "/models/black-forest-labs/flux-schnell/predictions", [&](const net::Request& req) {
      testing::damage_table(rig.db.file(), "predictions");  // after the item's row was written, before its answer is
      json p = {{"id", "p1"}, {"status", "processing"}, {"input", json::parse(req.body)["input"]},
                {"created_at", "2026-12-04T10:00:00Z"}};
      return net::Response{201, {}, p.dump()};
    });
    workflows::GenerateJob job(rig.db, rig.config, rig.api, rig.limiter, std::nullopt);
    testing::TempDir out;
    std::istringstream in("{\"prompt\":\"a\"}\n");
    workflows::GenerateJobSpec spec;
    spec.request.prompt = "unused";
    spec.request.out_dir = out.path();
    spec.batch = "-";
    spec.stdin_stream = &in;
    spec.concurrency = 1;
    std::vector<std::string> errors;
    workflows::GenerateEvents ev;
    ev.on_result = [&](const workflows::GenerateResult& r) { errors.push_back(r.error); };
    try {
      job.run(spec, ev);
    } catch (const util::Error& e) {
      // What follows the items may meet the damage too: as the same line.
      CHECK_MESSAGE(e.message().rfind("the cache database is damaged", 0) == 0, e.message());
    }
    REQUIRE(errors.size() == 1);
    CHECK_MESSAGE(errors[0].rfind("the cache database is damaged: run `photoagent cache check`", 0) == 0, errors[0]);
    CHECK(errors[0].find("internal error") == std::string::npos);
  }
}
