#!/usr/bin/env bash
# Unit test of check_layering.sh: a small clean tree passes; planting one bad
# include per rule makes the script fail with exactly one line that names the
# planted file. Also plants one bad include in a copy of the real src/ and
# include/. Usage: [VERBOSE=1] check_layering_test.sh SOURCE_ROOT (VERBOSE
# prints each case's failure line).
set -u
root=$(cd "${1:?usage: check_layering_test.sh SOURCE_ROOT}" && pwd) || exit 2
script=$root/tests/check_layering.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/layering_test.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# w PATH LINE... : write a file of the clean tree.
w() { local f=$tmp/clean/$1; shift; mkdir -p "${f%/*}"; printf '%s\n' "$@" >"$f"; }
w include/photoagent/util/error.hpp '#pragma once' '#include <string>'
w include/photoagent/store/database.hpp '#include <SQLiteCpp/Database.h>' '#include "photoagent/util/error.hpp"'
w include/photoagent/net/http.hpp '#include <photoagent/util/error.hpp>' '#include <functional>'
w include/photoagent/image/decode.hpp '#include <nlohmann/json_fwd.hpp>' '#include "photoagent/util/error.hpp"'
w include/photoagent/services/api.hpp '#include "photoagent/net/http.hpp"'
w include/photoagent/workflows/job.hpp '#include "photoagent/services/api.hpp"' '#include "photoagent/store/database.hpp"' '#include "photoagent/image/decode.hpp"'
w src/util/archive_api.hpp '#include <archive.h>' '#include <archive_entry.h>'
w src/util/archive_api.cpp '#include "archive_api.hpp"'
w src/util/archive_detail.hpp '#include "archive_api.hpp"'
w src/util/archive.cpp '#include "archive_detail.hpp"' '#include "photoagent/util/error.hpp"'
w src/util/hash.cpp '#include <openssl/evp.h>' '#include <nlohmann/json.hpp>'
w src/store/write_detail.hpp '#include <SQLiteCpp/Statement.h>'
w src/store/database.cpp '#include <sqlite3.h>' '#include "write_detail.hpp"' '#include "photoagent/store/database.hpp"'
w src/net/curl_api.hpp '#include <curl/curl.h>'
w src/net/curl_api.cpp '#include "curl_api.hpp"'
w src/net/transport.cpp '#include "curl_api.hpp"' '#include "photoagent/net/http.hpp"' '// #include "photoagent/services/api.hpp"  (a comment, not an include)'
w src/image/tj_api.hpp '#include <turbojpeg.h>'
w src/image/tj_api.cpp '#include "tj_api.hpp"'
w src/image/decode_detail.hpp '#include "tj_api.hpp"'
w src/image/decode.cpp '#include "decode_detail.hpp"' '#include <webp/decode.h>' '#include <png.h>' '#include <stb/stb_image.h>' '#include <stb_image_write.h>'
w src/services/api_detail.hpp '#include <nlohmann/json.hpp>' '#include "photoagent/services/api.hpp"'
w src/services/api.cpp '#include "services/api_detail.hpp"' '#include "photoagent/net/http.hpp"' '#include "photoagent/util/error.hpp"'
w src/workflows/job.cpp '#include "photoagent/workflows/job.hpp"' '#include "photoagent/store/database.hpp"' '#include <nlohmann/json.hpp>'
w src/cli/app.hpp '#pragma once'
w src/cli/app.cpp '#include "app.hpp"' '#include <CLI/CLI.hpp>' '#include "photoagent/workflows/job.hpp"'
w src/cli/commands/gen.hpp '#pragma once'
w src/cli/commands/gen.cpp '#include "gen.hpp"' '#include "../app.hpp"' '#include <nlohmann/json.hpp>'
w src/main.cpp '#include "cli/app.hpp"' '#include "photoagent/util/error.hpp"'
w tests/unit/support.hpp '#pragma once'
w tests/e2e/harness.hpp '#pragma once'
w tests/fakecloud/app.hpp '#pragma once'
w tests/fakecloud/main.cpp '#include "app.hpp"'

failures=0
flunk() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run DIR -> $out, $rc, $lines (the failure lines only).
run() {
  out=$("$script" "$1" 2>&1); rc=$?
  lines=$(printf '%s\n' "$out" | grep '^layering: ' | grep -vE '^layering: (warning|note):|^layering: [0-9]+ violation')
}

run "$tmp/clean"
if [ "$rc" -ne 0 ] || [ -n "$lines" ]; then
  flunk "clean tree: rc=$rc"; printf '%s\n' "$out"
fi
printf '%s\n' "$out" | grep -q '^layering: warning: src/services/api_detail.hpp:1: ' ||
  flunk "clean tree: no warning for nlohmann/json.hpp in the private header src/services/api_detail.hpp"
printf '%s\n' "$out" | grep -q 'private header named neither' &&
  flunk "clean tree: a private-header naming warning"
printf '%s\n' "$out" | grep -qE '^  <topic>_detail\.hpp or detail\.hpp \([0-9]+\):.* src/image/decode_detail\.hpp( |$)' ||
  flunk "clean tree: private-header list lacks src/image/decode_detail.hpp"

# Private-header naming: a header named neither like a .cpp beside it nor
# *_detail.hpp / detail.hpp draws one warning (no failure), unless its opening
# comment says Header-only.
n=0
naming() {  # naming FILE LINE WANT(0|1)
  local dir=$tmp/naming$n
  n=$((n + 1))
  cp -R "$tmp/clean" "$dir"
  mkdir -p "$(dirname "$dir/$1")"; printf '#pragma once\n%s\n' "$2" >"$dir/$1"
  run "$dir"
  local got; got=$(printf '%s\n' "$out" | grep -c "^layering: warning: $1: a private header named neither")
  if [ "$rc" -ne 0 ] || [ "$got" -ne "$3" ]; then
    flunk "private header $1 ($2): rc=$rc, $got naming warning(s), want $3"; printf '%s\n' "$out" | grep -v '^  '
  fi
  rm -rf "$dir"
}
naming src/util/archive_internal.hpp '// helpers' 1
naming src/workflows/table.hpp '// helpers' 1
naming src/services/replicate/common.hpp '// helpers' 1
naming src/services/replicate/detail.hpp '// helpers' 0
naming src/store/schema.hpp '// Header-only: the schema as data.' 0

# expect MODE FILE LINE [NAMED]: in a copy of the clean tree, append LINE to
# FILE (MODE add) or make LINE its whole content (MODE set); the script must
# fail with exactly one line, naming NAMED (default FILE).
expect() {
  local mode=$1 file=$2 line=$3 named=${4:-$2} dir
  n=$((n + 1)); dir=$tmp/case$n
  cp -R "$tmp/clean" "$dir"
  mkdir -p "$(dirname "$dir/$file")"
  if [ "$mode" = set ]; then printf '%s\n' "$line" >"$dir/$file"; else printf '%s\n' "$line" >>"$dir/$file"; fi
  run "$dir"
  local count; count=$(printf '%s\n' "$lines" | grep -c .)
  if [ "$rc" -ne 1 ] || [ "$count" -ne 1 ] || ! printf '%s\n' "$lines" | grep -qF "$named"; then
    flunk "$file += $line: rc=$rc, $count failure line(s), want 1 naming $named"; printf '%s\n' "$out" | grep -v '^  '
  fi
  [ -n "${VERBOSE:-}" ] && printf '%s\n' "$lines"
  rm -rf "$dir"
}

# A layer includes a higher one; side-by-side layers include each other.
expect add src/util/archive.cpp '#include "photoagent/store/database.hpp"'
expect add src/net/transport.cpp '#include <photoagent/image/decode.hpp>'
expect add include/photoagent/net/http.hpp '#include "photoagent/services/api.hpp"'
expect add src/workflows/job.cpp '#include "photoagent/cli/app.hpp"'
expect add src/image/decode.cpp '  #  include "photoagent/net/http.hpp"'
# Services and cli never include store.
expect add src/services/api.cpp '#include "photoagent/store/database.hpp"'
expect add include/photoagent/services/api.hpp '#include "photoagent/store/database.hpp"'
expect add src/cli/app.cpp '#include "photoagent/store/database.hpp"'
expect add src/cli/commands/gen.cpp '#include <SQLiteCpp/Statement.h>'
expect add src/cli/commands/gen.cpp '#include "../../store/write_detail.hpp"'
# Another layer's private header.
expect add src/workflows/job.cpp '#include "store/write_detail.hpp"'
expect add src/workflows/job.cpp '#include "../image/tj_api.hpp"'
# Third-party headers outside their layer.
expect add src/workflows/job.cpp '#include <SQLiteCpp/Database.h>'
expect add include/photoagent/workflows/job.hpp '#include <sqlite3.h>'
expect add src/services/api.cpp '#include <curl/curl.h>'
expect add include/photoagent/net/http.hpp '#include <curl/curl.h>'
expect add src/workflows/job.cpp '#include <turbojpeg.h>'
expect add src/util/hash.cpp '#include <webp/encode.h>'
expect add src/cli/app.cpp '#include <stb_image.h>'
expect add src/services/api.cpp '#include <png.h>'
expect add src/net/transport.cpp '#include <openssl/sha.h>'
expect add src/workflows/job.cpp '#include <archive.h>'
expect add include/photoagent/util/error.hpp '#include <openssl/evp.h>'
# CLI11: exactly one .cpp in src/cli.
expect add src/cli/commands/gen.cpp '#include <CLI/CLI.hpp>'
expect add src/cli/app.hpp '#include <CLI/CLI.hpp>'
expect add src/workflows/job.cpp '#include <CLI/CLI.hpp>'
expect add include/photoagent/workflows/job.hpp '#include <CLI/CLI.hpp>'
expect set src/cli/app.cpp '#include "app.hpp"' src/cli
# Test code.
expect add src/util/archive.cpp '#include "fakecloud/app.hpp"'
expect add src/store/database.cpp '#include "../../tests/unit/support.hpp"'
expect add src/services/api.cpp '#include "support.hpp"'
expect add include/photoagent/util/error.hpp '#include "harness.hpp"'
expect add src/workflows/job.cpp '#include <doctest/doctest.h>'
# nlohmann/json.hpp in a public header.
expect add include/photoagent/image/decode.hpp '#include <nlohmann/json.hpp>'
# Source files outside the layer folders.
expect set src/search/index.cpp '#include <string>'
expect set src/version.hpp '#pragma once'
expect set include/photoagent/search/index.hpp '#pragma once'

# The real tree: copy src/, include/ and the test headers, plant one bad include.
real=$tmp/real
mkdir -p "$real/tests"
cp -R "$root/src" "$root/include" "$real/"
(cd "$root" && find tests -type f \( -name '*.hpp' -o -name '*.h' \)) | while IFS= read -r h; do
  mkdir -p "$real/$(dirname "$h")"; cp "$root/$h" "$real/$h"
done
svc=$(cd "$real" && ls src/services/*.cpp | head -n 1)
printf '%s\n' '#include "photoagent/store/database.hpp"' >>"$real/$svc"
run "$real"
if [ "$rc" -ne 1 ] || ! printf '%s\n' "$lines" | grep -qF "$svc:"; then
  flunk "real tree with a store include planted in $svc: rc=$rc"; printf '%s\n' "$out" | grep -v '^  '
fi

if [ "$failures" -gt 0 ]; then
  echo "check_layering_test: $failures of $((n + 2)) cases failed"; exit 1
fi
echo "check_layering_test ok ($((n + 2)) cases)"
