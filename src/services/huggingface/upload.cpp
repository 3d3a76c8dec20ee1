// One Hub commit of several files (hf_sendgrid.md §3): preupload tells LFS
// from regular and the remote oids, LFS bytes go to storage first, then one
// ndjson commit. A commit is not idempotent, so after an ambiguous failure the
// remote oids are compared before it is sent again (DESIGN §9).
#include "photoagent/services/huggingface/upload.hpp"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "detail.hpp"
#include "lfs.hpp"
#include "photoagent/net/url.hpp"
#include "photoagent/util/base64.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/hash.hpp"

namespace photoagent::services::huggingface {
using nlohmann::json;

namespace {

constexpr std::size_t kPreuploadFiles = 256;   // per preupload call, as huggingface_hub sends
constexpr std::size_t kSampleBytes = 512;      // what the Hub looks at to pick the mode
constexpr std::size_t kMaxRegular = 64u << 20;  // the Hub caps regular files far below this

struct Local {
  const UploadFile* file = nullptr;
  std::uint64_t size = 0;
  std::string sample;
  bool lfs = false;
  std::string oid;      // sha256 (LFS) or git blob sha1 (regular): what the Hub reports
  std::string content;  // regular files: the bytes that go into the commit
};

struct Remote {
  std::string mode;
  bool ignore = false;
  std::string oid;  // empty when the path does not exist at the revision
};

struct Preupload {
  std::map<std::string, Remote> files;
  std::string commit_oid;
};

const std::string& path_of(const Local& l) { return l.file->path_in_repo; }

// Git's object id of a file: sha1("blob <size>\0" + bytes).
std::string git_blob_sha1(std::string_view bytes) {
  util::Digest d(util::Digest::Algorithm::sha1);
  d.update("blob " + std::to_string(bytes.size()) + std::string(1, '\0'));
  d.update(bytes);
  return d.hex_digest();
}

void check_files(const std::vector<UploadFile>& files) {
  if (files.empty()) throw util::usage_error("nothing to upload to Hugging Face");
  std::set<std::string> seen;
  for (const auto& f : files) {
    const auto& p = f.path_in_repo;
    if (p.empty() || p.front() == '/' || p.find("..") != std::string::npos || p.find('\\') != std::string::npos)
      throw util::usage_error("'" + p + "' is not a valid path in a Hugging Face repo");
    if (!seen.insert(p).second) throw util::usage_error("'" + p + "' is listed twice in one upload");
  }
}

Local describe(const UploadFile& f) {
  Local l;
  l.file = &f;
  if (f.local.empty()) {
    l.size = f.content.size();
    l.sample = f.content.substr(0, kSampleBytes);
    return l;
  }
  std::error_code ec;
  l.size = std::filesystem::file_size(f.local, ec);
  if (ec || !std::filesystem::is_regular_file(f.local))
    throw util::failure("cannot read " + f.local.string() + (ec ? ": " + ec.message() : ": not a regular file"));
  auto in = util::open_file(f.local, "rb");
  l.sample.resize(static_cast<std::size_t>(std::min<std::uint64_t>(l.size, kSampleBytes)));
  l.sample.resize(std::fread(l.sample.data(), 1, l.sample.size(), in.get()));
  return l;
}

// One preupload answer into `out`: {files: [{path, uploadMode, shouldIgnore, oid}], commitOid}.
void read_preupload(const std::string& body, Preupload& out) {
  const json j = parse_answer(Service::huggingface, body, "the preupload request");
  const JsonReader answer(Service::huggingface, j, "the preupload request");
  const JsonReader files = answer.array("files");
  for (std::size_t i = 0; i < files.size(); ++i) {
    const JsonReader e = files.at(i).expect_object();
    Remote rem;
    rem.mode = e.opt_str("uploadMode");
    rem.ignore = e.opt_bool("shouldIgnore").value_or(false);
    rem.oid = e.opt_str("oid");
    out.files[e.str("path")] = rem;
  }
  if (auto oid = answer.opt_str("commitOid"); !oid.empty()) out.commit_oid = oid;
}

Preupload preupload(const Api& api, const std::string& repo_id, const std::string& revision,
                    const std::vector<const Local*>& locals) {
  Preupload out;
  for (std::size_t start = 0; start < locals.size(); start += kPreuploadFiles) {
    json files = json::array();
    for (std::size_t i = start; i < std::min(locals.size(), start + kPreuploadFiles); ++i)
      files.push_back({{"path", path_of(*locals[i])},
                       {"sample", util::base64_encode(locals[i]->sample)},
                       {"size", locals[i]->size}});
    net::Request req;
    req.method = "POST";
    req.url = api.base() + "/api/models/" + repo_id + "/preupload/" + net::url_encode(revision);
    req.header("Content-Type", "application/json");
    req.body = json{{"files", files}}.dump();
    req.idempotent = true;  // it only reads
    auto r = detail::send(api, std::move(req), "prepare an upload to " + repo_id);
    read_preupload(r.body, out);
  }
  return out;
}

// Reads what the commit needs and computes the oid the Hub would report.
void prepare(Local& l, const Remote& remote) {
  // Empty files are always regular: S3 answers 501 to an empty LFS upload.
  l.lfs = remote.mode == "lfs" && l.size > 0;
  const UploadFile& f = *l.file;
  if (l.lfs) {
    l.oid = f.local.empty() ? util::sha256_hex(f.content) : util::sha256_file(f.local);
  } else {
    l.content = f.local.empty() ? f.content : util::read_file(f.local, kMaxRegular);
    l.size = l.content.size();
    l.oid = git_blob_sha1(l.content);
  }
}

std::string ndjson(const std::string& summary, const std::string& parent, const std::vector<const Local*>& changed) {
  json header = {{"summary", summary}, {"description", ""}};
  if (!parent.empty()) header["parentCommit"] = parent;
  std::string out = json{{"key", "header"}, {"value", header}}.dump();
  for (const auto* l : changed) {
    const json value =
        l->lfs ? json{{"path", path_of(*l)}, {"algo", "sha256"}, {"oid", l->oid}, {"size", l->size}}
               : json{{"content", util::base64_encode(l->content)}, {"path", path_of(*l)}, {"encoding", "base64"}};
    out += '\n' + json{{"key", l->lfs ? "lfsFile" : "file"}, {"value", value}}.dump();
  }
  return out;
}

// The commit's answer, or nullopt when its outcome is unknown (the
// connection broke after sending, or a 5xx/408 that may come after the
// commit was made). `why` then says what happened.
std::optional<CommitResult> try_commit(const Api& api, const std::string& repo_id, const std::string& revision,
                                       std::string body, std::string& why) {
  net::Request req;
  req.method = "POST";
  req.url = api.base() + "/api/models/" + repo_id + "/commit/" + net::url_encode(revision);
  req.header("Content-Type", "application/x-ndjson");
  req.body = std::move(body);
  req.idempotent = false;  // a repeat would be a second commit
  net::Response r;
  try {
    r = api.raw(std::move(req));
  } catch (const net::TransportError& e) {
    if (e.nothing_sent()) throw_unreachable(Service::huggingface, e);
    why = e.what();
    return std::nullopt;
  }
  if (r.status >= 500 || r.status == 408) {
    why = "status " + std::to_string(r.status);
    if (auto msg = service_message(Service::huggingface, r); !msg.empty()) why += ": " + msg;
    return std::nullopt;
  }
  if (r.status < 200 || r.status >= 300) detail::throw_error(r, "commit to " + repo_id);
  const std::string what = "the commit to " + repo_id;
  const json j = parse_answer(Service::huggingface, r.body, what);
  const JsonReader answer(Service::huggingface, j, what);
  CommitResult c;
  c.commit_oid = answer.str("commitOid");
  c.commit_url = answer.opt_str("commitUrl");
  return c;
}

bool all_match(const Preupload& now, const std::vector<const Local*>& changed) {
  for (const auto* l : changed) {
    auto it = now.files.find(path_of(*l));
    if (it == now.files.end() || it->second.oid != l->oid) return false;
  }
  return true;
}

}  // namespace

CommitResult upload_files(const Api& api, const std::string& repo_id, const std::vector<UploadFile>& files,
                          const std::string& summary, const std::string& revision) {
  detail::check_repo_id(repo_id);
  check_files(files);
  // The Hub rejects an empty summary; default as huggingface_hub does.
  const std::string what = files.size() == 1 ? files[0].path_in_repo : std::to_string(files.size()) + " files";
  const std::string message = summary.empty() ? "Upload " + what + " with photoagent" : summary;

  std::vector<Local> locals;
  for (const auto& f : files) locals.push_back(describe(f));
  std::vector<const Local*> all;
  for (const auto& l : locals) all.push_back(&l);
  const Preupload before = preupload(api, repo_id, revision, all);

  CommitResult result;
  std::vector<const Local*> changed;
  std::vector<detail::LfsObject> lfs;
  for (auto& l : locals) {
    auto it = before.files.find(path_of(l));
    if (it == before.files.end())
      throw util::remote_error("Hugging Face's preupload answer left out " + path_of(l));
    if (it->second.ignore) continue;  // the repo's .gitignore excludes it, as huggingface_hub does
    prepare(l, it->second);
    if (!it->second.oid.empty() && it->second.oid == l.oid) {
      result.unchanged.push_back(path_of(l));
      continue;
    }
    changed.push_back(&l);
    if (l.lfs)
      lfs.push_back({path_of(l), l.oid, l.size, l.file->local, l.file->local.empty() ? &l.file->content : nullptr});
  }
  if (changed.empty()) return result;  // nothing differs: no commit at all

  detail::upload_lfs(api, repo_id, revision, lfs);

  std::string parent, why;
  for (int attempt = 1;; ++attempt) {
    if (auto done = try_commit(api, repo_id, revision, ndjson(message, parent, changed), why)) {
      done->unchanged = std::move(result.unchanged);
      if (done->commit_url.empty()) done->commit_url = api.base() + "/" + repo_id + "/commit/" + done->commit_oid;
      return *done;
    }
    // Unknown outcome: the commit may exist. If the repo now holds every
    // file as sent, it does; otherwise send it once more, pinned to the
    // current head so that a commit landing in between is refused rather
    // than duplicated.
    const Preupload now = preupload(api, repo_id, revision, changed);
    if (all_match(now, changed)) {
      result.commit_oid = now.commit_oid;
      result.commit_url = api.base() + "/" + repo_id + "/commit/" + now.commit_oid;
      return result;
    }
    if (attempt == 2)
      throw util::remote_error("Hugging Face did not complete the commit to " + repo_id + " (" + why + ")",
                               "Run the same command again: it checks what the repo holds and sends only what is "
                               "missing.");
    parent = now.commit_oid;
  }
}

}  // namespace photoagent::services::huggingface
