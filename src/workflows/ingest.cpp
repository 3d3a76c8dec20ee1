#include "photoagent/workflows/ingest.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "photoagent/image/prepare.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/hash.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/time.hpp"

namespace photoagent::workflows {
namespace fs = std::filesystem;

namespace {

std::string megabytes(std::uintmax_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

class Ingestor {
 public:
  Ingestor(store::Database& db, const store::Project& p, const IngestOptions& o) : db_(db), project_(p), opts_(o) {}

  // Returns what happened to one file; never throws for a bad file.
  void run_one(const InputFile& in) {
    try {
      std::error_code ec;
      const auto size = fs::file_size(in.path, ec);
      if (ec) return fail(in, "cannot read: " + ec.message());
      if (size == 0) return fail(in, "empty file");
      if (size > opts_.limits.max_file_bytes)
        return fail(in, "file is " + megabytes(size) + "; the limit is " + megabytes(opts_.limits.max_file_bytes));
      const std::string bytes = util::read_file(in.path, opts_.limits.max_file_bytes);
      const std::string source_sha = util::sha256_hex(bytes);
      {
        std::lock_guard lock(db_mu_);
        if (auto existing = store::find_image_by_source(db_, project_.id, source_sha))
          return skip_locked(in, "already in " + project_.name + " as image " + std::to_string(existing->id),
                             existing->id);
      }
      image::PrepareOptions po;
      po.max_side = opts_.max_side;
      po.limits = opts_.limits;
      const auto prepared = image::prepare(
          std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()), po);
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
      img.created_at = util::now_iso8601();
      img.path = store::write_blob(db_.data_dir(), img.sha256, "jpg", jpeg);
      std::lock_guard lock(db_mu_);
      try {
        auto row = store::insert_image(db_, img);
        if (!row) {
          // Another process (or an identical file in this run) got there first.
          store::remove_blob_if_unreferenced(db_, img.path);
          return skip_locked(in, "a copy of it was just added");
        }
        report_.added.push_back({in.display, *row});
      } catch (...) {
        store::remove_blob_if_unreferenced(db_, img.path);
        throw;
      }
    } catch (const util::Error& e) {
      if (e.code() == util::ExitCode::interrupted || e.code() == util::ExitCode::terminated) throw;
      fail(in, e.message());
    } catch (const std::bad_alloc&) {
      fail(in, "out of memory while decoding");
    } catch (const std::exception& e) {
      fail(in, std::string("could not be stored: ") + e.what());
    }
  }

  IngestReport take() { return std::move(report_); }

 private:
  void fail(const InputFile& in, std::string why) {
    std::lock_guard lock(db_mu_);
    report_.failed.push_back({in.display, std::move(why)});
  }
  void skip_locked(const InputFile& in, std::string why, std::int64_t id = 0) {
    report_.skipped.push_back({in.display, std::move(why), id});
  }

  store::Database& db_;
  const store::Project& project_;
  const IngestOptions& opts_;
  std::mutex db_mu_;  // one SQLite connection, shared by the workers in turn
  IngestReport report_;
};

}  // namespace

IngestReport ingest(store::Database& db, const store::Project& project, const std::vector<InputFile>& files,
                    const IngestOptions& options, const IngestProgress& progress) {
  Ingestor ingestor(db, project, options);
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> stopped{false};
  auto worker = [&] {
    for (std::size_t i; !stopped && (i = next++) < files.size();) {
      if (util::interrupt_signal() != 0) {
        stopped = true;
        break;
      }
      try {
        ingestor.run_one(files[i]);
      } catch (const util::Error&) {
        stopped = true;  // interrupted mid-file: that file left nothing behind
        break;
      }
      if (progress) progress(++done, files.size());
    }
  };
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(files.size(), 1)));
  std::vector<std::thread> pool;
  for (unsigned j = 1; j < jobs; ++j) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  IngestReport report = ingestor.take();
  report.interrupted = stopped || util::interrupt_signal() != 0;
  // Results in the order the user gave the files, whatever the worker order.
  std::unordered_map<std::string, std::size_t> order;
  for (std::size_t i = 0; i < files.size(); ++i) order.emplace(files[i].display, i);
  auto rank = [&](const std::string& display) { return order.at(display); };
  std::stable_sort(report.added.begin(), report.added.end(),
                   [&](const auto& a, const auto& b) { return rank(a.file) < rank(b.file); });
  return report;
}

}  // namespace photoagent::workflows
