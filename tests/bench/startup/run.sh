#!/usr/bin/env bash
# Start-up benchmark (DESIGN §10 "Start-up", issue 10 item 7): commands that
# touch neither network nor images must start within 1.3x of sqlite3 running
# the same query on the same database. Builds nothing.
#
# usage: tests/bench/startup/run.sh BUILD_DIR [N]      (N runs per command, default 200)
#   PHOTOAGENT_BIN=/path/to/photoagent overrides BUILD_DIR/photoagent (to time an older build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [N]}
n=${2:-${N:-200}}
bin=${PHOTOAGENT_BIN:-$build/photoagent}
[ -x "$bin" ] || { echo "run.sh: no photoagent at $bin (build it first)" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
command -v sqlite3 >/dev/null || { echo "run.sh: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "run.sh: needs python3" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One clean environment for every command: no user config, no ~/.sqliterc,
# no secrets, no service addresses.
cat >"$tmp/env" <<ENV
PATH=/usr/bin:/bin
HOME=$tmp
PHOTOAGENT_HOME=$tmp/home
PHOTOAGENT_CONFIG_DIR=$tmp/config
XDG_CONFIG_HOME=$tmp/xdg-config
XDG_DATA_HOME=$tmp/xdg-data
ENV
mapfile -t envv <"$tmp/env"
pa() { env -i "${envv[@]}" "$bin" "$@" >/dev/null 2>&1; }

# The cache, made by photoagent itself. Its path is PHOTOAGENT_HOME/photoagent.db
# (src/store/database.cpp); `config path`'s "database" line says the same.
for p in ada bob cy dora eli; do pa project create "$p" --kind person --trigger "TOK_$p"; done
db=$tmp/home/photoagent.db
[ -f "$db" ] || { echo "run.sh: expected the cache at $db" >&2; exit 1; }

echo "photoagent: $bin"
echo "nproc: $(nproc)   load average before: $(cut -d' ' -f1-3 /proc/loadavg)   runs per command: $n"
echo "ldd entries: photoagent $(ldd "$bin" | wc -l), sqlite3 $(ldd "$(command -v sqlite3)" | wc -l), true $(ldd /bin/true | wc -l)"
out=$(python3 "$here/harness.py" "$n" "$tmp/env" \
  -- "photoagent project list" "$bin" project list \
  -- "sqlite3 DB 'select * from projects'" sqlite3 "$db" "select * from projects" \
  -- "photoagent --help" "$bin" --help \
  -- "photoagent --version" "$bin" --version \
  -- "photoagent config get upload.max_side" "$bin" config get upload.max_side \
  -- "photoagent status --offline" "$bin" status --offline \
  -- "/bin/true (empty C program, floor)" /bin/true)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
base=$(awk -F'\t' 'NR==2 {print $2}' <<<"$out")
echo "| command | median ms | p90 ms | min ms | median / sqlite3 |"
echo "|---|---:|---:|---:|---:|"
awk -F'\t' -v b="$base" '{printf "| %s | %.2f | %.2f | %.2f | %.2fx |\n", $1, $2, $3, $4, $2 / b}' <<<"$out"
ratio=$(awk -F'\t' 'NR==1 {printf "%.2f", $2 / '"$base"'}' <<<"$out")
echo
echo "project list / sqlite3 (median): ${ratio}x (target <= 1.3x)"
