// upload --auto-caption / --auto-tags: real predictions against the emulator.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
namespace fs = std::filesystem;

namespace {

const fs::path kExif = fs::path(PA_TESTDATA_DIR) / "exif-orientation";

struct Studio {
  FakeCloud cloud;
  Sandbox box{cloud};
  Studio() {
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
  }
  long created() { return cloud.stats()["predictions_created"].get<long>(); }
};

}  // namespace

TEST_SUITE("e2e::captions") {
  TEST_CASE("captions describe each photo, carry the trigger word; tags follow the caption") {
    Studio s;
    auto r = s.box.run({"upload", "ada", (kExif / "Landscape_5.jpg").string(), (kExif / "Portrait_5.jpg").string(),
                        "--auto-caption", "--auto-tags", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto doc = r.json();
    REQUIRE(doc["added"].size() == 2);
    for (const auto& a : doc["added"]) {
      const auto file = a["file"].get<std::string>();
      const auto caption = a["caption"].get<std::string>();
      CAPTURE(caption);
      CHECK(caption.rfind("TOK_ADA, ", 0) == 0);
      // The emulator captions from the image bytes: EXIF-rotated photos must
      // arrive upright, so the shapes match the file names.
      CHECK(caption.find(file.find("Landscape") != std::string::npos ? "landscape" : "portrait") != std::string::npos);
      CHECK_FALSE(a["tags"].empty());
    }
    CHECK(s.created() == 4);  // one caption and one tag request per photo
    auto images = s.box.run({"project", "images", "--json"}).json();
    CHECK(images[0]["caption"].get<std::string>().rfind("TOK_ADA", 0) == 0);
  }

  TEST_CASE("a caption failure never loses the photo; running again captions only what is missing") {
    Studio s;
    s.cloud.post("/_fake/config", {{"billing_ok", false}});
    auto r = s.box.run({"upload", "ada", (kExif / "Landscape_2.jpg").string(), "--auto-caption", "--json"});
    CHECK(r.code == 6);
    auto doc = r.json();
    CHECK(doc["added"].size() == 1);
    CHECK(doc["added"][0]["caption"] == "");
    CHECK(doc["captions"][0]["error"].get<std::string>().find("credit") != std::string::npos);
    CHECK(s.created() == 0);

    auto plain = s.box.run({"upload", "ada", (kExif / "Landscape_3.jpg").string(), "--auto-caption"});
    CHECK(plain.code == 6);
    CHECK(plain.err.find("the photo is kept") != std::string::npos);

    s.cloud.post("/_fake/config", {{"billing_ok", true}});
    auto again = s.box.run({"upload", "ada", (kExif / "Landscape_2.jpg").string(), (kExif / "Landscape_3.jpg").string(),
                            "--auto-caption", "--json"});
    REQUIRE_MESSAGE(again.code == 0, again.err);
    CHECK(again.json()["skipped"].size() == 2);
    CHECK(again.json()["captions"].size() == 2);
    CHECK(s.created() == 2);
    // Everything is captioned now: a third run creates nothing.
    CHECK(s.box.run({"upload", "ada", (kExif / "Landscape_2.jpg").string(), "--auto-caption"}).code == 0);
    CHECK(s.created() == 2);
  }

  TEST_CASE("a create whose answer is lost is reconciled, not paid twice") {
    Studio s;
    s.cloud.post("/_fake/config", {{"faults", {{{"route", "POST /v1/predictions"}, {"kind", "drop_after"}, {"count", 2}}}}});
    auto r = s.box.run({"upload", "ada", (kExif / "Portrait_2.jpg").string(), (kExif / "Portrait_3.jpg").string(),
                        "--auto-caption", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const auto doc = r.json();  // keep the document alive while iterating into it
    for (const auto& c : doc["captions"]) CHECK(c["error"].is_null());
    CHECK(s.cloud.stats()["faults_injected"] == 2);
    CHECK(s.created() == 2);  // the dropped creates were found in the list, not repeated
  }

  TEST_CASE("--auto-caption without a Replicate login fails before any work") {
    FakeCloud cloud;
    Sandbox box(cloud);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    auto r = box.run({"upload", "ada", (kExif / "Portrait_0.jpg").string(), "--auto-caption"});
    CHECK(r.code == 4);
    CHECK(r.err.find("photoagent login --replicate") != std::string::npos);
    CHECK(box.run({"project", "images", "--json"}).json().empty());
  }
}
