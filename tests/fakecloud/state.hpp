// The emulator's in-memory world. Everything here is guarded by App::mu;
// handlers take the lock, read or change state, and release it before any
// sleep (latency, Prefer: wait, hold) so that one slow request never stalls
// the others.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util.hpp"

namespace fakecloud {

// ---- Replicate -------------------------------------------------------------

struct Version {
  std::string id;
  std::string created_at;
  std::string cog_version = "0.9.4";
  json openapi_schema = json::object();
};

struct Model {
  std::string owner, name;
  std::string visibility = "public";
  std::string hardware = "cpu";
  std::string description;
  bool official = false;   // runnable through POST /v1/models/{o}/{n}/predictions
  std::string kind;        // "images", "image", "text", "llm", "embedding", "trainer", "none"
  std::string created_at;
  long run_count = 0;
  std::vector<Version> versions;  // oldest first; latest = back()
  json extra = json::object();    // github_url, paper_url, ... as sent
  std::string full() const { return owner + "/" + name; }
};

// A prediction or a training. Status is never stored: it is derived from the
// planned times and the clock (see jobs.cpp), so no background thread exists.
struct Job {
  bool training = false;
  long seq = 0;  // creation order, for newest-first lists and cursors
  std::string id, model, version;
  // The model's newest version when the job was created: what the real API
  // answers in `version` (config answer_latest_version). Empty for official models.
  std::string served_version;
  bool official = false;  // run through an official model (opaque version, aliases)
  json input = json::object();           // as sent; echoed in answers
  json resolved_input = json::object();  // input with the schema's defaults: what the model sees
  TimePoint created, start_at, end_at;
  std::optional<TimePoint> canceled_at;
  std::optional<TimePoint> deadline;  // Cancel-After
  bool will_fail = false;
  std::string error;
  std::string kind;  // output kind of the model (see Model::kind)
  // Generation parameters (deterministic outputs).
  int num_outputs = 1;
  std::string ext = "png";
  int width = 64, height = 64;
  uint64_t seed = 0;
  std::string prompt;
  int steps = 28;
  // Trainings.
  std::string destination;
  std::string new_version;
  int image_count = 0;
  int caption_count = 0;
  bool settled = false;  // trained version added to the destination
  bool expired = false;  // data removed early by an `expire` fault (as if output_ttl_s passed)
  json webhook = nullptr;
};

struct FileObj {
  std::string id, name, content_type;
  std::shared_ptr<const std::string> bytes;
  std::string sha256, md5;
  json metadata = json::object();
  TimePoint created;
  long seq = 0;
};

struct ReplicateState {
  std::map<std::string, Model> models;  // key owner/name
  std::map<std::string, Job> jobs;      // predictions and trainings by id
  std::map<std::string, FileObj> files;
  long next_seq = 1;
  std::vector<TimePoint> create_times;  // rate limiter window for creates
  std::vector<TimePoint> other_times;
};

// ---- Hugging Face ----------------------------------------------------------

struct HfBlob {
  std::shared_ptr<const std::string> data;
  std::string sha256;
  std::string sha1;  // git blob id
  bool lfs = false;
};

struct HfCommit {
  std::string oid, summary, description;
  TimePoint at;
  std::map<std::string, HfBlob> files;  // full snapshot of the tree
};

// An upload announced by the LFS batch call; parts == 0 means a basic PUT.
struct HfPendingUpload {
  size_t size = 0, chunk = 0, parts = 0;
  std::map<int, std::string> data;  // part number -> bytes (multipart)
};

struct HfRepo {
  std::string id;       // ns/name
  std::string type = "model";
  std::string hexid;    // the 24-hex "_id"
  bool priv = false;
  TimePoint created;
  std::vector<HfCommit> commits;  // head = back()
  std::map<std::string, std::shared_ptr<const std::string>> lfs;  // oid -> bytes
  std::map<std::string, HfPendingUpload> pending;                 // oid -> announced upload
};

struct HfState {
  std::map<std::string, HfRepo> repos;
};

// ---- SendGrid --------------------------------------------------------------

struct Mail {
  std::string message_id;
  TimePoint at;
  bool sandbox = false;
  std::string key_kind;
  json body;
};

struct SendGridState {
  std::vector<Mail> outbox;
  std::vector<Mail> sandbox;
};

struct State {
  ReplicateState replicate;
  HfState hf;
  SendGridState sendgrid;
};

}  // namespace fakecloud
