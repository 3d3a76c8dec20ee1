// Hugging Face upload steps before the commit: preupload (server picks lfs
// or regular), the LFS batch API (basic and HF's multipart adapter), the
// presigned storage URLs under /_lfs/ (no auth, like S3), the multipart
// completion and the verify call (hf_sendgrid.md §3.1-3.4).
#include <cmath>

#include "hf_common.hpp"

namespace fakecloud {
namespace {

const char* kLfsType = "application/vnd.git-lfs+json";

std::string storage_url(const Ctx& c, const std::string& repo, const std::string& oid) {
  // The signature is decoration: it makes the URL look presigned, so clients
  // that redact X-Amz-Signature in logs have something to redact.
  return c.origin + "/_lfs/" + repo + "/" + oid + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=86400" +
         "&X-Amz-Signature=" + sha256_hex(repo + oid).substr(0, 32);
}

std::string s3_error(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
         message + "</Message></Error>";
}

// Finds the repo of a presigned URL (no token involved).
HfRepo* storage_repo(Ctx& c) {
  auto it = c.app.state.hf.repos.find(c.p("ns") + "/" + c.p("name"));
  if (it == c.app.state.hf.repos.end()) {
    c.send_text(404, s3_error("NoSuchBucket", "The specified bucket does not exist"), "application/xml");
    return nullptr;
  }
  return &it->second;
}

void preupload(Ctx& c) {
  json b = json::parse(c.req.body, nullptr, false);
  if (b.is_discarded() || !b.is_object() || !b.value("files", json()).is_array())
    return hf_error(c, 400, "Invalid request body: expected {\"files\": [...]}");
  std::lock_guard<std::mutex> lock(c.app.mu);
  HfRepo* repo = hf_repo_access(c, c.p("ns"), c.p("name"), true);
  if (!repo) return;
  const HfCommit* head = hf_rev(*repo, c.p("rev"));
  if (!head) return hf_error(c, 404, "Invalid rev id: " + c.p("rev"), "RevisionNotFound");
  json out = json::array();
  for (const auto& f : b["files"]) {
    if (!f.is_object()) return hf_error(c, 400, "Invalid file entry in preupload request");
    std::string path = jstr(f, "path", "");
    size_t size = f.value("size", json(0)).is_number_unsigned() ? f["size"].get<size_t>() : 0;
    std::string sample = base64_decode(jstr(f, "sample", "")).value_or("");
    json e = {{"path", path},
              {"uploadMode", hf_wants_lfs(path, size, sample) ? "lfs" : "regular"},
              {"shouldIgnore", false}};
    if (auto it = head->files.find(path); it != head->files.end())
      e["oid"] = it->second.lfs ? it->second.sha256 : it->second.sha1;
    out.push_back(e);
  }
  c.send_json(200, json{{"files", out}, {"commitOid", head->oid}});
}

// The LFS API lets a server refuse any Accept but its media type with 406;
// a request carrying two Accept headers is refused too.
bool accepts_lfs(const httplib::Request& req) {
  if (req.get_header_value_count("Accept") != 1) return false;
  std::string v = req.get_header_value("Accept");
  v = v.substr(0, v.find(';'));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  return v == kLfsType;
}

void batch(Ctx& c) {
  if (!accepts_lfs(c.req)) {
    {
      std::lock_guard<std::mutex> lock(c.app.mu);
      c.app.bump("hf_lfs_not_acceptable");
    }
    return c.send_json(406, json{{"message", "The Accept header needs to be `application/vnd.git-lfs+json`."}},
                       kLfsType);
  }
  json b = json::parse(c.req.body, nullptr, false);
  if (b.is_discarded() || !b.is_object() || !b.value("objects", json()).is_array())
    return c.send_json(422, json{{"message", "Invalid batch request"}}, kLfsType);
  std::string op = jstr(b, "operation", "");
  if (op != "upload" && op != "download")
    return c.send_json(422, json{{"message", "Invalid operation: " + op}}, kLfsType);
  bool offers_multipart = false;
  for (const auto& t : b.value("transfers", json::array()))
    if (t == "multipart") offers_multipart = true;
  std::lock_guard<std::mutex> lock(c.app.mu);
  HfRepo* repo = hf_repo_access(c, c.p("ns"), c.p("name"), op == "upload");
  if (!repo) return;
  size_t threshold = static_cast<size_t>(c.app.cfg_long("hf_multipart_threshold", 20L << 20));
  size_t chunk = static_cast<size_t>(std::max(1L, c.app.cfg_long("hf_chunk_size", 5L << 20)));
  std::string verify = c.origin + "/" + repo->id + ".git/info/lfs/objects/verify";
  bool used_multipart = false;
  json objects = json::array();
  for (const auto& o : b["objects"]) {
    std::string oid = jstr(o, "oid", "");
    json size_v = o.is_object() ? o.value("size", json(0)) : json(0);
    json e = {{"oid", oid}, {"size", size_v}};
    if (!is_hex64(oid) || !size_v.is_number_unsigned()) {
      e["error"] = {{"code", 422}, {"message", "Invalid object: oid must be a sha256 hex, size a number"}};
      objects.push_back(e);
      continue;
    }
    size_t size = size_v.get<size_t>();
    bool present = repo->lfs.count(oid) > 0;
    e["authenticated"] = true;
    if (op == "download") {
      if (present)
        e["actions"] = {{"download", {{"href", storage_url(c, repo->id, oid)}, {"expires_in", 3600}}}};
      else
        e["error"] = {{"code", 404}, {"message", "Object does not exist"}};
    } else if (!present) {
      // Anything else: no "actions" = already stored; the client skips the upload.
      HfPendingUpload up;
      up.size = size;
      json upload;
      if (offers_multipart && size >= threshold && size > 0) {
        used_multipart = true;
        up.chunk = chunk;
        up.parts = (size + chunk - 1) / chunk;
        json header = {{"chunk_size", std::to_string(chunk)}};
        std::string base = c.origin + "/_lfs/" + repo->id + "/" + oid;
        for (size_t i = 1; i <= up.parts; ++i) {
          char key[8];
          std::snprintf(key, sizeof key, "%05zu", i);
          header[key] = base + "/part/" + std::to_string(i) + "?X-Amz-Signature=" +
                        sha256_hex(oid + key).substr(0, 32);
        }
        upload = {{"href", base + "/complete"}, {"header", header}, {"expires_in", 86400}};
      } else {
        upload = {{"href", storage_url(c, repo->id, oid)}, {"header", json::object()}, {"expires_in", 86400}};
      }
      repo->pending[oid] = up;
      e["actions"] = {{"upload", upload}, {"verify", {{"href", verify}, {"header", json::object()}}}};
    }
    objects.push_back(e);
  }
  c.send_json(200, json{{"transfer", used_multipart ? "multipart" : "basic"}, {"objects", objects},
                        {"hash_algo", "sha256"}},
              kLfsType);
}

// Stores bytes as an LFS object if they hash to the oid they were uploaded as.
bool store_object(Ctx& c, HfRepo& repo, const std::string& oid, std::string bytes) {
  if (sha256_hex(bytes) != oid) {
    c.send_text(400, s3_error("BadDigest", "The sha256 of the uploaded bytes does not match the oid"),
                "application/xml");
    return false;
  }
  c.app.bump("hf_lfs_uploads");
  c.app.bump("hf_lfs_bytes", static_cast<long>(bytes.size()));
  repo.lfs[oid] = std::make_shared<const std::string>(std::move(bytes));
  repo.pending.erase(oid);
  return true;
}

}  // namespace

void register_hf_lfs(Router& r) {
  r.add("POST", "/api/models/{ns}/{name}/preupload/{rev*}", Auth::Hf, preupload);
  r.add("POST", "/{ns}/{name}.git/info/lfs/objects/batch", Auth::Hf, batch);

  r.add("POST", "/{ns}/{name}.git/info/lfs/objects/verify", Auth::Hf, [](Ctx& c) {
    json b = json::parse(c.req.body, nullptr, false);
    std::lock_guard<std::mutex> lock(c.app.mu);
    HfRepo* repo = hf_repo_access(c, c.p("ns"), c.p("name"), true);
    if (!repo) return;
    std::string oid = b.is_object() ? jstr(b, "oid", "") : "";
    auto it = repo->lfs.find(oid);
    if (it == repo->lfs.end())
      return c.send_json(404, json{{"message", "Object not found"}, {"error", "Object not found"}}, kLfsType);
    if (b.value("size", json()).is_number() && b["size"].get<size_t>() != it->second->size())
      return c.send_json(422, json{{"message", "Size mismatch"}, {"error", "Size mismatch"}}, kLfsType);
    c.app.bump("hf_lfs_verifies");
    c.send_json(200, json::object(), kLfsType);
  });

  // Basic transfer: the whole object in one PUT.
  r.add("PUT", "/_lfs/{ns}/{name}/{oid}", Auth::None, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    HfRepo* repo = storage_repo(c);
    if (!repo || !store_object(c, *repo, c.p("oid"), c.req.body)) return;
    c.res.set_header("ETag", etag_quote(md5_hex(c.req.body)));
    c.send_text(200, "", "text/plain");
  });

  // Multipart: each part answers an ETag the client sends back on completion.
  r.add("PUT", "/_lfs/{ns}/{name}/{oid}/part/{n}", Auth::None, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    HfRepo* repo = storage_repo(c);
    if (!repo) return;
    auto up = repo->pending.find(c.p("oid"));
    int n = std::atoi(c.p("n").c_str());
    if (up == repo->pending.end() || up->second.parts == 0 || n < 1 ||
        static_cast<size_t>(n) > up->second.parts)
      return c.send_text(404, s3_error("NoSuchUpload", "The specified upload does not exist"), "application/xml");
    up->second.data[n] = c.req.body;
    c.res.set_header("ETag", etag_quote(md5_hex(c.req.body)));
    c.send_text(200, "", "text/plain");
  });

  r.add("POST", "/_lfs/{ns}/{name}/{oid}/complete", Auth::None, [](Ctx& c) {
    json b = json::parse(c.req.body, nullptr, false);
    std::lock_guard<std::mutex> lock(c.app.mu);
    HfRepo* repo = storage_repo(c);
    if (!repo) return;
    const std::string& oid = c.p("oid");
    auto up = repo->pending.find(oid);
    if (up == repo->pending.end() || up->second.parts == 0)
      return hf_error(c, 404, "No multipart upload in progress for " + oid);
    if (!b.is_object() || !b.value("parts", json()).is_array() || b["parts"].size() != up->second.parts)
      return hf_error(c, 400, "Expected " + std::to_string(up->second.parts) + " parts");
    std::string all;
    for (size_t i = 0; i < up->second.parts; ++i) {
      const json& p = b["parts"][i];
      int n = p.value("partNumber", 0);
      auto d = up->second.data.find(n);
      if (n != static_cast<int>(i + 1) || d == up->second.data.end())
        return hf_error(c, 400, "Part " + std::to_string(i + 1) + " is missing");
      if (jstr(p, "etag", "") != etag_quote(md5_hex(d->second)))
        return hf_error(c, 400, "ETag of part " + std::to_string(n) + " does not match");
      all += d->second;
    }
    if (all.size() != up->second.size) return hf_error(c, 400, "Assembled size does not match");
    if (!store_object(c, *repo, oid, std::move(all))) return;
    c.send_json(200, json::object());
  });

  // The "CDN": resolve redirects here for LFS files (and batch downloads).
  r.add("GET", "/_lfs/{ns}/{name}/{oid}", Auth::None, [](Ctx& c) {
    std::shared_ptr<const std::string> bytes;
    {
      std::lock_guard<std::mutex> lock(c.app.mu);
      HfRepo* repo = storage_repo(c);
      if (!repo) return;
      auto it = repo->lfs.find(c.p("oid"));
      if (it == repo->lfs.end())
        return c.send_text(404, s3_error("NoSuchKey", "The specified key does not exist."), "application/xml");
      bytes = it->second;
    }
    c.res.set_header("ETag", etag_quote(c.p("oid")));
    c.send_download(*bytes, "application/octet-stream");
  });
}

}  // namespace fakecloud
