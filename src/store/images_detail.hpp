#pragma once
// Shared by the store's image queries (images.cpp, search.cpp).

#include <SQLiteCpp/Statement.h>

#include "photoagent/store/images.hpp"

namespace photoagent::store::detail {

// The 15 columns read_image_row reads, in its order (aliases: i = images,
// p = projects).
inline constexpr char kImageColumns[] =
    "i.id, i.project_id, p.name, i.sha256, i.source_sha256, i.path, i.original_name, i.bytes, i.width,"
    " i.height, i.caption, COALESCE(i.category, ''), i.tags, i.source, i.created_at";

// An image from the first 15 columns of a query that selects kImageColumns first.
Image read_image_row(SQLite::Statement& q);

}  // namespace photoagent::store::detail
