// The Files API upload: a multipart/form-data body assembled in a temporary
// file next to the upload, so a 100 MB zip is streamed, never held in memory.

#include "photoagent/services/replicate/files.hpp"

#include <nlohmann/json.hpp>
#include <random>

#include "photoagent/services/json_read.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Removes the temporary multipart body however the upload ends.
struct TempFile {
  fs::path path;
  ~TempFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

void write_multipart(const fs::path& out, const fs::path& file, const std::string& boundary,
                     const std::string& content_type) {
  auto dst = util::open_file(out, "wb");
  auto src = util::open_file(file, "rb");
  const std::string head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"content\"; filename=\"" +
                           file.filename().string() + "\"\r\nContent-Type: " + content_type + "\r\n\r\n";
  const std::string tail = "\r\n--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json"
                           "\r\n\r\n{\"uploaded_by\":\"photoagent\"}\r\n--" + boundary + "--\r\n";
  bool ok = std::fwrite(head.data(), 1, head.size(), dst.get()) == head.size();
  char buf[1 << 16];
  std::size_t n;
  while (ok && (n = std::fread(buf, 1, sizeof buf, src.get())) > 0) ok = std::fwrite(buf, 1, n, dst.get()) == n;
  ok = ok && !std::ferror(src.get()) && std::fwrite(tail.data(), 1, tail.size(), dst.get()) == tail.size();
  ok = ok && std::fflush(dst.get()) == 0;
  if (!ok) throw util::failure("cannot prepare the upload of " + file.string() + " (disk full?)");
}

}  // namespace

UploadedFile upload_file(const Api& api, const fs::path& file, const std::string& content_type,
                         const std::string& sha256) {
  std::random_device rd;
  const std::string boundary = "photoagent-" + std::to_string(rd()) + std::to_string(rd());
  TempFile body{fs::path(file.string() + ".multipart")};
  write_multipart(body.path, file, boundary, content_type);
  net::Request req;
  req.method = "POST";
  req.url = api.base() + "/files";
  req.body_file = body.path;
  req.header("Content-Type", "multipart/form-data; boundary=" + boundary);
  req.stall_timeout = std::chrono::seconds(120);
  req.idempotent = true;  // a second copy of a file costs nothing and expires in a day
  net::Response r;
  try {
    r = api.raw(std::move(req));
  } catch (const net::TransportError& e) {
    throw_unreachable(Service::replicate, e);
  }
  if (r.status == 413)
    throw util::failure("Replicate refused the upload of " + file.filename().string() + " as too large (413; the limit is 100 MiB)",
                        "Store smaller photos: upload again with a smaller --max-side, or train on fewer photos.");
  if (r.status < 200 || r.status >= 300) throw_http_error(Service::replicate, r, "accept the upload");
  const UploadedFile f = parse_uploaded_file(r.body);
  if (!f.sha256.empty() && f.sha256 != sha256)
    throw util::remote_error("the upload of " + file.filename().string() + " arrived damaged (checksum mismatch)",
                             "Run the command again.");
  return f;
}

UploadedFile parse_uploaded_file(const std::string& body) {
  const json j = parse_answer(Service::replicate, body, "the upload");
  const JsonReader file(Service::replicate, j, "the upload");
  UploadedFile f;
  f.id = file.opt_str("id");
  f.url = file.object("urls").str("get");
  f.size = file.opt_uint("size");
  f.expires_at = file.opt_str("expires_at");
  if (auto c = file.opt_object("checksums")) f.sha256 = c->opt_str("sha256");
  if (f.url.empty()) throw util::remote_error("Replicate did not return a URL for the uploaded file");
  return f;
}

bool delete_file(const Api& api, const std::string& id) {
  if (id.empty() || id.find_first_of("/?#%") != std::string::npos)
    throw util::failure("'" + id + "' is not a Replicate file id");
  const auto r = api.call("DELETE", "/files/" + id, "delete the uploaded file " + id, {}, {404});
  return r.status != 404;
}

}  // namespace photoagent::services::replicate
