// Hostile local input (issue 13): long arguments, text that is not UTF-8,
// NULs, seeds out of range, bad folders, huge stdin, a file size limit, and
// an API that answers the same prediction id twice. Each gives one clear
// error with a stable exit code, or fails its own batch line while the
// batch goes on; nothing is paid for before the output folder is known good.
#include <doctest/doctest.h>

#include <unistd.h>

#include <csignal>
#include <set>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::json_lines;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Lab : e2e::ReplicateLab {
  Lab() : ReplicateLab(R"({"prediction_latency_ms":50})") {}
  fs::path write(const std::string& name, const std::string& bytes) const {
    const auto p = out.path() / name;
    e2e::write_file(p, bytes);
    return p;
  }
};

// One line of error (plus an optional hint), never a crash or "internal error".
void one_clear_error(const e2e::Result& r, int code, const std::string& says) {
  CHECK_MESSAGE(r.code == code, r.err);
  CHECK_MESSAGE(r.err.find(says) != std::string::npos, r.err);
  CHECK_MESSAGE(r.err.find("internal error") == std::string::npos, r.err);
  CHECK_MESSAGE(r.err.size() < 600, r.err.substr(0, 600));  // a 100 kB argument is not echoed back
}

const std::string kSchnell = "black-forest-labs/flux-schnell";

}  // namespace

TEST_SUITE("e2e::hostile input") {
  TEST_CASE("a 100 kB --model, --notify or --from is refused in one line (std::regex crashed on them)") {
    Lab lab;
    const std::string huge(100000, 'a');
    one_clear_error(lab.box.run({"generate", "--model", "a/" + huge, "x"}), 2, "is not a Replicate model");
    one_clear_error(lab.box.run({"generate", "--model", huge, "x"}), 2, "is not a Replicate model");
    one_clear_error(lab.box.run({"generate", "--provider", "huggingface", "--model", "a/" + huge, "x"}, "",
                                {{"HF_TOKEN", "hf_good"}}),
                    2, "--provider huggingface needs --model OWNER/NAME");
    REQUIRE(lab.box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    one_clear_error(lab.box.run({"train", "ada", "--notify", huge + "@example.com"}), 2, "is not an email address");
    one_clear_error(lab.box.run({"login", "--sendgrid", "--from", huge + "@example.com", "--with-token"}, "SG.good"), 2,
                    "is not an email address");
    CHECK(lab.created() == 0);
  }

  TEST_CASE("a batch line with a 100 kB model fails alone; the batch goes on and exits 6") {
    Lab lab;
    const auto batch = lab.write("b.jsonl", json{{"prompt", "one"}}.dump() + "\n" +
                                                json{{"prompt", "long"}, {"model", "a/" + std::string(100000, 'b')}}.dump() +
                                                "\n" + json{{"prompt", "two"}}.dump() + "\n");
    auto r = lab.box.run({"generate", "--model", kSchnell, "--batch", batch.string(), "-o",
                          (lab.out.path() / "o").string(), "--json"});
    CHECK_MESSAGE(r.code == 6, r.err);
    CHECK(r.err.find("b.jsonl:2") != std::string::npos);
    CHECK(r.err.find("is not a Replicate model") != std::string::npos);
    CHECK(json_lines(r.out).size() == 2);
    CHECK(lab.created() == 2);
  }

  TEST_CASE("a prompt, a caption or a config value that is not UTF-8 is refused naming the byte") {
    Lab lab;
    auto r = lab.box.run({"generate", "--model", kSchnell, "bad \xff prompt", "-o", lab.out.path().string()});
    one_clear_error(r, 2, "the prompt is not valid UTF-8 at byte 5");
    CHECK(lab.created() == 0);
    REQUIRE(lab.box.run({"generate", "--model", kSchnell, "a fox", "-o", lab.out.path().string()}).code == 0);
    one_clear_error(lab.box.run({"generate", "--rerun", "g1", "--prompt", "bad \xff prompt"}), 2,
                    "--prompt is not valid UTF-8 at byte 5");
    CHECK(lab.created() == 1);
    one_clear_error(lab.box.run({"config", "set", "sendgrid.to", "a\xff@example.com"}), 2,
                    "the value of sendgrid.to is not valid UTF-8 at byte 2");
    CHECK(lab.box.run({"config", "get", "sendgrid.to"}).code == 3);  // nothing was stored
    REQUIRE(lab.box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    lab.write("a.png", e2e::encode_png(e2e::pattern(300, 300, 3)));
    REQUIRE(lab.box.run({"upload", "ada", (lab.out.path() / "a.png").string()}).code == 0);
    one_clear_error(lab.box.run({"project", "image", "edit", "1", "--caption", "bad\xff"}), 2,
                    "the caption is not valid UTF-8 at byte 4");
    // A sidecar caption file that is not UTF-8 fails its photo, not the upload.
    lab.write("b.png", e2e::encode_png(e2e::pattern(300, 300, 3, 2)));
    lab.write("b.txt", "caf\xe9 latin-1");
    lab.write("c.png", e2e::encode_png(e2e::pattern(300, 300, 3, 3)));
    auto up = lab.box.run({"upload", "ada", (lab.out.path() / "b.png").string(), (lab.out.path() / "c.png").string()});
    CHECK_MESSAGE(up.code == 6, up.err);
    CHECK_MESSAGE(up.err.find("the caption in b.txt is not valid UTF-8 at byte 4") != std::string::npos, up.err);
    CHECK(up.err.find("internal error") == std::string::npos);
  }

  TEST_CASE("CSV: a line that is not UTF-8 and one with a NUL fail alone; the others keep their exact text") {
    Lab lab;
    const std::string csv =
        std::string("prompt,seed\nfirst line,1\nbad \xff utf,2\nnul") + '\0' + "here,3\nlast line,4\n";
    const auto batch = lab.write("b.csv", csv);
    auto r = lab.box.run({"generate", "--model", kSchnell, "--batch", batch.string(), "-o",
                          (lab.out.path() / "o").string(), "--json"});
    CHECK_MESSAGE(r.code == 6, r.err);
    CHECK(r.err.find("b.csv:3: the line is not valid UTF-8 at byte 5") != std::string::npos);
    CHECK(r.err.find("b.csv:4: the line holds a NUL character at byte 4") != std::string::npos);
    CHECK(r.err.find("internal error") == std::string::npos);
    std::set<std::string> prompts;
    for (const auto& j : json_lines(r.out)) prompts.insert(j["prompt"].get<std::string>());
    CHECK(prompts == std::set<std::string>{"first line", "last line"});
    CHECK(lab.created() == 2);
  }

  TEST_CASE("seeds: 1e300, 1.5 and -1 fail their line; on the command line they are usage errors") {
    Lab lab;
    const auto batch = lab.write("s.jsonl", "{\"prompt\":\"a\",\"seed\":1e300}\n{\"prompt\":\"b\",\"seed\":1.5}\n"
                                            "{\"prompt\":\"c\",\"seed\":-1}\n{\"prompt\":\"d\",\"seed\":4294967295}\n");
    auto r = lab.box.run({"generate", "--model", kSchnell, "--batch", batch.string(), "-o",
                          (lab.out.path() / "o").string(), "--json"});
    CHECK_MESSAGE(r.code == 6, r.err);
    for (const char* where : {"s.jsonl:1", "s.jsonl:2", "s.jsonl:3"})
      CHECK_MESSAGE(r.err.find(std::string(where) + ": \"seed\" must be a whole number from 0 to 4294967295") !=
                        std::string::npos,
                    r.err);
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["seed"] == 4294967295LL);
    CHECK(lab.created() == 1);
    for (const char* seed : {"-1", "1e300", "1.5", "4294967296", "99999999999999999999"}) {
      auto c = lab.box.run({"generate", "--model", kSchnell, "x", "--seed", seed, "-o", lab.out.path().string()});
      CHECK_MESSAGE(c.code == 2, seed, c.err);
    }
    CHECK(lab.created() == 1);
  }

  TEST_CASE("--batch of a folder or a missing file: a clear error before anything") {
    Lab lab;
    one_clear_error(lab.box.run({"generate", "--model", kSchnell, "--batch", lab.out.path().string()}), 2,
                    "is a folder");
    one_clear_error(lab.box.run({"generate", "--model", kSchnell, "--batch", (lab.out.path() / "none.jsonl").string()}),
                    3, "no batch file");
    CHECK(lab.created() == 0);
  }

  TEST_CASE("-o that is a file, under a file, or read-only is refused before any prediction is created") {
    Lab lab;
    const auto file = lab.write("afile", "x");
    one_clear_error(lab.box.run({"generate", "--model", kSchnell, "x", "-o", file.string()}), 2,
                    "is a file, not a folder");
    one_clear_error(lab.box.run({"generate", "--model", kSchnell, "x", "-o", (file / "sub").string()}), 2,
                    "is a file, not a folder");
    const auto batch = lab.write("b.jsonl", "{\"prompt\":\"one\"}\n{\"prompt\":\"two\"}\n");
    one_clear_error(lab.box.run({"generate", "--model", kSchnell, "--batch", batch.string(), "-o", file.string()}), 2,
                    "is a file, not a folder");
    one_clear_error(
        lab.box.run({"generate", "--model", kSchnell, "x", "--contact-sheet", (file / "sheet.jpg").string(), "-o",
                     (lab.out.path() / "fine").string()}),
        2, "is a file, not a folder");
    if (::geteuid() != 0) {  // root writes anyway
      const auto ro = lab.out.path() / "ro";
      fs::create_directory(ro);
      fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
      one_clear_error(lab.box.run({"generate", "--model", kSchnell, "x", "-o", ro.string()}), 2, "cannot write into");
      fs::permissions(ro, fs::perms::owner_all);
    }
    CHECK(lab.created() == 0);
    CHECK_FALSE(fs::exists(lab.out.path() / "fine"));
  }

  TEST_CASE("login --with-token reads at most 64 KiB of stdin") {
    Lab lab;
    auto r = lab.box.run({"login", "--replicate", "--with-token"}, std::string(20u << 20, 'a'));
    one_clear_error(r, 2, "--with-token read more than 64 KiB");
    CHECK(lab.box.run({"login", "--status", "--offline"}).code == 0);  // the stored token is still the good one
  }

  TEST_CASE("--collect with an id too large for a number is simply not found") {
    Lab lab;
    one_clear_error(lab.box.run({"generate", "--collect", "g99999999999999999999"}), 3, "no generation");
    one_clear_error(lab.box.run({"generate", "--collect", "g-1"}), 3, "no generation");
  }

  TEST_CASE("the API answering the same prediction id twice fails those items; the batch goes on (exit 6)") {
    Lab lab;
    // A real answer, then served for every later create: one id for all.
    auto first = lab.box.run({"generate", "--model", kSchnell, "seed answer", "-o", (lab.out.path() / "first").string(),
                              "--json"});
    REQUIRE(first.code == 0);
    const auto id = json_lines(first.out).at(0)["replicate_id"].get<std::string>();
    const auto got = e2e::run_process({"/usr/bin/curl", "-sS", "-H", "Authorization: Bearer r8_good",
                                       lab.cloud.origin() + "/v1/predictions/" + id},
                                      {{"PATH", "/usr/bin:/bin"}});
    REQUIRE(got.code == 0);
    const json answer = json::parse(got.out);
    REQUIRE(answer["id"] == id);
    lab.cloud.post("/_fake/config", {{"faults", {{{"route", "POST /v1/models/{owner}/{name}/predictions"},
                                                 {"kind", "status"}, {"status", 201}, {"body", answer},
                                                 {"skip", 1}}}}});  // the batch's first create is answered truly
    const auto batch = lab.write("d.jsonl", "{\"prompt\":\"one\"}\n{\"prompt\":\"two\"}\n{\"prompt\":\"three\"}\n");
    auto r = lab.box.run({"generate", "--model", kSchnell, "--batch", batch.string(), "-o",
                          (lab.out.path() / "dup").string(), "--json", "--concurrency", "1"});
    CHECK_MESSAGE(r.code == 6, r.err);
    CHECK(r.err.find("internal error") == std::string::npos);
    CHECK(r.err.find("UNIQUE") == std::string::npos);
    CHECK_MESSAGE(r.err.find("1 of 3 done, 1 images, 2 failed") != std::string::npos, r.err);  // each counted once
    auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 3);  // every item is reported, failed ones with their error
    int failed = 0;
    for (const auto& l : lines)
      if (l["status"] == "failed") {
        ++failed;
        CHECK(l["error"].get<std::string>().find("already holds") != std::string::npos);
      }
    CHECK(failed == 2);
    // The journal records them as unknown, with the reason.
    const auto journal = e2e::read_file(lab.out.path() / "dup" / ".photoagent-batch.jsonl");
    CHECK(journal.find("already holds") != std::string::npos);
  }

  TEST_CASE("ulimit -f during upload: an error like a full disk, no SIGXFSZ, no temp file left") {
    Lab lab;
    REQUIRE(lab.box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    lab.write("small.png", e2e::encode_png(e2e::pattern(64, 64, 3)));
    REQUIRE(lab.box.run({"upload", "ada", (lab.out.path() / "small.png").string()}).code == 0);  // the cache exists
    // Noise: its stored JPEG is far larger than the limit, the database is not.
    e2e::Pixels noise{1200, 1200, 3, std::vector<unsigned char>(1200 * 1200 * 3)};
    unsigned x = 12345;
    for (auto& b : noise.data) b = static_cast<unsigned char>((x = x * 1103515245u + 12345u) >> 24);
    lab.write("big.png", e2e::encode_png(noise));
    std::vector<std::string> argv{"/bin/bash", "-c", "ulimit -f 400; exec \"$0\" \"$@\"", PHOTOAGENT_BIN, "upload",
                                  "ada", (lab.out.path() / "big.png").string(), "--max-side", "1200"};
    auto r = e2e::run_process(argv, lab.box.env);
    CHECK_MESSAGE(r.code != 128 + SIGXFSZ, "killed by SIGXFSZ: " << r.err);
    CHECK_MESSAGE(r.code != 0, r.err);
    CHECK_MESSAGE(r.err.find("file size limit") != std::string::npos, r.err);
    CHECK(r.err.find("internal error") == std::string::npos);
    for (const auto& e : fs::recursive_directory_iterator(lab.box.data_dir()))
      CHECK_MESSAGE(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().string());
  }
}
