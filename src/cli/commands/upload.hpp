#pragma once
// photoagent upload [PROJECT] PATH...

#include <string>
#include <vector>

#include "../context.hpp"
#include "../flags.hpp"

namespace photoagent::cli {

struct UploadOptions {
  std::string project;             // -p/--project
  std::vector<std::string> args;   // [PROJECT] PATH...
  std::string caption;
  std::string category;
  std::string tags;
  bool auto_caption = false;
  bool auto_tags = false;
  int max_side = 0;  // 0: config upload.max_side
  int jobs = 0;      // 0: one per core
};
int run_upload(Context& ctx, const UploadOptions& o);
CommandSpec upload_command();

}  // namespace photoagent::cli
