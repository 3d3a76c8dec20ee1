#!/usr/bin/env bash
# Semantic search benchmark (issue 11 item 10): the whole-process time of
# `photoagent search QUERY --semantic` (query vector cached: no network) over
# caches of several sizes, each image with a 768-d vector in the matrix file
# beside the database. Target: under 50 ms at 100,000 vectors.
#
# usage: tests/bench/search/run_semantic.sh BUILD_DIR [N]
#   N runs per command (default 30). SIZES="10000 50000 100000" by default.
#   KEEP=DIR keeps the caches in DIR/SIZE (reused when present).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run_semantic.sh BUILD_DIR [N]}
build=$(cd "$build" && pwd)
n=${2:-30}
sizes=${SIZES:-10000 50000 100000}
bin=${PHOTOAGENT_BIN:-$build/photoagent}
cache_maker=$build/tests/bench/search/make_search_cache
vector_maker=$build/tests/bench/search/make_search_vectors
for f in "$bin" "$cache_maker" "$vector_maker"; do
  [ -x "$f" ] || { echo "run_semantic.sh: no $f (build photoagent, make_search_cache, make_search_vectors)" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "run_semantic.sh: needs python3" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=${KEEP:-$tmp}
args=()
for size in $sizes; do
  data=$root/$size
  if [ ! -f "$data/photoagent.db" ]; then
    echo "building a cache of $size images with vectors in $data ..."
    "$cache_maker" "$data" "$size" >/dev/null
    "$vector_maker" "$data"
  fi
  cat >"$tmp/env.$size" <<ENV
PATH=/usr/bin:/bin
HOME=$tmp
PHOTOAGENT_HOME=$data
PHOTOAGENT_CONFIG_DIR=$tmp/config
ENV
  env -i $(cat "$tmp/env.$size") "$bin" search red dress --semantic --limit 20 >/dev/null 2>"$tmp/err"
  [ -s "$tmp/err" ] && { echo "run_semantic.sh: the query was not served from the cache:" >&2; cat "$tmp/err" >&2; exit 1; }
done

echo "photoagent: $bin"
echo "nproc: $(nproc)   load average before: $(cut -d' ' -f1-3 /proc/loadavg)   runs per command: $n"
echo
echo "| vectors | matrix MB | semantic median ms | p90 | min | hybrid median ms | like median ms |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for size in $sizes; do
  data=$root/$size
  mb=$(du -m "$data"/vectors/*.i8 | awk '{s += $1} END {print s}')
  out=$(python3 "$here/../startup/harness.py" "$n" "$tmp/env.$size" \
    -- semantic "$bin" search red dress --semantic --limit 20 \
    -- hybrid "$bin" search red dress --hybrid --limit 20 \
    -- like "$bin" search --like 1 --limit 20)
  python3 - "$size" "$mb" <<PY
import sys
rows = {}
for line in """$out""".splitlines():
    name, med, p90, mn = line.split("\t")
    rows[name] = (float(med), float(p90), float(mn))
s, h, l = rows["semantic"], rows["hybrid"], rows["like"]
print(f"| {int(sys.argv[1]):,} | {sys.argv[2]} | {s[0]:.2f} | {s[1]:.2f} | {s[2]:.2f} | {h[0]:.2f} | {l[0]:.2f} |")
PY
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
