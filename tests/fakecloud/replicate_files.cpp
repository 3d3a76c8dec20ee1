// Replicate Files API: multipart upload (field `content`, optional
// `metadata`), get, list, delete, download. Uploads over max_file_bytes get
// the proxy's 413 HTML page, as the real service answers.
#include "replicate.hpp"

namespace fakecloud {
namespace {

json file_json(const Ctx& c, const FileObj& f, long ttl_s) {
  return json{{"id", f.id},
              {"name", f.name},
              {"content_type", f.content_type},
              {"size", f.bytes->size()},
              {"etag", f.md5},
              {"checksums", {{"sha256", f.sha256}, {"md5", f.md5}}},
              {"metadata", f.metadata},
              {"created_at", iso(f.created)},
              {"expires_at", iso(f.created + std::chrono::seconds(ttl_s))},
              {"urls", {{"get", c.origin + "/v1/files/" + f.id}}}};
}

const FileObj* live_file(Ctx& c) {
  auto& files = c.app.state.replicate.files;
  auto it = files.find(c.p("id"));
  long ttl = c.app.cfg_long("file_ttl_s", 86400);
  if (it == files.end() || Clock::now() > it->second.created + std::chrono::seconds(ttl)) {
    replicate_problem(c, 404, "The requested resource could not be found.");
    return nullptr;
  }
  return &it->second;
}

const char* k413 =
    "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
    "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n";

void upload(Ctx& c) {
  long max_bytes;
  {
    std::lock_guard<std::mutex> lock(c.app.mu);
    max_bytes = c.app.cfg_long("max_file_bytes", 100L * 1024 * 1024);
  }
  long declared = 0;
  try {
    declared = std::stol(c.req.get_header_value("Content-Length"));
  } catch (...) {
  }
  const auto* part = c.req.has_file("content") ? &c.req.files.find("content")->second : nullptr;
  if (declared > max_bytes || (part && static_cast<long>(part->content.size()) > max_bytes))
    return c.send_text(413, k413, "text/html");
  if (!c.req.is_multipart_form_data() || !part)
    return replicate_problem(c, 400, "Missing required multipart field: content", "Bad Request");
  FileObj f;
  f.name = part->filename.empty() ? "file" : part->filename;
  if (c.req.has_file("filename")) f.name = c.req.get_file_value("filename").content;
  f.content_type = part->content_type.empty() ? "application/octet-stream" : part->content_type;
  if (c.req.has_file("type")) f.content_type = c.req.get_file_value("type").content;
  if (c.req.has_file("metadata")) {
    json md = json::parse(c.req.get_file_value("metadata").content, nullptr, false);
    if (md.is_discarded() || !md.is_object())
      return replicate_problem(c, 400, "metadata must be a JSON object", "Bad Request");
    f.metadata = md;
  }
  f.sha256 = sha256_hex(part->content);
  f.md5 = md5_hex(part->content);
  f.bytes = std::make_shared<const std::string>(part->content);
  f.created = Clock::now();
  // Real ids are base64 of a UUID.
  f.id = base64url_encode(random_hex(8) + "-" + random_hex(4) + "-" + random_hex(4) + "-" +
                          random_hex(4) + "-" + random_hex(12));
  std::lock_guard<std::mutex> lock(c.app.mu);
  f.seq = c.app.state.replicate.next_seq++;
  c.app.bump("files_uploaded");
  c.app.bump("file_bytes_uploaded", static_cast<long>(f.bytes->size()));
  auto& stored = c.app.state.replicate.files[f.id] = std::move(f);
  c.send_json(201, file_json(c, stored, c.app.cfg_long("file_ttl_s", 86400)), "application/json; charset=UTF-8");
}

}  // namespace

void register_replicate_files(Router& r) {
  r.add("POST", "/v1/files", Auth::Replicate, upload);

  r.add("GET", "/v1/files/{id}", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    if (const FileObj* f = live_file(c))
      c.send_json(200, file_json(c, *f, c.app.cfg_long("file_ttl_s", 86400)));
  });

  r.add("GET", "/v1/files/{id}/download", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    if (const FileObj* f = live_file(c)) c.send_text(200, *f->bytes, f->content_type.c_str());
  });

  r.add("DELETE", "/v1/files/{id}", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    if (!live_file(c)) return;
    c.app.state.replicate.files.erase(c.p("id"));
    c.app.bump("files_deleted");
    c.send_text(204, "", "text/plain");
  });

  r.add("GET", "/v1/files", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    long ttl = c.app.cfg_long("file_ttl_s", 86400);
    auto now = Clock::now();
    std::vector<std::pair<long, json>> items;
    for (const auto& [id, f] : c.app.state.replicate.files)
      if (now <= f.created + std::chrono::seconds(ttl)) items.emplace_back(f.seq, file_json(c, f, ttl));
    std::sort(items.begin(), items.end(), [](auto& a, auto& b) { return a.first > b.first; });
    json page = paginate(c, items, c.app.cfg_long("page_size", 100));
    if (!page.is_null()) c.send_json(200, page);
  });
}

}  // namespace fakecloud
