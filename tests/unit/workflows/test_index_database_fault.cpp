// search --index (and auto-embedding after upload / generate) when the cache
// database is damaged while an image is embedded: a statement of that image
// fails inside SQLite, and its failure is the store's one line with the way
// out, not "internal error: database disk image is malformed".
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <mutex>

#include "image/image_test_util.hpp"
#include "photoagent/image/encode.hpp"
#include "photoagent/net/rate_limit.hpp"
#include "photoagent/net/retry.hpp"
#include "photoagent/services/api.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/util/env.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/embed.hpp"
#include "photoagent/workflows/index_job.hpp"
#include "photoagent/workflows/runner.hpp"
#include "store/search_fixture.hpp"
#include "store_damage.hpp"
#include "support.hpp"

using namespace photoagent;

TEST_SUITE("workflows::index database fault") {
  TEST_CASE("a database damaged while an image is embedded fails that image with the store's message") {
    testing::SearchCache c;  // bob: one photo (6) and one output (7)
    for (const std::int64_t id : {6, 7}) {
      const auto img = store::find_image(c.db, id);
      REQUIRE(img);
      const auto jpeg = image::encode_jpeg(image::test::synthetic_photo(64, 48, static_cast<unsigned>(id)));
      const auto file = c.db.data_dir() / img->path;
      std::filesystem::create_directories(file.parent_path());
      util::write_file_atomic(file, std::string(jpeg.begin(), jpeg.end()));
    }
    const workflows::Config config(c.dir.path() / "config.json", util::FixedEnv({}));
    // No request is ever sent: the runner's first statement meets the damage.
    auto t = std::make_shared<testing::ScriptedTransport>();
    net::Client client{t, net::RetryPolicy{}, [](std::chrono::milliseconds) {}};
    services::Api api{client, services::Service::replicate, "r8_x", "https://api.example/v1"};
    net::SlidingWindowLimiter limiter{600, std::chrono::seconds(60)};
    workflows::PredictionRunner runner{c.db, api, limiter, [](std::chrono::milliseconds) {}};
    std::once_flag damaged;
    workflows::Embedder embedder(c.db, workflows::embed_settings(config), [&]() -> workflows::PredictionRunner& {
      std::call_once(damaged, [&] { testing::damage_table(c.db.file(), "predictions"); });
      return runner;
    });
    workflows::IndexJobSpec spec;
    spec.project = "bob";
    spec.jobs = 1;
    const auto report = workflows::run_index_job(c.db, config, embedder, spec);
    REQUIRE(report.failed.size() == 2);
    for (const auto& f : report.failed) {
      CHECK_MESSAGE(f.error.rfind("the cache database is damaged: run `photoagent cache check`", 0) == 0, f.error);
      CHECK(f.error.find("internal error") == std::string::npos);
    }
  }
}
