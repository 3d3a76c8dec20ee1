#!/usr/bin/env bash
# Search benchmark (issue 11 item 10, full text): the whole-process time of
# `photoagent search` for 20 queries against the `sqlite3` shell running the
# same FTS5 query (same MATCH, bm25 weights, joins, filters, snippet, LIMIT)
# on the same file, in the same run, taking turns. Targets: at most 1.5x
# sqlite3 and under 20 ms per query (median).
#
# usage: tests/bench/search/run.sh BUILD_DIR [N] [IMAGES]
#   N runs per command (default 30), IMAGES in the cache (default 100000).
#   KEEP=DIR builds the cache in DIR and keeps it (reused when present).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [N] [IMAGES]}
build=$(cd "$build" && pwd)
n=${2:-30}
images=${3:-100000}
bin=${PHOTOAGENT_BIN:-$build/photoagent}
maker=$build/tests/bench/search/make_search_cache
for f in "$bin" "$maker"; do
  [ -x "$f" ] || { echo "run.sh: no $f (build photoagent and make_search_cache first)" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "run.sh: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "run.sh: needs python3" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data=${KEEP:-$tmp/home}
if [ ! -f "$data/photoagent.db" ]; then
  echo "building a cache of $images images in $data ..."
  SECONDS=0
  "$maker" "$data" "$images"
  echo "built in ${SECONDS} s"
fi
db=$data/photoagent.db
cat >"$tmp/env" <<ENV
PATH=/usr/bin:/bin
HOME=$tmp
PHOTOAGENT_HOME=$data
PHOTOAGENT_CONFIG_DIR=$tmp/config
ENV

# The statement src/store/search.cpp runs (score order), with a filter
# clause and its values inlined.
rank="bm25(10.0, 10.0, 5.0, 3.0, 3.0, 2.0, 1.0, 1.0, 2.0, 1.0)"
sql() {  # MATCH, extra WHERE
  printf '%s' "SELECT i.id, i.project_id, p.name, i.sha256, i.source_sha256, i.path, i.original_name, i.bytes,"\
" i.width, i.height, i.caption, COALESCE(i.category, ''), i.tags, i.source, i.created_at,"\
" COALESCE(pr.prompt, ''), COALESCE(pr.style, ''), COALESCE(pr.model, ''), COALESCE(pr.version, ''),"\
" COALESCE(pr.seed, -1), -s.rank, snippet(search_index, -1, char(2), char(3), '…', 16)"\
" FROM search_index s JOIN images i ON i.id = s.rowid JOIN projects p ON p.id = i.project_id"\
" LEFT JOIN predictions pr ON pr.id = i.prediction_id"\
" WHERE search_index MATCH '$1' AND s.rank MATCH '$rank'$2 ORDER BY s.rank LIMIT 20 OFFSET 0"
}

# name | photoagent arguments (tab-separated) | MATCH | extra WHERE
queries=$(cat <<'Q'
red dress	red	dress	"red" "dress"	
golden hour	golden	hour	"golden" "hour"	
portrait	portrait	"portrait"	
woman smiling	woman	smiling	"woman" "smiling"	
headshot	headshot	"headshot"	
sail*	sail*	"sail" *	
ceramic mug	ceramic	mug	"ceramic" "mug"	
linkedin	linkedin	"linkedin"	
cafe paris	cafe	paris	"cafe" "paris"	
black and white	black	and	white	"black" "and" "white"	
flux-schnell	flux-schnell	"flux-schnell"	
wooden table	wooden	table	"wooden" "table"	
snow	snow	"snow"	
dog	dog	"dog"	
ghibli	ghibli	"ghibli"	
leather jacket	leather	jacket	"leather" "jacket"	
neon	neon	"neon"	
portrait --source generated	portrait	--source	generated	"portrait"	 AND i.source = 'generated'
beach --project ada	beach	--project	ada	"beach"	 AND i.project_id = (SELECT id FROM projects WHERE name = 'ada')
smile --tag summer	smile	--tag	summer	"smile"	 AND instr(',' || lower(i.tags) || ',', ',summer,') > 0
Q
)

args=()
i=0
while IFS= read -r line; do
  IFS=$'\t' read -r -a f <<<"$line"
  name=${f[0]}
  # The MATCH is the field that starts with a quote; the arguments come before it.
  for ((k = 1; k < ${#f[@]}; k++)); do [[ ${f[k]} == \"* ]] && break; done
  pa_args=("${f[@]:1:k-1}")
  match=${f[k]}
  where=${f[k+1]:-}
  # Both must find something (the harness fails on a non-zero exit).
  env -i $(cat "$tmp/env") "$bin" search "${pa_args[@]}" --limit 20 >/dev/null ||
    { echo "run.sh: 'photoagent search ${pa_args[*]}' found nothing" >&2; exit 1; }
  args+=(-- "pa $name" "$bin" search "${pa_args[@]}" --limit 20)
  args+=(-- "sq $name" sqlite3 "$db" "$(sql "$match" "$where")")
  i=$((i + 1))
done <<<"$queries"

echo "photoagent: $bin"
echo "cache: $db ($(du -m "$db" | cut -f1) MB, $(sqlite3 "$db" 'SELECT COUNT(*) FROM images') images)"
echo "nproc: $(nproc)   load average before: $(cut -d' ' -f1-3 /proc/loadavg)   runs per command: $n   queries: $i"
out=$(python3 "$here/../startup/harness.py" "$n" "$tmp/env" "${args[@]}")
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| query | matches | photoagent median ms | sqlite3 median ms | ratio | photoagent p90 | sqlite3 p90 |"
echo "|---|---:|---:|---:|---:|---:|---:|"
while IFS= read -r line; do
  IFS=$'\t' read -r -a f <<<"$line"
  for ((k = 1; k < ${#f[@]}; k++)); do [[ ${f[k]} == \"* ]] && break; done
  matches=$(sqlite3 "$db" "SELECT COUNT(*) FROM search_index s JOIN images i ON i.id = s.rowid WHERE search_index MATCH '${f[k]}'${f[k+1]:-}")
  printf '%s\t%s\n' "${f[0]}" "$matches"
done <<<"$queries" >"$tmp/matches"
python3 - "$tmp/matches" <<PY
import statistics, sys
rows = {}
for line in """$out""".splitlines():
    name, med, p90, mn = line.split("\t")
    rows[name] = (float(med), float(p90))
matches = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[1]))
pa_all, sq_all, ratios = [], [], []
for q, m in matches.items():
    pa, sq = rows["pa " + q], rows["sq " + q]
    pa_all.append(pa[0]); sq_all.append(sq[0]); ratios.append(pa[0] / sq[0])
    print(f"| {q} | {m} | {pa[0]:.2f} | {sq[0]:.2f} | {pa[0] / sq[0]:.2f}x | {pa[1]:.2f} | {sq[1]:.2f} |")
pm, sm = statistics.median(pa_all), statistics.median(sq_all)
print(f"| **median of the 20** | | **{pm:.2f}** | **{sm:.2f}** | **{pm / sm:.2f}x** | | |")
print()
print(f"photoagent / sqlite3, median of per-query medians: {pm / sm:.2f}x (target <= 1.5x); "
      f"worst query ratio {max(ratios):.2f}x")
print(f"photoagent median per query: {pm:.2f} ms (target < 20 ms); slowest query median {max(pa_all):.2f} ms")
PY
