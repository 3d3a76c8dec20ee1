#include "project_arg.hpp"

#include <filesystem>

#include "photoagent/workflows/projects.hpp"

namespace photoagent::cli {

std::string take_project_argument(Context& ctx, const std::string& flag_value, std::vector<std::string>& args,
                                  std::size_t min_rest) {
  if (!flag_value.empty()) return flag_value;
  if (args.empty() || args.size() - 1 < min_rest) return {};
  std::error_code ec;
  // A file or folder that happens to share a project's name stays a path.
  if (std::filesystem::exists(args.front(), ec) || !workflows::find_project(ctx.db(), args.front())) return {};
  std::string name = std::move(args.front());
  args.erase(args.begin());
  return name;
}

}  // namespace photoagent::cli
