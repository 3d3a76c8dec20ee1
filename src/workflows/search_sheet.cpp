// search --contact-sheet (search.hpp): the results on one picture.
#include <cstdio>

#include "photoagent/image/contact_sheet.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/search.hpp"

namespace photoagent::workflows {

SearchSheet write_search_contact_sheet(const SearchReport& report, const std::filesystem::path& output) {
  SearchSheet sheet;
  std::vector<std::filesystem::path> files;
  image::ContactSheetOptions options;
  for (const auto& r : report.results) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(r.path, ec)) {
      sheet.missing.push_back(r.path.string());
      continue;
    }
    char label[64];
    std::snprintf(label, sizeof label, "#%lld %.2f", static_cast<long long>(r.image.id), r.score);
    files.push_back(r.path);
    options.captions.emplace_back(label);
  }
  if (files.empty()) throw util::failure("no result's file is on disk: no contact sheet written");
  sheet.columns = image::write_contact_sheet(files, output, options).columns;
  sheet.drawn = files.size();
  return sheet;
}

}  // namespace photoagent::workflows
