// Writing the training zip and listing archives. Extraction, which has to
// treat its input as hostile, lives in archive_extract.cpp.

#include "photoagent/util/archive.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <set>
#include <system_error>
#include <vector>

#include "archive_detail.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"

namespace photoagent::util {
namespace fs = std::filesystem;
using namespace archive_detail;

namespace archive_detail {

ReadHandle open_reader(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw failure("cannot read " + path.string() + ": " + (ec ? ec.message() : std::string("not a file")));
  ReadHandle a(la().read_new());
  if (!a) throw failure("cannot read " + path.string() + ": out of memory");
  // An explicit list rather than archive_read_support_*_all(): "all" formats
  // include mtree, whose entries make libarchive read files named in the
  // manifest from *our* disk, so a hostile "archive" could copy local files
  // into the output; "all" filters include ones that run external programs.
  // The trainer returns a plain tar; zip and the common compressors are
  // enough for everything else we read. These compressors are built into
  // Debian's libarchive (zlib, bzip2, xz, zstd), so no program is spawned.
  la().read_support_filter_gzip(a.get());
  la().read_support_filter_bzip2(a.get());
  la().read_support_filter_xz(a.get());
  la().read_support_filter_zstd(a.get());
  la().read_support_format_tar(a.get());
  la().read_support_format_zip(a.get());
  if (la().read_open_filename(a.get(), path.c_str(), kChunk) != ARCHIVE_OK)
    throw failure(path.string() + " is not a tar or zip archive, or is damaged (" + reason(a.get()) + ")");
  return a;
}

Utf8Names::Utf8Names() : utf8_(newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{})) {
  if (utf8_) old_ = uselocale(utf8_);
}

Utf8Names::~Utf8Names() {
  if (!utf8_) return;
  uselocale(old_);
  freelocale(utf8_);
}

const char* entry_name(archive_entry* e) {
  const char* s = la().entry_pathname(e);
  return s ? s : la().entry_pathname_utf8(e);
}
const char* entry_hardlink(archive_entry* e) {
  const char* s = la().entry_hardlink(e);
  return s ? s : la().entry_hardlink_utf8(e);
}
const char* entry_symlink(archive_entry* e) {
  const char* s = la().entry_symlink(e);
  return s ? s : la().entry_symlink_utf8(e);
}

std::string reason(struct archive* a, std::string_view fallback) {
  const char* s = la().error_string(a);
  return s && *s ? std::string(s) : std::string(fallback);
}

std::string printable(std::string_view name) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace archive_detail

namespace {

// A fixed timestamp (2020-01-01) makes the zip depend only on its content,
// so the same photos give the same bytes and the same SHA-256 (the upload
// can be skipped when the hash is already known). libarchive converts it to
// the DOS time field with localtime(), so that holds within one time zone.
constexpr time_t kZipTime = 1577836800;

// Reasons a name is refused, or empty when it is fine. The trainer extracts
// the zip with directory structure and skips "._*" (macOS resource forks),
// so a flat, plain name is the only kind that reliably arrives as sent.
std::string bad_member_name(const std::string& name) {
  if (name.empty()) return "is empty";
  if (name == "." || name == "..") return "is not a file name";
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos)
    return "contains a path separator; zip members must be flat";
  // Plain ASCII (images.md §4): no trainer meets an encoding question, and
  // libarchive would otherwise convert the name through the C locale.
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    if (c > 0x7f) return "is not plain ASCII; keep the original name elsewhere";
  }
  if (name.starts_with("._")) return "starts with \"._\", which the trainer skips";
  return {};
}

// libarchive calls back into C++ from C; an exception must not unwind
// through its frames, so the callback keeps it and write_zip rethrows it.
struct Sink {
  AtomicFile* file;
  std::exception_ptr error;
};

la_ssize_t sink_write(struct archive*, void* ctx, const void* buf, size_t n) {
  auto* sink = static_cast<Sink*>(ctx);
  try {
    sink->file->write({static_cast<const char*>(buf), n});
    return static_cast<la_ssize_t>(n);
  } catch (...) {
    if (!sink->error) sink->error = std::current_exception();
    return -1;
  }
}

struct Planned {
  const ZipMember* member;
  std::uint64_t size;
};

// Checks every name and file before the first byte is written, so the common
// mistakes fail fast and name the member.
std::vector<Planned> plan(const fs::path& zip, const std::vector<ZipMember>& members) {
  std::vector<Planned> out;
  std::set<std::string> seen;
  for (const auto& m : members) {
    if (auto why = bad_member_name(m.name); !why.empty())
      throw failure("cannot write " + zip.string() + ": member name \"" + printable(m.name) + "\" " + why);
    if (!seen.insert(m.name).second)
      throw failure("cannot write " + zip.string() + ": member name \"" + printable(m.name) + "\" appears twice");
    if (m.file.empty()) {
      out.push_back({&m, m.content.size()});
      continue;
    }
    std::error_code ec;
    auto st = fs::status(m.file, ec);
    if (ec || !fs::is_regular_file(st))
      throw failure("cannot add " + m.file.string() + " to " + zip.string() + ": " +
                    (ec ? ec.message() : std::string("not a regular file")));
    auto size = fs::file_size(m.file, ec);
    if (ec) throw failure("cannot add " + m.file.string() + " to " + zip.string() + ": " + ec.message());
    out.push_back({&m, size});
  }
  return out;
}

}  // namespace

void write_zip(const fs::path& zip, const std::vector<ZipMember>& members) {
  const auto planned = plan(zip, members);
  const std::string where = "cannot write " + zip.string() + ": ";

  // Declared before the handle so it outlives it: archive_write_free() on an
  // error path may still flush through the callback into this file.
  AtomicFile out(zip);
  Sink sink{&out, nullptr};
  WriteHandle a(la().write_new());
  if (!a) throw failure(where + "out of memory");
  auto check = [&](int r, const std::string& what) {
    if (r == ARCHIVE_OK) return;
    if (sink.error) std::rethrow_exception(sink.error);  // the real cause, e.g. disk full
    throw failure(where + what + ": " + reason(a.get()));
  };

  check(la().write_set_format_zip(a.get()), "zip format");
  // 64 KiB writes, and no padding after the end record: by default
  // libarchive pads the last write to a full 10 KiB block, as for tapes.
  check(la().write_set_bytes_per_block(a.get(), static_cast<int>(kChunk)), "block size");
  check(la().write_set_bytes_in_last_block(a.get(), 1), "block size");
  check(la().write_open(a.get(), &sink, nullptr, sink_write, nullptr), "open");

  EntryHandle entry(la().entry_new());
  if (!entry) throw failure(where + "out of memory");
  std::vector<char> buf(kChunk);
  for (const auto& planned_member : planned) {
    // Plain names, not a structured binding: lambdas below capture `m`,
    // which clang 14 refuses for bindings.
    const ZipMember* m = planned_member.member;
    const std::uint64_t size = planned_member.size;
    // "zip:compression=store" is only accepted before the archive is open
    // and would apply to every member; this call is per entry and may be
    // made between entries. The size must be set too: with an unknown size
    // libarchive ignores the request, deflates and adds Zip64 records. An
    // empty member is stored as well: deflating nothing still takes 2 bytes.
    check(m->store || size == 0 ? la().write_zip_set_compression_store(a.get())
                                : la().write_zip_set_compression_deflate(a.get()),
          "compression");
    la().entry_clear(entry.get());
    la().entry_set_pathname(entry.get(), m->name.c_str());
    la().entry_set_filetype(entry.get(), AE_IFREG);
    la().entry_set_perm(entry.get(), 0644);
    la().entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    la().entry_set_mtime(entry.get(), kZipTime, 0);
    check(la().write_header(a.get(), entry.get()), m->name);

    // libarchive silently clips data beyond the declared size and does not
    // notice a shortfall, so the byte count is ours to check.
    std::uint64_t written = 0;
    auto put = [&](const char* p, std::size_t n) {
      la_ssize_t r = la().write_data(a.get(), p, n);
      if (r < 0 || static_cast<std::size_t>(r) != n) check(ARCHIVE_FATAL, m->name);
      written += n;
    };
    if (m->file.empty()) {
      for (std::size_t off = 0; off < m->content.size(); off += kChunk)
        put(m->content.data() + off, std::min(kChunk, m->content.size() - off));
    } else {
      auto in = open_file(m->file, "rb");
      while (written < size) {
        auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - written));
        std::size_t n = std::fread(buf.data(), 1, want, in.get());
        if (n == 0) break;
        put(buf.data(), n);
      }
      if (std::ferror(in.get())) throw failure("cannot read " + m->file.string() + " for " + zip.string());
      if (written == size && std::fgetc(in.get()) != EOF) written = size + 1;  // it grew
    }
    if (written != size)
      throw failure(where + m->file.string() + " changed size while it was being added", "run the command again");
    check(la().write_finish_entry(a.get()), m->name);
  }
  check(la().write_close(a.get()), "finish");
  out.commit();
}

std::vector<ArchiveEntry> list_archive(const fs::path& path) {
  Utf8Names utf8;
  auto a = open_reader(path);
  std::vector<ArchiveEntry> out;
  archive_entry* e = nullptr;
  for (;;) {
    int r = la().read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    // ARCHIVE_WARN (e.g. a name not representable in the locale) still
    // describes the entry; only failures end the listing.
    if (r < ARCHIVE_WARN) throw failure("cannot read " + path.string() + ": " + reason(a.get()));
    const char* name = entry_name(e);
    bool regular = la().entry_filetype(e) == AE_IFREG && !entry_hardlink(e);
    out.push_back({name ? name : "",
                   la().entry_size_is_set(e) ? static_cast<std::uint64_t>(la().entry_size(e)) : 0, regular});
    // Reading on to the next header skips the data; doing it here surfaces a
    // truncated member as an error instead of a silently short listing.
    if (la().read_data_skip(a.get()) < ARCHIVE_WARN)
      throw failure("cannot read " + path.string() + ": " + reason(a.get()));
  }
  return out;
}

}  // namespace photoagent::util
