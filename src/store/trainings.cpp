#include "photoagent/store/trainings.hpp"

#include <SQLiteCpp/Statement.h>
#include <signal.h>

#include <cerrno>

#include "photoagent/util/time.hpp"
#include "write_detail.hpp"

namespace photoagent::store {
namespace {

constexpr const char* kSelect =
    "SELECT t.id, t.project_id, p.name, t.trainer, t.trainer_model, t.trainer_version, t.destination, t.hardware,"
    " t.input, t.input_digest, t.zip_sha256, t.images, COALESCE(t.replicate_id, ''), t.status,"
    " COALESCE(t.progress, -1), t.logs_tail, COALESCE(t.version, ''), COALESCE(t.weights_url, ''),"
    " COALESCE(t.predict_time, -1), COALESCE(t.error, ''), COALESCE(t.hf_repo, ''), COALESCE(t.hf_commit, ''),"
    " COALESCE(t.hf_error, ''), COALESCE(t.notify_to, ''), COALESCE(t.notify_state, ''),"
    " COALESCE(t.notified_at, ''), COALESCE(t.notify_error, ''), COALESCE(t.message_id, ''),"
    " COALESCE(t.claimed_by, 0), t.created_at, COALESCE(t.started_at, ''), COALESCE(t.completed_at, ''),"
    " COALESCE(t.upload_id, ''), COALESCE(t.upload_state, ''), COALESCE(t.upload_error, '')"
    " FROM trainings t JOIN projects p ON p.id = t.project_id";

TrainingRow read_row(SQLite::Statement& q) {
  TrainingRow r;
  int c = 0;
  auto s = [&] { return q.getColumn(c++).getString(); };
  r.id = q.getColumn(c++).getInt64();
  r.project_id = q.getColumn(c++).getInt64();
  r.project = s(), r.trainer = s(), r.trainer_model = s(), r.trainer_version = s(), r.destination = s();
  r.hardware = s(), r.input = s(), r.input_digest = s(), r.zip_sha256 = s();
  r.images = q.getColumn(c++).getInt();
  r.replicate_id = s(), r.status = parse_training_status(s());
  r.progress = q.getColumn(c++).getDouble();
  r.logs_tail = s(), r.version = s(), r.weights_url = s();
  r.predict_time = q.getColumn(c++).getDouble();
  r.error = s(), r.hf_repo = s(), r.hf_commit = s(), r.hf_error = s();
  r.notify_to = s(), r.notify_state = s(), r.notified_at = s(), r.notify_error = s(), r.message_id = s();
  r.claimed_by = q.getColumn(c++).getInt64();
  r.created_at = s(), r.started_at = s(), r.completed_at = s();
  r.upload_id = s(), r.upload_state = s(), r.upload_error = s();
  return r;
}

}  // namespace

std::string training_ref(std::int64_t id) {
  std::string ref = "t";
  ref += std::to_string(id);
  return ref;
}

TrainingRow insert_training_intent(Database& db, const TrainingRow& r) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement ins(db.sql(),
                        "INSERT INTO trainings (project_id, trainer, trainer_model, trainer_version, destination,"
                        " hardware, input, input_digest, zip_sha256, images, status, hf_repo, notify_to, claimed_by,"
                        " created_at, upload_id, upload_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'intent', ?, ?, ?, ?, ?, ?)");
  int i = 1;
  ins.bind(i++, r.project_id);
  for (const auto* t : {&r.trainer, &r.trainer_model, &r.trainer_version, &r.destination, &r.hardware, &r.input,
                        &r.input_digest, &r.zip_sha256})
    ins.bind(i++, *t);
  ins.bind(i++, r.images);
  if (r.hf_repo.empty()) ins.bind(i++); else ins.bind(i++, r.hf_repo);
  if (r.notify_to.empty()) ins.bind(i++); else ins.bind(i++, r.notify_to);
  ins.bind(i++, r.claimed_by);
  ins.bind(i++, util::now_iso8601());
  if (r.upload_id.empty()) ins.bind(i++); else ins.bind(i++, r.upload_id);
  if (r.upload_state.empty()) ins.bind(i++); else ins.bind(i++, r.upload_state);
  ins.exec();
  const auto id = db.sql().getLastInsertRowid();
  tx.commit();
  return *find_training(db, id);
}

std::optional<TrainingRow> find_training(Database& db, std::int64_t id) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kSelect) + " WHERE t.id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return read_row(q);
}

std::optional<TrainingRow> find_training_by_replicate_id(Database& db, const std::string& rid) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kSelect) + " WHERE t.replicate_id = ?");
  q.bind(1, rid);
  if (!q.executeStep()) return std::nullopt;
  return read_row(q);
}

std::vector<TrainingRow> list_trainings(Database& db, std::int64_t project_id) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), std::string(kSelect) + (project_id ? " WHERE t.project_id = ?" : "") +
                                    " ORDER BY t.id DESC");
  if (project_id) q.bind(1, project_id);
  std::vector<TrainingRow> out;
  while (q.executeStep()) out.push_back(read_row(q));
  return out;
}

std::string to_string(TrainingStatus s) {
  switch (s) {
    case TrainingStatus::intent: return "intent";
    case TrainingStatus::sent: return "sent";
    case TrainingStatus::starting: return "starting";
    case TrainingStatus::processing: return "processing";
    case TrainingStatus::succeeded: return "succeeded";
    case TrainingStatus::failed: return "failed";
    case TrainingStatus::canceled: return "canceled";
    case TrainingStatus::aborted: return "aborted";
    case TrainingStatus::unknown: return "unknown";
    case TrainingStatus::abandoned: return "abandoned";
  }
  return "processing";
}

TrainingStatus parse_training_status(std::string_view s) {
  for (auto v : {TrainingStatus::intent, TrainingStatus::sent, TrainingStatus::starting, TrainingStatus::processing,
                 TrainingStatus::succeeded, TrainingStatus::failed, TrainingStatus::canceled, TrainingStatus::aborted,
                 TrainingStatus::unknown, TrainingStatus::abandoned})
    if (to_string(v) == s) return v;
  return TrainingStatus::processing;
}

bool failed(TrainingStatus s) {
  return s == TrainingStatus::failed || s == TrainingStatus::canceled || s == TrainingStatus::aborted;
}

bool settled(TrainingStatus s) {
  return s == TrainingStatus::succeeded || failed(s) || s == TrainingStatus::unknown || s == TrainingStatus::abandoned;
}

std::vector<TrainingRow> active_trainings(Database& db, std::int64_t project_id) {
  auto lock = db.lock();
  std::vector<TrainingRow> out;
  for (auto& t : list_trainings(db, project_id))
    if (!settled(t.status) || t.status == TrainingStatus::unknown)
      out.push_back(std::move(t));
  return out;
}

void mark_training_sent(Database& db, std::int64_t id) {
  auto lock = db.lock();
  detail::update_row(db, "UPDATE trainings SET status = 'sent' WHERE id = ?", {}, id);
}

void set_training_replicate_id(Database& db, std::int64_t id, const std::string& rid) {
  auto lock = db.lock();
  detail::update_row(db, "UPDATE trainings SET replicate_id = ?, status = CASE WHEN status IN ('intent','sent') THEN 'starting'"
           " ELSE status END WHERE id = ?", {rid}, id);
}

void delete_training(Database& db, std::int64_t id) { detail::update_row(db, "DELETE FROM trainings WHERE id = ?", {}, id); }

void update_training(Database& db, std::int64_t id, const TrainingUpdate& u) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement q(db.sql(),
                      "UPDATE trainings SET status = ?, progress = COALESCE(?, progress), logs_tail = ?,"
                      " version = COALESCE(?, version), weights_url = COALESCE(?, weights_url),"
                      " error = COALESCE(?, error), predict_time = COALESCE(?, predict_time),"
                      " started_at = COALESCE(?, started_at), completed_at = COALESCE(?, completed_at) WHERE id = ?");
  auto opt = [&](int i, const std::string& v) { if (v.empty()) q.bind(i); else q.bind(i, v); };
  q.bind(1, to_string(u.status));
  if (u.progress < 0) q.bind(2); else q.bind(2, u.progress);
  q.bind(3, u.logs_tail);
  opt(4, u.version);
  opt(5, u.weights_url);
  opt(6, u.error);
  if (u.predict_time < 0) q.bind(7); else q.bind(7, u.predict_time);
  opt(8, u.started_at);
  opt(9, u.completed_at);
  q.bind(10, id);
  q.exec();
  tx.commit();
}

bool claim_hf_push(Database& db, std::int64_t id, std::int64_t pid) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement q(db.sql(), "SELECT COALESCE(hf_claimed_by, 0), hf_commit IS NOT NULL FROM trainings WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep() || q.getColumn(1).getInt() != 0) return false;
  const std::int64_t holder = q.getColumn(0).getInt64();
  if (holder != 0 && holder != pid && (::kill(static_cast<pid_t>(holder), 0) == 0 || errno == EPERM)) return false;
  SQLite::Statement u(db.sql(), "UPDATE trainings SET hf_claimed_by = ? WHERE id = ?");
  u.bind(1, pid);
  u.bind(2, id);
  u.exec();
  tx.commit();
  return true;
}

void set_training_hf(Database& db, std::int64_t id, const std::string& commit, const std::string& error) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement q(db.sql(), "UPDATE trainings SET hf_commit = ?, hf_error = ?, hf_claimed_by = NULL WHERE id = ?");
  if (commit.empty()) q.bind(1); else q.bind(1, commit);
  if (error.empty()) q.bind(2); else q.bind(2, error);
  q.bind(3, id);
  q.exec();
  tx.commit();
}

void set_training_upload(Database& db, std::int64_t id, const std::string& state, const std::string& error) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement q(db.sql(), "UPDATE trainings SET upload_state = ?, upload_error = ? WHERE id = ?");
  q.bind(1, state);
  if (error.empty()) q.bind(2); else q.bind(2, error);
  q.bind(3, id);
  q.exec();
  tx.commit();
}

bool claim_notification(Database& db, std::int64_t id) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement q(db.sql(),
                      "UPDATE trainings SET notify_state = 'claimed', notified_at = ? WHERE id = ?"
                      " AND (notify_state IS NULL OR notify_state = 'failed')");
  q.bind(1, util::now_iso8601());
  q.bind(2, id);
  const int changed = q.exec();
  tx.commit();
  return changed == 1;
}

void finish_notification(Database& db, std::int64_t id, bool sent, const std::string& message_id,
                         const std::string& error) {
  auto lock = db.lock();
  detail::update_row(db, "UPDATE trainings SET notify_state = ?, message_id = ?, notify_error = ? WHERE id = ?",
       {sent ? "sent" : "failed", message_id, error}, id);
}

void record_notification_error(Database& db, std::int64_t id, const std::string& error) {
  auto lock = db.lock();
  detail::update_row(db, "UPDATE trainings SET notify_error = ? WHERE id = ?", {error}, id);
}

void reset_notification(Database& db, std::int64_t id) {
  auto lock = db.lock();
  detail::update_row(db, "UPDATE trainings SET notify_state = 'failed' WHERE id = ? AND notify_state = 'claimed'", {}, id);
}

}  // namespace photoagent::store
