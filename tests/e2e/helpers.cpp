#include "helpers.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "pictures.hpp"

namespace e2e {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    const auto line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

void damage_table(const std::filesystem::path& db, const std::string& table) {
  auto q = run_process({"/usr/bin/sqlite3", db.string(),
                        "PRAGMA wal_checkpoint(TRUNCATE); SELECT rootpage FROM sqlite_master WHERE name='" + table +
                            "'; PRAGMA page_size;"},
                       {{"PATH", "/usr/bin:/bin"}});
  REQUIRE_MESSAGE(q.code == 0, q.err);
  std::istringstream lines(q.out);
  std::string busy, root, size;
  std::getline(lines, busy);
  std::getline(lines, root);
  std::getline(lines, size);
  REQUIRE_MESSAGE(std::stol(root) > 1, q.out);
  std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>((std::stol(root) - 1) * std::stol(size)));
  for (long i = 0; i < std::stol(size); ++i) f.put(static_cast<char>((i * 131 + 7) & 0xff));
}

ReplicateLab::ReplicateLab(const std::string& config_json) : cloud({"--config-json", config_json}) {
  REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
}

long ReplicateLab::created() const { return cloud.stats()["predictions_created"].get<long>(); }

Studio::Studio(const std::vector<std::string>& cloud_flags) : cloud(cloud_flags) {}

void Studio::login_replicate() const {
  REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
}

void Studio::login_huggingface() const {
  REQUIRE(box.run({"login", "--huggingface", "--with-token"}, "hf_good").code == 0);
}

void Studio::login_sendgrid() const {
  REQUIRE(box.run({"login", "--sendgrid", "--with-token", "--from", "studio@example.com", "--to", "ada@example.com"},
                  "SG.good")
              .code == 0);
}

void Studio::create_project() const {
  REQUIRE(box.run({"project", "create", "ada", "--kind", "person", "--hf-repo", "ada-hf/ada-lora"}).code == 0);
}

void Studio::upload_photos(int photos) const {
  for (int i = 0; i < photos; ++i) {
    const auto name = "p" + std::to_string(10 + i);
    write_file(in.path() / (name + ".jpg"), encode_jpeg(pattern(320, 240, 3, static_cast<unsigned>(i))));
    write_file(in.path() / (name + ".txt"), "smiling, photo " + std::to_string(i));
  }
  REQUIRE(box.run({"upload", "ada", in.path().string()}).code == 0);
}

}  // namespace e2e
