#include "photoagent/store/predictions.hpp"

#include <SQLiteCpp/Statement.h>
#include <signal.h>

#include <cerrno>
#include <functional>

#include "photoagent/util/time.hpp"
#include "write_detail.hpp"

namespace photoagent::store {
namespace {

constexpr const char* kColumns =
    "id, key, purpose, model, version, input, input_digest, COALESCE(replicate_id, ''), status,"
    " COALESCE(output, ''), COALESCE(error, ''), COALESCE(predict_time, -1), COALESCE(project_id, 0),"
    " COALESCE(image_id, 0), COALESCE(claimed_by, 0), created_at, COALESCE(sent_at, ''),"
    " COALESCE(completed_at, '')";
const std::string kSelect = std::string("SELECT ") + kColumns + " FROM predictions";

PredictionRow read_row(SQLite::Statement& q) {
  PredictionRow r;
  r.id = q.getColumn(0).getInt64();
  r.key = q.getColumn(1).getString();
  r.purpose = q.getColumn(2).getString();
  r.model = q.getColumn(3).getString();
  r.version = q.getColumn(4).getString();
  r.input = q.getColumn(5).getString();
  r.input_digest = q.getColumn(6).getString();
  r.replicate_id = q.getColumn(7).getString();
  r.status = parse_prediction_status(q.getColumn(8).getString());
  r.output = q.getColumn(9).getString();
  r.error = q.getColumn(10).getString();
  r.predict_time = q.getColumn(11).getDouble();
  r.project_id = q.getColumn(12).getInt64();
  r.image_id = q.getColumn(13).getInt64();
  r.claimed_by = q.getColumn(14).getInt64();
  r.created_at = q.getColumn(15).getString();
  r.sent_at = q.getColumn(16).getString();
  r.completed_at = q.getColumn(17).getString();
  return r;
}

template <typename T>
std::optional<PredictionRow> find_by(Database& db, const char* where, const T& value) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), kSelect + " WHERE " + where + " = ?");
  q.bind(1, value);
  if (!q.executeStep()) return std::nullopt;
  return read_row(q);
}

// One UPDATE on one row in its own transaction, the row given back.
PredictionRow write_returning(Database& db, const std::string& update,
                              const std::function<void(SQLite::Statement&)>& bind) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  auto row = detail::returning_row(db, update + " RETURNING " + kColumns, bind, read_row);
  tx.commit();
  return row;
}

bool process_alive(std::int64_t pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

}  // namespace

std::string to_string(PredictionStatus s) {
  switch (s) {
    case PredictionStatus::intent: return "intent";
    case PredictionStatus::sent: return "sent";
    case PredictionStatus::starting: return "starting";
    case PredictionStatus::processing: return "processing";
    case PredictionStatus::succeeded: return "succeeded";
    case PredictionStatus::failed: return "failed";
    case PredictionStatus::canceled: return "canceled";
    case PredictionStatus::aborted: return "aborted";
    case PredictionStatus::unknown: return "unknown";
    case PredictionStatus::expired: return "expired";
  }
  return "processing";
}

PredictionStatus parse_prediction_status(std::string_view s) {
  for (auto v : {PredictionStatus::intent, PredictionStatus::sent, PredictionStatus::starting,
                 PredictionStatus::processing, PredictionStatus::succeeded, PredictionStatus::failed,
                 PredictionStatus::canceled, PredictionStatus::aborted, PredictionStatus::unknown,
                 PredictionStatus::expired})
    if (to_string(v) == s) return v;
  return PredictionStatus::processing;
}

bool finished(PredictionStatus s) {
  return s == PredictionStatus::succeeded || s == PredictionStatus::failed || s == PredictionStatus::canceled ||
         s == PredictionStatus::aborted;
}

bool settled(PredictionStatus s) {
  return finished(s) || s == PredictionStatus::unknown || s == PredictionStatus::expired;
}

std::optional<PredictionRow> find_prediction(Database& db, const std::string& key) { return find_by(db, "key", key); }
std::optional<PredictionRow> find_prediction_by_id(Database& db, std::int64_t id) { return find_by(db, "id", id); }
std::optional<PredictionRow> find_prediction_by_replicate_id(Database& db, const std::string& rid) {
  auto lock = db.lock();
  return find_by(db, "replicate_id", rid);
}

PredictionRow insert_prediction_intent(Database& db, const PredictionRow& row, const GenerationInfo* gen) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  if (auto existing = find_prediction(db, row.key)) return *existing;
  SQLite::Statement ins(db.sql(),
                        "INSERT INTO predictions (key, purpose, model, version, input, input_digest, status,"
                        " project_id, image_id, claimed_by, created_at, prompt, style, seed, output_dir)"
                        " VALUES (?, ?, ?, ?, ?, ?, 'intent', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " +
                            std::string(kColumns));
  ins.bind(1, row.key);
  ins.bind(2, row.purpose);
  ins.bind(3, row.model);
  ins.bind(4, row.version);
  ins.bind(5, row.input);
  ins.bind(6, row.input_digest);
  if (row.project_id) ins.bind(7, row.project_id); else ins.bind(7);
  if (row.image_id) ins.bind(8, row.image_id); else ins.bind(8);
  ins.bind(9, row.claimed_by);
  ins.bind(10, row.created_at.empty() ? util::now_iso8601() : row.created_at);
  if (gen) {
    ins.bind(11, gen->prompt);
    if (gen->style.empty()) ins.bind(12); else ins.bind(12, gen->style);
    if (gen->seed < 0) ins.bind(13); else ins.bind(13, static_cast<std::int64_t>(gen->seed));
    ins.bind(14, gen->output_dir);
  } else {
    for (int i = 11; i <= 14; ++i) ins.bind(i);
  }
  ins.executeStep();
  auto out = read_row(ins);
  ins.reset();
  tx.commit();
  return out;
}

std::optional<PredictionRow> claim_prediction(Database& db, std::int64_t id, std::int64_t pid) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  auto row = find_prediction_by_id(db, id);
  if (!row) return std::nullopt;
  if (row->claimed_by != pid && process_alive(row->claimed_by)) return std::nullopt;
  auto out = detail::returning_row(db,
                                   "UPDATE predictions SET claimed_by = ?,"
                                   " sent_at = CASE WHEN status = 'intent' THEN ? ELSE sent_at END,"
                                   " status = CASE WHEN status = 'intent' THEN 'sent' ELSE status END"
                                   " WHERE id = ? RETURNING " + std::string(kColumns),
                                   [&](SQLite::Statement& u) {
                                     u.bind(1, pid);
                                     u.bind(2, util::now_iso8601());
                                     u.bind(3, id);
                                   }, read_row);
  tx.commit();
  return out;
}

void set_prediction_version(Database& db, std::int64_t id, const std::string& version) {
  auto lock = db.lock();
  detail::update_row(db, "UPDATE predictions SET version = ?, status = 'intent' WHERE id = ?", {version}, id);
}

void retire_prediction_key(Database& db, std::int64_t id) {
  auto lock = db.lock();
  detail::update_row(db, "UPDATE predictions SET key = key || ':retired:' || id WHERE id = ?", {}, id);
}

void delete_prediction(Database& db, std::int64_t id) {
  auto lock = db.lock();
  detail::update_row(db, "DELETE FROM predictions WHERE id = ?", {}, id);
}

PredictionRow mark_prediction_sent(Database& db, std::int64_t id) {
  auto lock = db.lock();
  return write_returning(db, "UPDATE predictions SET status = 'sent', sent_at = ? WHERE id = ?", [&](SQLite::Statement& u) {
    u.bind(1, util::now_iso8601());
    u.bind(2, id);
  });
}

PredictionRow record_prediction_answer(Database& db, std::int64_t id, const PredictionAnswer& a) {
  auto lock = db.lock();
  const bool terminal = finished(a.status);
  return write_returning(
      db,
      "UPDATE predictions SET replicate_id = COALESCE(?, replicate_id), status = ?, output = COALESCE(?, output),"
      " error = ?, predict_time = COALESCE(?, predict_time),"
      " completed_at = CASE WHEN ? THEN COALESCE(completed_at, ?) ELSE completed_at END WHERE id = ?",
      [&](SQLite::Statement& u) {
        if (a.replicate_id.empty()) u.bind(1); else u.bind(1, a.replicate_id);
        u.bind(2, to_string(a.status));
        if (a.output.empty() || a.output == "null") u.bind(3); else u.bind(3, a.output);
        if (a.error.empty()) u.bind(4); else u.bind(4, a.error);
        if (a.predict_time < 0) u.bind(5); else u.bind(5, a.predict_time);
        u.bind(6, terminal ? 1 : 0);
        u.bind(7, util::now_iso8601());
        u.bind(8, id);
      });
}

std::optional<PredictionRow> adopt_prediction(Database& db, std::int64_t id, const PredictionAnswer& a) {
  auto tx = db.write_transaction();
  if (auto owner = find_prediction_by_replicate_id(db, a.replicate_id); owner && owner->id != id) return std::nullopt;
  auto row = record_prediction_answer(db, id, a);  // joins this transaction (the lock is recursive)
  tx.commit();
  return row;
}

PredictionRow set_prediction_state(Database& db, std::int64_t id, PredictionStatus status, const std::string& error) {
  auto lock = db.lock();
  return write_returning(db, "UPDATE predictions SET status = ?, error = ? WHERE id = ?", [&](SQLite::Statement& u) {
    u.bind(1, to_string(status));
    if (error.empty()) u.bind(2); else u.bind(2, error);
    u.bind(3, id);
  });
}

void set_predict_times(Database& db, const std::vector<std::pair<std::int64_t, double>>& times) {
  auto lock = db.lock();
  if (times.empty()) return;
  auto tx = db.write_transaction();
  SQLite::Statement u(db.sql(), "UPDATE predictions SET predict_time = ? WHERE id = ?");
  for (const auto& [id, seconds] : times) {
    u.bind(1, seconds);
    u.bind(2, id);
    u.exec();
    u.reset();
  }
  tx.commit();
}

void set_generation_info(Database& db, std::int64_t id, const GenerationInfo& g) {
  auto lock = db.lock();
  auto tx = db.write_transaction();
  SQLite::Statement u(db.sql(), "UPDATE predictions SET prompt = ?, style = ?, seed = ?, output_dir = ? WHERE id = ?");
  u.bind(1, g.prompt);
  if (g.style.empty()) u.bind(2); else u.bind(2, g.style);
  if (g.seed < 0) u.bind(3); else u.bind(3, static_cast<std::int64_t>(g.seed));
  u.bind(4, g.output_dir);
  u.bind(5, id);
  u.exec();
  tx.commit();
}

GenerationInfo generation_info(Database& db, std::int64_t id) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), "SELECT COALESCE(prompt, ''), COALESCE(style, ''), COALESCE(seed, -1),"
                                " COALESCE(output_dir, '') FROM predictions WHERE id = ?");
  q.bind(1, id);
  GenerationInfo g;
  if (q.executeStep()) {
    g.prompt = q.getColumn(0).getString();
    g.style = q.getColumn(1).getString();
    g.seed = q.getColumn(2).getInt64();
    g.output_dir = q.getColumn(3).getString();
  }
  return g;
}

void set_prediction_files(Database& db, std::int64_t id, const std::string& files_json) {
  auto lock = db.lock();
  detail::update_row(db, "UPDATE predictions SET files = ? WHERE id = ?", {files_json}, id);
}

std::string prediction_files(Database& db, std::int64_t id) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), "SELECT COALESCE(files, '') FROM predictions WHERE id = ?");
  q.bind(1, id);
  return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

std::vector<PredictionRow> unfinished_predictions(Database& db) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), kSelect +
                                    " WHERE status NOT IN ('succeeded', 'failed', 'canceled', 'aborted', 'expired')"
                                    " AND key NOT LIKE '%:retired:%' ORDER BY id");
  std::vector<PredictionRow> out;
  while (q.executeStep()) out.push_back(read_row(q));
  return out;
}

std::vector<PredictionRow> predictions_missing_predict_time(Database& db, std::int64_t project_id) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(), kSelect +
                                    " WHERE status IN ('succeeded', 'expired') AND predict_time IS NULL AND replicate_id IS NOT NULL"
                                    " AND (? = 0 OR project_id = ?) ORDER BY id");
  q.bind(1, project_id);
  q.bind(2, project_id);
  std::vector<PredictionRow> out;
  while (q.executeStep()) out.push_back(read_row(q));
  return out;
}

}  // namespace photoagent::store
