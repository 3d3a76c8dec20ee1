#pragma once
// Private to src/util/archive*.cpp: libarchive's entry points, loaded with
// dlopen on first use (DESIGN §10 start-up: libarchive brings libxml2, ICU's
// 30 MB of data, nettle, acl and five compressors, which commands that make
// or read no archive should not load). Each member is the libarchive
// function of the same name without its "archive_" prefix; the headers
// supply the types and constants.

#include <archive.h>
#include <archive_entry.h>

namespace photoagent::util::archive_detail {

struct ArchiveApi {
  decltype(&::archive_read_new) read_new;
  decltype(&::archive_read_free) read_free;
  decltype(&::archive_read_support_filter_gzip) read_support_filter_gzip;
  decltype(&::archive_read_support_filter_bzip2) read_support_filter_bzip2;
  decltype(&::archive_read_support_filter_xz) read_support_filter_xz;
  decltype(&::archive_read_support_filter_zstd) read_support_filter_zstd;
  decltype(&::archive_read_support_format_tar) read_support_format_tar;
  decltype(&::archive_read_support_format_zip) read_support_format_zip;
  decltype(&::archive_read_open_filename) read_open_filename;
  decltype(&::archive_read_next_header) read_next_header;
  decltype(&::archive_read_data) read_data;
  decltype(&::archive_read_data_skip) read_data_skip;
  decltype(&::archive_write_new) write_new;
  decltype(&::archive_write_free) write_free;
  decltype(&::archive_write_set_format_zip) write_set_format_zip;
  decltype(&::archive_write_set_bytes_per_block) write_set_bytes_per_block;
  decltype(&::archive_write_set_bytes_in_last_block) write_set_bytes_in_last_block;
  decltype(&::archive_write_open) write_open;
  decltype(&::archive_write_zip_set_compression_store) write_zip_set_compression_store;
  decltype(&::archive_write_zip_set_compression_deflate) write_zip_set_compression_deflate;
  decltype(&::archive_write_header) write_header;
  decltype(&::archive_write_data) write_data;
  decltype(&::archive_write_finish_entry) write_finish_entry;
  decltype(&::archive_write_close) write_close;
  decltype(&::archive_entry_new) entry_new;
  decltype(&::archive_entry_free) entry_free;
  decltype(&::archive_entry_clear) entry_clear;
  decltype(&::archive_entry_pathname) entry_pathname;
  decltype(&::archive_entry_pathname_utf8) entry_pathname_utf8;
  decltype(&::archive_entry_hardlink) entry_hardlink;
  decltype(&::archive_entry_hardlink_utf8) entry_hardlink_utf8;
  decltype(&::archive_entry_symlink) entry_symlink;
  decltype(&::archive_entry_symlink_utf8) entry_symlink_utf8;
  decltype(&::archive_entry_filetype) entry_filetype;
  decltype(&::archive_entry_size) entry_size;
  decltype(&::archive_entry_size_is_set) entry_size_is_set;
  decltype(&::archive_entry_set_pathname) entry_set_pathname;
  decltype(&::archive_entry_set_filetype) entry_set_filetype;
  decltype(&::archive_entry_set_perm) entry_set_perm;
  decltype(&::archive_entry_set_size) entry_set_size;
  decltype(&::archive_entry_set_mtime) entry_set_mtime;
  decltype(&::archive_error_string) error_string;
};

// Loads libarchive once (thread-safe); throws util::Error naming the Debian
// package when it is missing. A failed load is retried by the next call.
const ArchiveApi& la();

}  // namespace photoagent::util::archive_detail
