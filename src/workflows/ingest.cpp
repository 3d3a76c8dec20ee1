#include "photoagent/workflows/ingest.hpp"

#include <mutex>
#include <new>
#include <optional>

#include "photoagent/image/prepare.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/text_check.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/util/worker_pool.hpp"

namespace photoagent::workflows {
namespace fs = std::filesystem;

namespace {

std::string megabytes(std::uintmax_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

// A file that did not fail: added, or skipped (with the reason).
struct FileResult {
  std::optional<store::Image> added;
  IngestSkipped skipped;
};

class Ingestor {
 public:
  Ingestor(store::Database& db, const store::Project& p, const IngestOptions& o) : db_(db), project_(p), opts_(o) {}

  // Adds or skips one file; throws util::Error (the reason) when it fails.
  // A failed file leaves nothing behind.
  FileResult run_one(const InputFile& in) {
    try {
      return add(in);
    } catch (const util::Error&) {
      throw;
    } catch (const std::bad_alloc&) {
      throw util::failure("out of memory while decoding");
    } catch (const std::exception& e) {
      if (auto known = db_.explain(e)) throw *known;  // the cache database, with its way out
      throw util::failure(std::string("could not be stored: ") + e.what());
    }
  }

 private:
  FileResult add(const InputFile& in) {
    std::error_code ec;
    const auto size = fs::file_size(in.path, ec);
    if (ec) throw util::failure("cannot read: " + ec.message());
    if (size == 0) throw util::failure("empty file");
    if (size > opts_.limits.max_file_bytes)
      throw util::failure("file is " + megabytes(size) + "; the limit is " + megabytes(opts_.limits.max_file_bytes));
    const std::string bytes = util::read_file(in.path, opts_.limits.max_file_bytes);
    const std::string source_sha = util::sha256_hex(bytes);
    {
      if (auto existing = store::find_image_by_source(db_, project_.id, source_sha))
        return skipped(in, "already in " + project_.name + " as image " + std::to_string(existing->id), existing->id);
    }
    image::PrepareOptions po;
    po.max_side = opts_.max_side;
    po.limits = opts_.limits;
    const auto prepared =
        image::prepare(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()), po);
    const std::string_view jpeg(reinterpret_cast<const char*>(prepared.jpeg.data()), prepared.jpeg.size());
    store::Image img;
    img.project_id = project_.id;
    img.sha256 = util::sha256_hex(jpeg);
    img.source_sha256 = source_sha;
    img.original_name = in.path.filename().string();
    img.bytes = static_cast<std::int64_t>(jpeg.size());
    img.width = static_cast<int>(prepared.width);
    img.height = static_cast<int>(prepared.height);
    img.caption = opts_.caption.empty() ? sidecar_caption(in.path) : opts_.caption;
    img.category = opts_.category;
    img.tags = opts_.tags;
    // Captions go into JSON, the training zip and the model card: UTF-8 only,
    // refused for this photo with where the bad byte is.
    auto sidecar = in.path;
    util::check_text(opts_.caption.empty() ? "the caption in " + sidecar.replace_extension(".txt").filename().string()
                                           : std::string("--caption"),
                     img.caption);
    util::check_text("--category", img.category);
    util::check_text("--tags", img.tags);
    img.created_at = util::now_iso8601();
    img.path = store::write_blob(db_.data_dir(), img.sha256, "jpg", jpeg);
    try {
      auto row = store::insert_image(db_, img);
      if (!row) {
        // Another process (or an identical file in this run) got there first.
        store::remove_blob_if_unreferenced(db_, img.path);
        return skipped(in, "a copy of it was just added");
      }
      return FileResult{std::move(*row), {}};
    } catch (...) {
      store::remove_blob_if_unreferenced(db_, img.path);
      throw;
    }
  }

  static FileResult skipped(const InputFile& in, std::string why, std::int64_t id = 0) {
    return FileResult{std::nullopt, {in.display, std::move(why), id}};
  }

  store::Database& db_;
  const store::Project& project_;
  const IngestOptions& opts_;
};

}  // namespace

IngestReport ingest(store::Database& db, const store::Project& project, const std::vector<InputFile>& files,
                    const IngestOptions& options, const IngestProgress& progress) {
  Ingestor ingestor(db, project, options);
  std::vector<FileResult> results(files.size());
  util::ItemDoneCallback on_done;
  if (progress) on_done = [&](const util::ItemDone& d) { progress(d.done, d.total); };
  const auto pool = util::parallel_for_each(
      files.size(), options.jobs, [&](std::size_t i) { results[i] = ingestor.run_one(files[i]); }, on_done);

  // In the order the user gave the files, whatever the worker order.
  IngestReport report;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& item = pool.items[i];
    if (item.state == util::ItemState::failed) {
      report.failed.push_back({files[i].display, item.error});
    } else if (item.state == util::ItemState::succeeded) {
      if (results[i].added) report.added.push_back({files[i].display, std::move(*results[i].added)});
      else report.skipped.push_back(std::move(results[i].skipped));
    }
    // not_started / interrupted: that file left nothing behind.
  }
  report.interrupted = pool.stopped || util::interrupt_signal() != 0;
  return report;
}

}  // namespace photoagent::workflows
