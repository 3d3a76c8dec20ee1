#include "archive_api.hpp"

#include <mutex>

#include "photoagent/util/shared_library.hpp"

namespace photoagent::util::archive_detail {
namespace {

void load(ArchiveApi& a) {
  const SharedLibrary lib({"libarchive.so.13", "libarchive13", "write the training zip and read archives"});
  lib.bind(a.read_new, "archive_read_new");
  lib.bind(a.read_free, "archive_read_free");
  lib.bind(a.read_support_filter_gzip, "archive_read_support_filter_gzip");
  lib.bind(a.read_support_filter_bzip2, "archive_read_support_filter_bzip2");
  lib.bind(a.read_support_filter_xz, "archive_read_support_filter_xz");
  lib.bind(a.read_support_filter_zstd, "archive_read_support_filter_zstd");
  lib.bind(a.read_support_format_tar, "archive_read_support_format_tar");
  lib.bind(a.read_support_format_zip, "archive_read_support_format_zip");
  lib.bind(a.read_open_filename, "archive_read_open_filename");
  lib.bind(a.read_next_header, "archive_read_next_header");
  lib.bind(a.read_data, "archive_read_data");
  lib.bind(a.read_data_skip, "archive_read_data_skip");
  lib.bind(a.write_new, "archive_write_new");
  lib.bind(a.write_free, "archive_write_free");
  lib.bind(a.write_set_format_zip, "archive_write_set_format_zip");
  lib.bind(a.write_set_bytes_per_block, "archive_write_set_bytes_per_block");
  lib.bind(a.write_set_bytes_in_last_block, "archive_write_set_bytes_in_last_block");
  lib.bind(a.write_open, "archive_write_open");
  lib.bind(a.write_zip_set_compression_store, "archive_write_zip_set_compression_store");
  lib.bind(a.write_zip_set_compression_deflate, "archive_write_zip_set_compression_deflate");
  lib.bind(a.write_header, "archive_write_header");
  lib.bind(a.write_data, "archive_write_data");
  lib.bind(a.write_finish_entry, "archive_write_finish_entry");
  lib.bind(a.write_close, "archive_write_close");
  lib.bind(a.entry_new, "archive_entry_new");
  lib.bind(a.entry_free, "archive_entry_free");
  lib.bind(a.entry_clear, "archive_entry_clear");
  lib.bind(a.entry_pathname, "archive_entry_pathname");
  lib.bind(a.entry_pathname_utf8, "archive_entry_pathname_utf8");
  lib.bind(a.entry_hardlink, "archive_entry_hardlink");
  lib.bind(a.entry_hardlink_utf8, "archive_entry_hardlink_utf8");
  lib.bind(a.entry_symlink, "archive_entry_symlink");
  lib.bind(a.entry_symlink_utf8, "archive_entry_symlink_utf8");
  lib.bind(a.entry_filetype, "archive_entry_filetype");
  lib.bind(a.entry_size, "archive_entry_size");
  lib.bind(a.entry_size_is_set, "archive_entry_size_is_set");
  lib.bind(a.entry_set_pathname, "archive_entry_set_pathname");
  lib.bind(a.entry_set_filetype, "archive_entry_set_filetype");
  lib.bind(a.entry_set_perm, "archive_entry_set_perm");
  lib.bind(a.entry_set_size, "archive_entry_set_size");
  lib.bind(a.entry_set_mtime, "archive_entry_set_mtime");
  lib.bind(a.error_string, "archive_error_string");
}

}  // namespace

const ArchiveApi& la() {
  return loaded_once(load);
}

}  // namespace photoagent::util::archive_detail
