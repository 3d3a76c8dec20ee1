#pragma once
// Rows of the `projects` table and the queries on them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "photoagent/store/database.hpp"

namespace photoagent::store {

struct Project {
  std::int64_t id = 0;
  std::string name;
  std::string kind;  // "person" | "product"
  std::string trigger;
  std::string description;
  std::string hf_repo;  // empty when none
  std::string created_at;
  std::int64_t images = 0;     // uploaded photos, filled by the queries
  std::int64_t generated = 0;  // outputs of generate kept in the cache
};

// Inserts and returns the new row; throws util::Error when the name is taken.
Project insert_project(Database& db, const Project& p);
std::optional<Project> find_project(Database& db, const std::string& name);
std::vector<Project> list_projects(Database& db);

// Removes the project and its image rows in one transaction and returns the
// stored files (relative paths) that no other image row refers to any more:
// the caller deletes those after the commit, so a crash can leave an orphan
// file but never a row pointing at nothing.
std::vector<std::string> delete_project(Database& db, std::int64_t project_id);

}  // namespace photoagent::store
