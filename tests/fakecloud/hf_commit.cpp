// Hugging Face commit (ndjson: header, file, lfsFile, deletedFile,
// deletedFolder) and resolve (download with X-Repo-Commit / X-Linked-*).
#include <sstream>

#include "hf_common.hpp"

namespace fakecloud {
namespace {

const char* kExposed =
    "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,"
    "Content-Range,X-Xet-Access-Token,X-Xet-Token-Expiration,X-Xet-Refresh-Route,X-Xet-Cas-Url,X-Xet-Hash";

// Git's own test: a NUL in the first 8000 bytes makes a file binary.
bool looks_binary(const std::string& s) {
  return s.substr(0, 8000).find('\0') != std::string::npos;
}

void commit(Ctx& c) {
  std::vector<json> lines;
  std::istringstream in(c.req.body);
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.value("key", json()).is_string() ||
        !j.value("value", json()).is_object())
      return hf_error(c, 400, "Invalid ndjson line: " + line.substr(0, 200));
    lines.push_back(std::move(j));
  }
  if (lines.empty() || lines[0]["key"] != "header")
    return hf_error(c, 400, "The first line must be the commit header");
  const json& header = lines[0]["value"];
  std::string summary = jstr(header, "summary");
  if (summary.empty()) return hf_error(c, 400, "Commit summary is required");

  std::lock_guard<std::mutex> lock(c.app.mu);
  HfRepo* repo = hf_repo_access(c, c.p("ns"), c.p("name"), true);
  if (!repo) return;
  const HfCommit* head = hf_rev(*repo, c.p("rev"));
  if (!head || (c.p("rev") != "main" && c.p("rev") != "refs/heads/main"))
    return hf_error(c, 404, "Invalid rev id: " + c.p("rev"), "RevisionNotFound");
  std::string parent = jstr(header, "parentCommit");
  if (!parent.empty() && parent != head->oid)
    return hf_error(c, 412, "A commit has happened since. Please refresh and try again.");

  HfCommit next{"", summary, jstr(header, "description"),
                Clock::now(), head->files};
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string key = lines[i]["key"];
    const json& v = lines[i]["value"];
    std::string path = jstr(v, "path");
    if (path.empty() || path.front() == '/' || path.find("..") != std::string::npos)
      return hf_error(c, 400, "Invalid path in commit: \"" + path + "\"");
    if (key == "file") {
      std::string content = jstr(v, "content");
      if (jstr(v, "encoding", "base64") == "base64") {
        auto decoded = base64_decode(content);
        if (!decoded) return hf_error(c, 400, "Invalid base64 content for " + path);
        content = std::move(*decoded);
      }
      if (looks_binary(content) || content.size() > 10L * 1024 * 1024)
        return hf_error(c, 400, "Your push was rejected because it contains binary files. Please use "
                                "https://huggingface.co/docs/hub/xet to store binary files. Offending file: - " + path);
      next.files[path] = hf_make_blob(std::move(content), false);
    } else if (key == "lfsFile") {
      std::string oid = jstr(v, "oid", "");
      auto obj = repo->lfs.find(oid);
      if (obj == repo->lfs.end())
        return hf_error(c, 400, "Your push was rejected because an LFS pointer pointed to a file that "
                                "does not exist. For instance, this can happen if you used git push "
                                "--no-verify to push your changes. Offending file: - " + path);
      if (v.contains("size") && v["size"].is_number() && v["size"].get<size_t>() != obj->second->size())
        return hf_error(c, 400, "Size of LFS file " + path + " does not match the uploaded object");
      HfBlob blob;
      blob.data = obj->second;
      blob.sha256 = oid;
      blob.sha1 = git_blob_sha1("version https://git-lfs.github.com/spec/v1\noid sha256:" + oid +
                                "\nsize " + std::to_string(obj->second->size()) + "\n");
      blob.lfs = true;
      next.files[path] = std::move(blob);
    } else if (key == "deletedFile") {
      if (!next.files.erase(path)) return hf_error(c, 404, "File not found: " + path, "EntryNotFound");
    } else if (key == "deletedFolder") {
      std::string prefix = path.back() == '/' ? path : path + "/";
      for (auto it = next.files.begin(); it != next.files.end();)
        it = starts_with(it->first, prefix) ? next.files.erase(it) : std::next(it);
    } else {
      return hf_error(c, 400, "Unknown commit operation: " + key);
    }
  }
  next.oid = sha1_hex(head->oid + summary + iso(next.at) + random_hex(16));
  std::string oid = next.oid;
  repo->commits.push_back(std::move(next));
  c.app.bump("hf_commits");
  json out = {{"success", true},
              {"commitOid", oid},
              {"commitUrl", hf_repo_url(c, *repo) + "/commit/" + oid},
              {"hookOutput", ""}};
  if (c.req.get_param_value("create_pr") == "1")
    out["pullRequestUrl"] = hf_repo_url(c, *repo) + "/discussions/1";
  c.send_json(200, out);
}

void resolve(Ctx& c) {
  HfBlob blob;
  std::string commit_oid, repo_id;
  bool redirect;
  {
    std::lock_guard<std::mutex> lock(c.app.mu);
    HfRepo* repo = hf_repo_access(c, c.p("ns"), c.p("name"), false);
    if (!repo) return;
    const HfCommit* cm = hf_rev(*repo, c.p("rev"));
    if (!cm) return hf_error(c, 404, "Invalid rev id: " + c.p("rev"), "RevisionNotFound");
    auto it = cm->files.find(c.p("path"));
    if (it == cm->files.end()) return hf_error(c, 404, "Entry not found", "EntryNotFound");
    blob = it->second;
    commit_oid = cm->oid;
    repo_id = repo->id;
    redirect = c.app.cfg_bool("hf_resolve_redirect", false);
    c.app.bump("hf_downloads");
  }
  c.res.set_header("Access-Control-Expose-Headers", kExposed);
  c.res.set_header("X-Repo-Commit", commit_oid);
  c.res.set_header("Accept-Ranges", "bytes");
  if (!blob.lfs) {
    c.res.set_header("ETag", etag_quote(blob.sha1));
    return c.send_download(*blob.data, "text/plain; charset=utf-8");
  }
  c.res.set_header("X-Linked-Etag", etag_quote(blob.sha256));
  c.res.set_header("X-Linked-Size", std::to_string(blob.data->size()));
  if (redirect) {
    // What the Hub does: headers here, bytes from the CDN URL.
    c.res.set_header("Location", c.origin + "/_lfs/" + repo_id + "/" + blob.sha256 +
                                     "?X-Amz-Signature=" + sha256_hex(blob.sha256).substr(0, 32));
    return c.send_text(302, "Found. Redirecting to the CDN", "text/plain; charset=utf-8");
  }
  c.res.set_header("ETag", etag_quote(blob.sha256));
  c.send_download(*blob.data, "application/octet-stream");
}

}  // namespace

void register_hf_commit(Router& r) {
  r.add("POST", "/api/models/{ns}/{name}/commit/{rev*}", Auth::Hf, commit);
  r.add("GET", "/{ns}/{name}/resolve/{rev}/{path*}", Auth::HfOptional, resolve);
}

}  // namespace fakecloud
