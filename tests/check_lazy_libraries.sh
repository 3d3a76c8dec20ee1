#!/usr/bin/env bash
# DESIGN §10 start-up: commands that touch neither network nor images must not
# load libcurl, libarchive, TurboJPEG, libwebp or libcrypto (they are dlopen'd
# on first use). The dynamic loader reports every library it maps under
# LD_DEBUG=libs, so the real binary is watched as it is, with no switch of its own.
# A photo upload must load TurboJPEG: that proves the report is seen and the
# loader works.
# usage: check_lazy_libraries.sh PHOTOAGENT_BIN TESTDATA_DIR
set -u
bin=$1
data=$2
lazy='libcurl|libarchive|libturbojpeg|libwebp|libcrypto'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
  env -i PATH=/usr/bin:/bin HOME="$tmp" PHOTOAGENT_HOME="$tmp/home" PHOTOAGENT_CONFIG_DIR="$tmp/config" \
    LD_DEBUG=libs "$bin" "$@" >"$tmp/out" 2>"$tmp/libs"
}
bad=0
for cmd in "--version" "--help" "project create ada --kind person --trigger TOK_ADA" "project list" \
           "project show ada" "config get upload.max_side" "config list" "status --offline"; do
  # shellcheck disable=SC2086  # the command's words
  if ! run $cmd; then
    echo "FAIL: photoagent $cmd exited non-zero:"; cat "$tmp/out"; bad=1; continue
  fi
  if ! grep -q 'libsqlite3' "$tmp/libs"; then
    echo "FAIL: no loader report for photoagent $cmd (LD_DEBUG=libs ignored?)"; bad=1; continue
  fi
  if loaded=$(grep -oE "find library=($lazy)[^ ]*" "$tmp/libs" | sort -u) && [ -n "$loaded" ]; then
    echo "FAIL: photoagent $cmd loads a library it does not need:"; echo "$loaded"; bad=1
  else
    echo "ok: photoagent $cmd"
  fi
done

photo=$(ls "$data"/exif-orientation/*.jpg | head -1)
if ! run upload ada "$photo"; then
  echo "FAIL: photoagent upload exited non-zero:"; cat "$tmp/out" "$tmp/libs" | grep -v 'LD_DEBUG\|^ *[0-9]*:' ; bad=1
elif ! grep -q 'find library=libturbojpeg' "$tmp/libs"; then
  echo "FAIL: uploading a JPEG did not load libturbojpeg (is the check blind?)"; bad=1
else
  echo "ok: photoagent upload loads libturbojpeg when it needs it"
fi
# Full-text search is offline: with something in the cache to find, it loads
# none of them either.
if ! run search ada; then
  echo "FAIL: photoagent search ada exited non-zero:"; cat "$tmp/out"; bad=1
elif loaded=$(grep -oE "find library=($lazy)[^ ]*" "$tmp/libs" | sort -u) && [ -n "$loaded" ]; then
  echo "FAIL: photoagent search loads a library it does not need:"; echo "$loaded"; bad=1
else
  echo "ok: photoagent search"
fi
[ $bad -eq 0 ] && echo "lazy libraries ok"
exit $bad
