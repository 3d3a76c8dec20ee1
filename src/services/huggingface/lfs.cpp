// Git LFS uploads to the Hub (hf_sendgrid.md §3.3-§3.4): the batch call,
// then the basic adapter (one PUT) or HF's multipart adapter (one PUT per
// part, then a completion POST), then verify. Storage URLs are presigned and
// may be on another host, so they go through the unauthenticated client.
#include "lfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "detail.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/printable.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/util/text_check.hpp"

namespace photoagent::services::huggingface::detail {
using nlohmann::json;

namespace {

constexpr std::size_t kBatchObjects = 256;  // per batch call, as huggingface_hub sends

// One byte range of an object in a temporary file: the transport streams
// request bodies from whole files, and a part must not sit in memory (a
// chunk may be hundreds of MB). Removed when the object goes.
class TempRange {
 public:
  TempRange(const LfsObject& o, std::uint64_t offset, std::uint64_t length) {
    std::string name = (std::filesystem::temp_directory_path() / "photoagent-lfs-XXXXXX").string();
    const int fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) throw util::failure("cannot create a temporary file: " + std::string(std::strerror(errno)));
    path_ = name;
    try {
      fill(fd, o, offset, length);
    } catch (...) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
      throw;
    }
  }
  ~TempRange() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempRange(const TempRange&) = delete;
  TempRange& operator=(const TempRange&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  static void fill(int fd, const LfsObject& o, std::uint64_t offset, std::uint64_t length) {
    util::FileHandle out(::fdopen(fd, "wb"));
    if (!out) {
      ::close(fd);
      throw util::failure("cannot write a temporary file: " + std::string(std::strerror(errno)));
    }
    if (o.content) {
      write(out.get(), std::string_view(*o.content).substr(offset, length));
    } else {
      auto in = util::open_file(o.local, "rb");
      if (::fseeko(in.get(), static_cast<off_t>(offset), SEEK_SET) != 0)
        throw util::failure("cannot read " + o.local.string() + ": " + std::strerror(errno));
      std::string buf(std::min<std::uint64_t>(length, 1u << 20), '\0');
      for (std::uint64_t left = length; left > 0;) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        const std::size_t got = std::fread(buf.data(), 1, want, in.get());
        if (got != want)
          throw util::failure(o.local.string() + " changed while it was being uploaded",
                              "Run the command again once nothing is writing to the file.");
        write(out.get(), std::string_view(buf.data(), got));
        left -= got;
      }
    }
    if (std::fflush(out.get()) != 0) throw util::failure("cannot write a temporary file (disk full?)");
  }
  static void write(std::FILE* f, std::string_view data) {
    if (std::fwrite(data.data(), 1, data.size(), f) != data.size())
      throw util::failure("cannot write a temporary file (disk full?)");
  }
  std::filesystem::path path_;
};

// A header a remote answer asks for must stay one header: a name of token
// characters, a value without line breaks or NULs (else it could add its own).
bool safe_header(const std::string& name, const std::string& value) {
  if (name.empty() || name.size() > 128 || value.size() > 8192) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  return value.find_first_of(std::string("\r\n\0", 3)) == std::string::npos;
}

// The headers an action asks for, exactly as given (git-lfs spec).
void add_action_headers(net::Request& req, const json& action) {
  if (auto h = action.find("header"); h != action.end() && h->is_object())
    for (const auto& [k, v] : h->items()) {
      if (!v.is_string()) continue;
      if (!safe_header(k, v.get<std::string>()))
        throw util::remote_error("Hugging Face asked for an upload header that is not one (`" +
                                 util::printable_line(k.substr(0, 64)) + "`)");
      req.header(k, v.get<std::string>());
    }
}

// The text of the first <tag>...</tag> in an XML body (no nested markup),
// cut at 300 characters. A plain search, not std::regex: the body is remote.
std::string xml_text(std::string_view body, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  const auto start = body.find(open);
  if (start == std::string_view::npos) return "";
  const auto from = start + open.size();
  const auto end = body.find(close, from);
  if (end == std::string_view::npos || body.substr(from, end - from).find('<') != std::string_view::npos) return "";
  return std::string(body.substr(from, std::min<std::size_t>(end - from, 300)));
}

// The S3-style error code and message of a storage answer, or the Hub's JSON error.
std::string storage_detail(const net::Response& r) {
  std::string out = xml_text(r.body, "Code");
  if (auto message = xml_text(r.body, "Message"); !message.empty()) out += (out.empty() ? "" : ": ") + message;
  if (out.empty()) out = service_message(Service::huggingface, r);
  return util::printable_line(out);
}

// Sends to storage without the token; any failure is worth a re-run, which
// skips what the storage already holds.
net::Response storage_send(const Api& api, const net::Request& req, const std::string& what) {
  net::Response r;
  try {
    r = api.client().send(req);
  } catch (const net::TransportError& e) {
    throw_unreachable(Service::huggingface, e);
  }
  if (r.status >= 200 && r.status < 300) return r;
  const std::string detail = storage_detail(r);
  throw util::remote_error("Hugging Face storage refused to " + what + " (" + std::to_string(r.status) + ")" +
                               (detail.empty() ? "" : ": " + detail),
                           "Run the same command again: files already stored are not sent again.");
}

void put_basic(const Api& api, const LfsObject& o, const json& upload) {
  net::Request req;
  req.method = "PUT";
  req.url = string_or_empty(upload, "href");
  add_action_headers(req, upload);
  std::optional<TempRange> tmp;
  if (o.content) req.body_file = tmp.emplace(o, 0, o.size).path();
  else req.body_file = o.local;
  req.idempotent = true;  // the same bytes to the same key
  storage_send(api, req, "store " + o.path_in_repo);
}

// A whole positive number that fits 64 bits, as a JSON number or a string
// of digits (huggingface_hub takes int() of either); a larger one than the
// file is one part.
std::uint64_t chunk_size_of(const json& header) {
  const auto it = header.find("chunk_size");
  std::optional<std::uint64_t> n;
  if (it != header.end() && it->is_number_unsigned()) n = it->get<std::uint64_t>();
  if (it != header.end() && it->is_string()) n = util::parse_uint64(it->get_ref<const std::string&>());
  if (n && *n > 0) return *n;
  std::string shown;  // what was sent, short: a string of any length, an object of any size
  if (it != header.end())
    shown = it->is_string() ? it->get_ref<const std::string&>() : it->is_primitive() ? it->dump() : it->type_name();
  throw util::remote_error("Hugging Face answered the upload with an invalid chunk_size" +
                           (shown.empty() ? std::string() : " (`" + util::excerpt(shown, 40) + "`)"));
}

// HF's multipart adapter: header = {chunk_size, "00001": url, ...}; the
// href is the completion URL, which takes every part's ETag.
void put_multipart(const Api& api, const LfsObject& o, const json& upload) {
  const json& header = upload["header"];
  const std::uint64_t chunk = chunk_size_of(header);
  std::map<std::uint64_t, std::string> urls;
  for (const auto& [k, v] : header.items())
    if (auto n = k.size() < 10 ? util::parse_uint64(k) : std::nullopt; n && v.is_string())  // "00001"...
      urls[*n] = v.get<std::string>();
  const std::uint64_t parts = o.size / chunk + (o.size % chunk != 0);  // o.size + chunk - 1 could wrap
  if (parts == 0 || urls.size() != parts || urls.begin()->first != 1 || urls.rbegin()->first != parts)
    throw util::remote_error("Hugging Face gave " + std::to_string(urls.size()) + " part URLs for " +
                             o.path_in_repo + ", which needs " + std::to_string(parts));
  json done = json::array();
  for (const auto& [n, url] : urls) {
    const std::uint64_t offset = (n - 1) * chunk;
    TempRange part(o, offset, std::min(chunk, o.size - offset));
    net::Request req;
    req.method = "PUT";
    req.url = url;
    req.body_file = part.path();
    req.idempotent = true;
    const std::string what = "store part " + std::to_string(n) + " of " + o.path_in_repo;
    auto r = storage_send(api, req, what);
    auto etag = r.header("etag");
    if (!etag || etag->empty()) throw util::remote_error("Hugging Face storage did not confirm part " +
                                                         std::to_string(n) + " of " + o.path_in_repo + " (no ETag)");
    done.push_back({{"partNumber", n}, {"etag", *etag}});
  }
  net::Request req;
  req.method = "POST";
  req.url = string_or_empty(upload, "href");
  req.header("Content-Type", std::string(kLfsMediaType));
  req.header("Accept", std::string(kLfsMediaType));
  req.body = json{{"oid", o.oid}, {"parts", done}}.dump();
  req.idempotent = true;  // huggingface_hub repeats it too
  storage_send(api, req, "assemble the parts of " + o.path_in_repo);
}

void verify(const Api& api, const LfsObject& o, const json& action) {
  net::Request req;
  req.method = "POST";
  req.url = string_or_empty(action, "href");
  add_action_headers(req, action);
  req.header("Content-Type", std::string(kLfsMediaType));
  req.body = json{{"oid", o.oid}, {"size", o.size}}.dump();
  const bool has_own_auth = std::any_of(req.headers.begin(), req.headers.end(), [](const auto& h) {
    return util::iequals(h.first, "authorization");
  });
  const std::string what = "confirm the upload of " + o.path_in_repo;
  // The token goes to the Hub's own host only, and not when the action
  // brings its own credentials.
  if (on_hub(api, req.url) && !has_own_auth) send(api, std::move(req), what);
  else storage_send(api, req, what);
}

void upload_batch(const Api& api, const std::string& repo_id, const std::string& revision,
                  const std::vector<const LfsObject*>& objects) {
  json wanted = json::array();
  for (const auto* o : objects) wanted.push_back({{"oid", o->oid}, {"size", o->size}});
  net::Request req;
  req.method = "POST";
  req.url = api.base() + "/" + repo_id + ".git/info/lfs/objects/batch";
  req.header("Content-Type", std::string(kLfsMediaType));
  req.header("Accept", std::string(kLfsMediaType));
  req.body = json{{"operation", "upload"},
                  {"transfers", {"basic", "multipart"}},
                  {"objects", wanted},
                  {"hash_algo", "sha256"},
                  {"ref", {{"name", revision}}}}
                 .dump();
  req.idempotent = true;  // it only asks where to upload
  auto r = send(api, std::move(req), "accept uploads to " + repo_id);
  const json j = parse_answer(Service::huggingface, r.body, "the LFS batch request");
  JsonReader(Service::huggingface, j, "the LFS batch request").array("objects");
  std::map<std::string, const json*> by_oid;
  for (const auto& e : j["objects"])
    if (e.is_object()) by_oid[string_or_empty(e, "oid")] = &e;

  for (const auto* o : objects) {
    auto it = by_oid.find(o->oid);
    if (it == by_oid.end())
      throw util::remote_error("Hugging Face did not say where to upload " + o->path_in_repo);
    const json& e = *it->second;
    if (auto err = e.find("error"); err != e.end() && !err->is_null()) {
      std::string msg = err->is_object() ? string_or_empty(*err, "message") : err->dump();
      std::string code = err->is_object() && err->contains("code") ? " (" + (*err)["code"].dump() + ")" : "";
      throw util::remote_error("Hugging Face refused to store " + o->path_in_repo + code + ": " + msg);
    }
    // No upload action: the storage already holds these bytes (a re-run
    // after a failed commit), so nothing is sent.
    auto actions = e.find("actions");
    if (actions == e.end() || !actions->is_object() || !actions->contains("upload")) continue;
    const json& upload = (*actions)["upload"];
    if (!upload.is_object() || string_or_empty(upload, "href").empty())
      throw util::remote_error("Hugging Face gave no upload URL for " + o->path_in_repo);
    if (upload.contains("header") && upload["header"].is_object() && upload["header"].contains("chunk_size"))
      put_multipart(api, *o, upload);
    else
      put_basic(api, *o, upload);
    if (auto v = actions->find("verify"); v != actions->end() && v->is_object() && !string_or_empty(*v, "href").empty())
      verify(api, *o, *v);
  }
}

}  // namespace

void upload_lfs(const Api& api, const std::string& repo_id, const std::string& revision,
                const std::vector<LfsObject>& objects) {
  for (std::size_t start = 0; start < objects.size(); start += kBatchObjects) {
    std::vector<const LfsObject*> chunk;
    for (std::size_t i = start; i < std::min(objects.size(), start + kBatchObjects); ++i) chunk.push_back(&objects[i]);
    upload_batch(api, repo_id, revision, chunk);
  }
}

}  // namespace photoagent::services::huggingface::detail
