#include "photoagent/store/spend.hpp"

#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>

namespace photoagent::store {

std::vector<BilledPrediction> billed_predictions(Database& db) {
  auto lock = db.lock();
  SQLite::Statement q(db.sql(),
                      "SELECT COALESCE(p.name, '-'), r.model, COALESCE(r.predict_time, -1), COALESCE(r.files, '[]'), r.created_at"
                      " FROM predictions r LEFT JOIN projects p ON p.id = r.project_id"
                      " WHERE r.status IN ('succeeded', 'expired')");
  std::vector<BilledPrediction> out;
  while (q.executeStep()) {
    const auto files = nlohmann::json::parse(q.getColumn(3).getString(), nullptr, false);
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getDouble(),
                   files.is_array() ? files.size() : 0, q.getColumn(4).getString()});
  }
  return out;
}

}  // namespace photoagent::store
