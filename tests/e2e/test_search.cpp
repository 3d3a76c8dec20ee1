// search through the real binary: photos uploaded with captions and outputs
// of generate (against the emulator), found by caption, prompt and the
// other fields; filters; the output forms; exit 1 when nothing matched; the
// index after edit, rm and project delete; the contact sheet.
#include <doctest/doctest.h>

#include <set>

#include "harness.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Library {
  FakeCloud cloud{{"--config-json", R"({"prediction_latency_ms":50})"}};
  Sandbox box{cloud};
  e2e::TempDir files;
  std::int64_t beach = 0, window = 0, cafe = 0, mug = 0, sailboat = 0;

  Library() {
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person", "--description", "Ada Lovelace portraits"})
                .code == 0);
    REQUIRE(box.run({"project", "create", "bob", "--kind", "product"}).code == 0);
    const fs::path photos = files.path() / "ada";
    fs::create_directories(photos);
    const std::pair<const char*, const char*> captions[] = {{"beach", "woman in a red dress on the beach"},
                                                            {"window", "close-up portrait by a window"},
                                                            {"cafe", "café terrace in Paris, smiling"}};
    unsigned seed = 1;
    for (const auto& [name, caption] : captions) {
      e2e::write_file(photos / (std::string(name) + ".jpg"), e2e::encode_jpeg(e2e::pattern(320, 240, 3, seed++)));
      e2e::write_file(photos / (std::string(name) + ".txt"), caption);
    }
    auto up = box.run({"upload", "ada", photos.string(), "--json"});
    REQUIRE_MESSAGE(up.code == 0, up.err);
    const json added = up.json()["added"];
    for (const auto& a : added) {
      const auto file = fs::path(a["file"].get<std::string>()).stem().string();
      (file == "beach" ? beach : file == "window" ? window : cafe) = a["id"].get<std::int64_t>();
    }
    auto edit = box.run({"project", "image", "edit", std::to_string(beach), "--tags", "summer,red", "--category",
                         "full-body"});
    REQUIRE_MESSAGE(edit.code == 0, edit.err);
    e2e::write_file(files.path() / "mug.jpg", e2e::encode_jpeg(e2e::pattern(240, 240, 3, 9)));
    auto up2 = box.run({"upload", "bob", (files.path() / "mug.jpg").string(), "--caption",
                        "a ceramic mug on a wooden table", "--json"});
    REQUIRE_MESSAGE(up2.code == 0, up2.err);
    mug = up2.json()["added"][0]["id"].get<std::int64_t>();
    auto gen = box.run({"generate", "-p", "ada", "--model", "black-forest-labs/flux-schnell",
                        "TOK on a sailboat at golden hour", "--style", "headshot", "--seed", "42", "-o",
                        (files.path() / "out").string(), "--json"});
    REQUIRE_MESSAGE(gen.code == 0, gen.err);
    auto outputs = box.run({"project", "images", "ada", "--source", "generated", "--json"}).json();
    REQUIRE(outputs.size() == 1);
    sailboat = outputs[0]["id"].get<std::int64_t>();
  }

  std::set<std::int64_t> ids(std::vector<std::string> args) const {
    args.insert(args.begin(), "search");
    args.push_back("--json");
    auto r = box.run(args);
    CHECK_MESSAGE((r.code == 0 || r.code == 1), r.err);
    std::set<std::int64_t> out;
    for (const auto& hit : r.json()) out.insert(hit["id"].get<std::int64_t>());
    return out;
  }
};

using Ids = std::set<std::int64_t>;

}  // namespace

TEST_SUITE("e2e::search") {
  TEST_CASE("captions, prompts and the other fields; JSON fields; filters") {
    Library lib;
    auto r = lib.box.run({"search", "red", "dress", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto doc = r.json();
    REQUIRE(doc.size() == 1);
    for (const char* k : {"id", "project", "source", "path", "caption", "prompt", "tags", "score", "snippet"})
      CHECK_MESSAGE(doc[0].contains(k), k);
    CHECK(doc[0]["id"] == lib.beach);
    CHECK(doc[0]["project"] == "ada");
    CHECK(doc[0]["source"] == "upload");
    CHECK(doc[0]["caption"] == "woman in a red dress on the beach");
    CHECK(doc[0]["prompt"].is_null());
    CHECK(doc[0]["tags"] == json::array({"summer", "red"}));
    CHECK(doc[0]["score"].get<double>() > 0);
    CHECK(doc[0]["snippet"] == "woman in a red dress on the beach");
    CHECK(fs::exists(doc[0]["path"].get<std::string>()));

    auto gen = lib.box.run({"search", "sailboat", "--json"}).json();
    REQUIRE(gen.size() == 1);
    CHECK(gen[0]["id"] == lib.sailboat);
    CHECK(gen[0]["source"] == "generated");
    CHECK(gen[0]["prompt"].get<std::string>().find("sailboat") != std::string::npos);
    CHECK(gen[0]["model"] == "black-forest-labs/flux-schnell");
    CHECK(gen[0]["style"] == "headshot");
    CHECK(gen[0]["seed"] == 42);

    CHECK(lib.ids({"cafe"}) == Ids{lib.cafe});               // accents ignored
    CHECK(lib.ids({"sail*"}) == Ids{lib.sailboat});          // prefix
    CHECK(lib.ids({"headshot"}) == Ids{lib.sailboat});       // style
    CHECK(lib.ids({"schnell"}) == Ids{lib.sailboat});        // model
    CHECK(lib.ids({"42"}) == Ids{lib.sailboat});             // seed
    CHECK(lib.ids({"window.jpg"}) == Ids{lib.window});       // file name
    CHECK(lib.ids({"lovelace"}) == Ids{lib.beach, lib.window, lib.cafe, lib.sailboat});  // project description
    CHECK(lib.ids({"summer"}) == Ids{lib.beach});            // tag
    CHECK(lib.ids({"full-body"}) == Ids{lib.beach});         // category

    CHECK(lib.ids({"ada", "--source", "generated"}) == Ids{lib.sailboat});
    CHECK(lib.ids({"ada", "--source", "upload"}) == Ids{lib.beach, lib.window, lib.cafe});
    CHECK(lib.ids({"a", "--project", "bob"}) == Ids{lib.mug});
    CHECK(lib.ids({"ada", "--style", "headshot"}) == Ids{lib.sailboat});
    CHECK(lib.ids({"ada", "--model", "flux-schnell"}) == Ids{lib.sailboat});
    CHECK(lib.ids({"ada", "--tag", "red"}) == Ids{lib.beach});
    CHECK(lib.ids({"ada", "--category", "full-body"}) == Ids{lib.beach});
    CHECK(lib.ids({"ada", "--not", "portrait", "--not", "sailboat"}) == Ids{lib.beach, lib.cafe});
    CHECK(lib.ids({"ada", "--since", "1d"}).size() == 4);
    CHECK(lib.ids({"ada", "--until", "2000-01-01"}).empty());
    CHECK(lib.ids({"--fts", "caption:(red OR window)"}) == Ids{lib.beach, lib.window});

    auto page = lib.box.run({"search", "ada", "--sort", "date", "--limit", "1", "--json"}).json();
    REQUIRE(page.size() == 1);
    CHECK(page[0]["id"] == lib.sailboat);  // the newest
    CHECK(lib.box.run({"search", "ada", "--limit", "2", "--offset", "3", "--json"}).json().size() == 1);
  }

  TEST_CASE("output forms: table, --paths, -0; exit 1 when nothing matched; usage errors") {
    Library lib;
    auto table = lib.box.run({"search", "red"});
    REQUIRE(table.code == 0);
    CHECK(table.out.find("woman in a red dress on the beach") != std::string::npos);
    CHECK(table.out.find('\t') != std::string::npos);  // a pipe gets TSV
    CHECK(table.out.find("\x1b[") == std::string::npos);

    auto tty = lib.box.run({"search", "red"}, "", {{"PHOTOAGENT_FORCE_TTY", "140"}, {"NO_COLOR", ""}});
    REQUIRE(tty.code == 0);
    CHECK(tty.out.find("SNIPPET") != std::string::npos);
    CHECK(tty.out.find("\x1b[1;33mred\x1b[0m") != std::string::npos);  // the match, highlighted
    auto plain_tty = lib.box.run({"search", "red"}, "", {{"PHOTOAGENT_FORCE_TTY", "140"}});
    CHECK(plain_tty.out.find("\x1b[1;33m") == std::string::npos);  // NO_COLOR

    auto paths = lib.box.run({"search", "ada", "--paths"});
    REQUIRE(paths.code == 0);
    std::size_t lines = 0;
    for (std::size_t at = 0, nl; (nl = paths.out.find('\n', at)) != std::string::npos; at = nl + 1) {
      CHECK(fs::exists(paths.out.substr(at, nl - at)));
      ++lines;
    }
    CHECK(lines == 4);
    auto nul = lib.box.run({"search", "ada", "-0"});
    REQUIRE(nul.code == 0);
    CHECK(std::count(nul.out.begin(), nul.out.end(), '\0') == 4);
    CHECK(nul.out.find('\n') == std::string::npos);

    auto none = lib.box.run({"search", "zebra"});
    CHECK(none.code == 1);
    CHECK(none.out.empty());
    CHECK(none.err.find("No match") != std::string::npos);
    auto none_json = lib.box.run({"search", "zebra", "--json"});
    CHECK(none_json.code == 1);
    CHECK(none_json.json() == json::array());
    CHECK(lib.box.run({"search", "()", "*"}).code == 1);
    auto hostile = lib.box.run({"search", "red\" OR 1=1; DROP TABLE images; --"});
    CHECK(hostile.code == 1);
    CHECK(hostile.err.find("SQL") == std::string::npos);

    auto bad = lib.box.run({"search", "--fts", "red (dress"});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("not valid") != std::string::npos);
    CHECK(bad.err.find("fts5") == std::string::npos);
    CHECK(lib.box.run({"search"}).code == 2);
    CHECK(lib.box.run({"search", "red", "--sort", "size"}).code == 2);
    CHECK(lib.box.run({"search", "red", "--since", "last week"}).code == 2);
    CHECK(lib.box.run({"search", "red", "--json", "--paths"}).code == 2);
    CHECK(lib.box.run({"search", "red", "--contact-sheet", "x.gif"}).code == 2);
    CHECK(lib.box.run({"search", "red", "--project", "nobody"}).code == 3);
  }

  TEST_CASE("the index follows edits, removals, re-uploads and project deletion") {
    Library lib;
    REQUIRE(lib.box.run({"project", "image", "edit", std::to_string(lib.window), "--caption",
                         "profile in a green coat"}).code == 0);
    CHECK(lib.ids({"coat"}) == Ids{lib.window});
    CHECK(lib.ids({"portrait"}).empty());
    REQUIRE(lib.box.run({"project", "image", "rm", std::to_string(lib.cafe)}).code == 0);
    CHECK(lib.ids({"terrace"}).empty());
    auto again = lib.box.run({"upload", "ada", (lib.files.path() / "ada" / "cafe.jpg").string(), "--json"});
    REQUIRE(again.code == 0);
    const auto id = again.json()["added"][0]["id"].get<std::int64_t>();
    CHECK(lib.ids({"terrace"}) == Ids{id});
    REQUIRE(lib.box.run({"project", "delete", "bob", "--yes"}).code == 0);
    CHECK(lib.ids({"ceramic"}).empty());
    CHECK(lib.box.run({"search", "ceramic"}).code == 1);
  }

  TEST_CASE("--contact-sheet draws the results with their labels") {
    Library lib;
    const auto sheet = lib.files.path() / "found.jpg";
    auto r = lib.box.run({"search", "ada", "--contact-sheet", sheet.string()});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.err.find("Contact sheet") != std::string::npos);
    REQUIRE(fs::exists(sheet));
    const auto px = e2e::decode_jpeg_file(sheet);
    // 4 results: 2 x 2 cells of 256 px, 8 px gaps, a 22 px label strip under each row.
    CHECK(px.width == 2 * 256 + 3 * 8);
    CHECK(px.height == 2 * (256 + 22) + 3 * 8);
    // Labels are drawn: the strip under the first cell is not all background.
    long ink = 0;
    for (int y = 8 + 256; y < 8 + 256 + 22; ++y)
      for (int x = 8; x < 8 + 256; ++x) ink += px.data[(static_cast<std::size_t>(y) * px.width + x) * 3] < 128;
    CHECK(ink > 50);
    CHECK(lib.box.run({"search", "zebra", "--contact-sheet", sheet.string()}).code == 1);
  }
}
