#pragma once
// Where a file came from (`search --file`): the image rows that hold the
// same bytes, and the prediction that made each.

#include <cstdint>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/images.hpp"

namespace photoagent::store {

struct ImageOrigin {
  Image image;
  std::int64_t prediction_id = 0;  // 0: not made by a prediction (an upload)
};

// Image rows whose stored file, or the original it was made from (an
// upload is re-encoded), has this sha256: outputs of a prediction first,
// then the others, oldest first.
std::vector<ImageOrigin> images_with_sha256(Database& db, const std::string& sha256);

// The prediction whose written files (predictions.files) list this absolute
// path, newest first; 0 when none. A scan: for one file at a time.
std::int64_t prediction_with_file(Database& db, const std::string& path);

// A project's name by id; "" when there is no such project (any more).
std::string project_name(Database& db, std::int64_t project_id);

}  // namespace photoagent::store
