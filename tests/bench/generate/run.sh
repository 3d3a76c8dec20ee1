#!/usr/bin/env bash
# Batch-generate benchmark: `photoagent generate --batch` against the official
# `replicate` npm client on the same emulated batch, in the same run.
# See README.md here.
#
#   tests/bench/generate/run.sh [--n 500] [--concurrency 32] [--latency-ms 1000]
#       [--reps 2] [--threads 96] [--build DIR] [--work DIR] [--keep]
#       [--no-js] [--sync-processing] [--out FILE]
#   tests/bench/generate/run.sh --sizes 500,2000,10000 [--latency-ms 50] ...
#       (photoagent alone at each size: per-item overhead and peak RSS)
#       (--rate N/min is passed to photoagent; --sizes lifts it to 100000/min)
#   --photoagent PATH runs another build of photoagent (e.g. a baseline).
#
# Needs build/photoagent and build/tests/fakecloud/fakecloud
# (cmake --build build --target photoagent fakecloud), /usr/bin/time
# (apt-get install time), jq, curl, node >= 18 and npm (the client is
# installed with `npm install replicate` into the work folder at bench time).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)

n=500 conc=32 latency_ms=1000 reps=2 threads=96
build="$repo/build" work="" keep=0 js=1 sync_processing=false out="" sizes="" pa="" rate=""
model=black-forest-labs/flux-schnell
token=r8_good

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --n) n=$2; shift ;;
    --concurrency) conc=$2; shift ;;
    --latency-ms) latency_ms=$2; shift ;;
    --reps) reps=$2; shift ;;
    --threads) threads=$2; shift ;;
    --build) build=$(cd "$2" && pwd); shift ;;
    --work) work=$2; shift ;;
    --keep) keep=1 ;;
    --no-js) js=0 ;;
    --sync-processing) sync_processing=true ;;
    --out) out=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --rate) rate=$2; shift ;;
    --photoagent) pa=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done

[ -n "$pa" ] || pa="$build/photoagent"
fc="$build/tests/fakecloud/fakecloud"
# --sizes: photoagent alone, at each size (the npm comparison is the default mode).
# Replicate's account limit (600 creates a minute, photoagent's default) would
# make 2,000 items take 200 s whatever the client: lift it to see the
# client's own cost.
[ -n "$sizes" ] && { js=0; [ -n "$rate" ] || rate=100000/min; }
rate_args=(); [ -n "$rate" ] && rate_args=(--rate "$rate")
for f in "$pa" "$fc"; do
  [ -x "$f" ] || { echo "missing $f: cmake --build $build --target photoagent fakecloud" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time: apt-get install time" >&2; exit 2; }
for t in jq curl; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 2; }; done
if [ $js = 1 ]; then
  for t in node npm; do command -v $t >/dev/null || { echo "missing $t (or use --no-js)" >&2; exit 2; }; done
fi

if [ -z "$work" ]; then work=$(mktemp -d /tmp/pa-bench-generate.XXXXXX); else mkdir -p "$work"; fi
work=$(cd "$work" && pwd)
fc_pid=""
cleanup() {
  [ -n "$fc_pid" ] && kill "$fc_pid" 2>/dev/null && wait "$fc_pid" 2>/dev/null || true
  if [ $keep = 0 ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- emulator -------------------------------------------------------------
# The config is given at start-up too, so /_fake/reset (which restores the
# start-up config) keeps it; it is re-applied after every reset anyway.
config=$(jq -nc --argjson l "$latency_ms" --argjson s "$sync_processing" \
  '{prediction_latency_ms:$l, sync_returns_processing:$s}')
"$fc" --port 0 --threads "$threads" --config-json "$config" >"$work/fc.out" 2>"$work/fc.err" &
fc_pid=$!
for _ in $(seq 200); do
  origin=$(head -1 "$work/fc.out" 2>/dev/null || true)
  [ -n "$origin" ] && break
  sleep 0.05
done
[ -n "$origin" ] || { echo "fakecloud did not start:" >&2; cat "$work/fc.err" >&2; exit 1; }
port=${origin##*:}
log "fakecloud $origin (threads $threads, $config)"

reset_emulator() {
  curl -fsS -X POST "$origin/_fake/reset" >/dev/null
  curl -fsS -X POST "$origin/_fake/config" -d "$config" >/dev/null
  local got
  got=$(curl -fsS "$origin/_fake/config" | jq -c '{prediction_latency_ms, sync_returns_processing}')
  [ "$got" = "$config" ] || { echo "emulator config is $got, wanted $config" >&2; exit 1; }
}

# --- prompts: N distinct prompts, each with its own seed -------------------
write_prompts() { # n file
  awk -v n="$1" 'BEGIN {
    split("a red fox in snow|a lighthouse at dusk|a bowl of ramen|an astronaut on a horse|a foggy pine forest|a vintage bicycle|a koi pond|a city street in the rain", s, "|")
    for (i = 0; i < n; i++) printf "{\"prompt\":\"bench %d: %s, photo, 35mm\",\"seed\":%d}\n", i, s[i % 8 + 1], 1000 + i
  }' >"$2"
  jq -e . "$2" >/dev/null
  log "wrote $1 prompts to $2"
}
prompts="$work/prompts.jsonl"
[ -n "$sizes" ] || write_prompts "$n" "$prompts"

# --- official client --------------------------------------------------------
js_version=""
if [ $js = 1 ]; then
  mkdir -p "$work/js"
  (cd "$work/js" && echo '{"private":true}' >package.json &&
     npm install replicate --no-audit --no-fund --loglevel=error >npm.log 2>&1) ||
    { cat "$work/js/npm.log" >&2; exit 1; }
  cp "$here/js_client.mjs" "$work/js/"
  js_version=$(jq -r .version "$work/js/node_modules/replicate/package.json")
  log "installed replicate@$js_version (npm), node $(node --version)"
fi

# --- one measured run ---------------------------------------------------------
# Writes $work/runs.tsv rows: client rep wall_s maxrss_kib cpu_s images requests
# creates polls downloads other load1_before load1_after peak_connections
printf 'client\trep\twall_s\tmaxrss_kib\tcpu_s\timages\trequests\tcreates\tpolls\tdownloads\tother\tload_before\tload_after\tpeak_conns\n' >"$work/runs.tsv"

count_pngs() { # valid PNG files (by signature) under $1
  local c=0 f
  while IFS= read -r -d '' f; do
    [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && c=$((c + 1))
  done < <(find "$1" -type f -name '*.png' -print0)
  echo $c
}

run_one() { # client rep
  local client=$1 rep=$2 d="$work/run-$1-$2"
  rm -rf "$d"; mkdir -p "$d/home" "$d/config" "$d/out"
  reset_emulator
  local load0 load1 t0 t1 rc=0
  load0=$(cut -d' ' -f1 /proc/loadavg)
  # Peak of established TCP connections to the emulator (only this client
  # talks to it during the run), sampled every 0.25 s.
  ( peak=0; while :; do
      c=$(ss -Htn state established "dport = :$port" 2>/dev/null | wc -l)
      [ "$c" -gt "$peak" ] && { peak=$c; echo "$peak" >"$d/conns"; }
      sleep 0.25
    done ) &
  local sampler=$!
  t0=$(date +%s%N)
  if [ "$client" = photoagent ]; then
    /usr/bin/time -f '%M %U %S' -o "$d/time.txt" \
      env PHOTOAGENT_HOME="$d/home" PHOTOAGENT_CONFIG_DIR="$d/config" \
          REPLICATE_API_TOKEN=$token REPLICATE_API_BASE_URL="$origin/v1" \
      "$pa" generate --model $model --batch "$prompts" --concurrency "$conc" "${rate_args[@]}" \
          -o "$d/out" --json >"$d/stdout" 2>"$d/stderr" || rc=$?
  else
    /usr/bin/time -f '%M %U %S' -o "$d/time.txt" \
      node "$work/js/js_client.mjs" "$origin/v1" $token $model "$prompts" "$d/out" "$conc" \
          >"$d/stdout" 2>"$d/stderr" || rc=$?
  fi
  t1=$(date +%s%N)
  kill $sampler 2>/dev/null; wait $sampler 2>/dev/null || true
  load1=$(cut -d' ' -f1 /proc/loadavg)
  kill -0 "$fc_pid" 2>/dev/null || { echo "fakecloud died during the $client run:" >&2; tail "$work/fc.err" >&2; exit 1; }
  curl -fsS "$origin/_fake/stats" >"$d/stats.json"
  [ $rc = 0 ] || log "$client exited $rc (see $d/stderr)"
  local rss user sys images
  read -r rss user sys < <(tail -1 "$d/time.txt")
  images=$(count_pngs "$d/out")
  # Requests the client sent: every route except the emulator's /_fake/ control routes.
  jq -r --arg c "$client" --arg r "$rep" \
     --arg wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')" \
     --arg rss "$rss" --arg cpu "$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')" \
     --arg img "$images" --arg l0 "$load0" --arg l1 "$load1" --arg pc "$(cat "$d/conns" 2>/dev/null || echo 0)" '
    .requests_by_route | to_entries | map(select(.key | test("^[A-Z]+ /_fake/") | not)) as $e
    | ($e | map(.value) | add // 0) as $all
    | ($e | map(select(.key | test("^POST .*/predictions$"))) | map(.value) | add // 0) as $cr
    | ($e | map(select(.key | test("^GET /v1/predictions"))) | map(.value) | add // 0) as $po
    | ($e | map(select(.key | test("^GET /_delivery/"))) | map(.value) | add // 0) as $dl
    | [$c, $r, $wall, $rss, $cpu, $img, $all, $cr, $po, $dl, ($all - $cr - $po - $dl), $l0, $l1, $pc] | @tsv' \
    "$d/stats.json" >>"$work/runs.tsv"
  jq -c '.requests_by_route | with_entries(select(.key | test("^[A-Z]+ /_fake/") | not))' "$d/stats.json" >"$d/routes.json"
  log "$(tail -1 "$work/runs.tsv" | awk -F'\t' '{printf "%-10s rep %s: %s s, %d images, %d requests, peak RSS %.1f MiB, CPU %s s, %d connections, load %s -> %s", $1, $2, $3, $6, $7, $4/1024, $5, $14, $12, $13}')"
  log "  routes $(cat "$d/routes.json")"
}

# --- sizes: photoagent alone at each size ---------------------------------------
if [ -n "$sizes" ]; then
  IFS=, read -r -a size_list <<<"$sizes"
  for n in "${size_list[@]}"; do
    prompts="$work/prompts-$n.jsonl"
    write_prompts "$n" "$prompts"
    for ((r = 1; r <= reps; r++)); do
      run_one photoagent "${n}x$r"
      journal="$work/run-photoagent-${n}x$r/out/.photoagent-batch.jsonl"
      [ -f "$journal" ] || journal="${journal%l}"  # the previous release's whole-document state
      log "  journal $(stat -c %s "$journal" 2>/dev/null || echo 0) bytes after compaction, $(wc -l <"$journal" 2>/dev/null || echo 0) lines"
      [ $keep = 1 ] || find "$work/run-photoagent-${n}x$r/out" -name '*.png' -delete
    done
  done
  {
    echo "### photoagent generate --batch by size: ${latency_ms} ms prediction latency, concurrency $conc, emulator --threads $threads (median of $reps runs)"
    echo
    echo "| items | wall s (range) | ideal s | wall / ideal | per-item wall ms | per-item overhead ms | peak RSS MiB | CPU s | CPU ms / item | requests / image | images |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for n in "${size_list[@]}"; do
      awk -F'\t' -v n="$n" 'NR > 1 && $2 ~ "^" n "x"' "$work/runs.tsv" | awk -F'\t' -v n="$n" -v l="$latency_ms" -v c="$conc" '
        function med(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                         return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
        { k++; w[k] = $3; m[k] = $4; u[k] = $5; q[k] = ($6 ? $7 / $6 : 0)
          if (k == 1 || $6 < imin) imin = $6; if (k == 1 || $3 < wmin) wmin = $3; if (k == 1 || $3 > wmax) wmax = $3 }
        END { if (!k) exit; ideal = n * l / 1000 / c; W = med(w, k)
              printf "| %d | %.2f (%.2f-%.2f) | %.2f | %.3f | %.3f | %.3f | %.1f | %.2f | %.3f | %.3f | %d / %d |\n",
                     n, W, wmin, wmax, ideal, W / ideal, W / n * 1000, (W - ideal) / n * 1000, med(m, k) / 1024, med(u, k), med(u, k) / n * 1000, med(q, k), imin, n }'
    done | tee "$work/sizes.md"
    echo
    first=${size_list[0]} last=${size_list[${#size_list[@]}-1]}
    awk -F'|' -v a="$first" -v b="$last" '
      { gsub(/ /, "", $2) } $2 == a { pa = $6; oa = $7 } $2 == b { pb = $6; ob = $7 } { if ($8 + 0 > rss) rss = $8 + 0 }
      END { r = pb / pa
            printf "Per-item wall at %d vs %d: %.3f / %.3f ms = %.3fx (target <= 1.2x) -> %s\n", b, a, pb, pa, r, (r <= 1.2 ? "met" : "MISSED")
            printf "Per-item overhead at %d vs %d: %.3f / %.3f ms\n", b, a, ob, oa
            printf "Peak RSS, largest: %.1f MiB (target < 64 MiB) -> %s\n", rss, (rss < 64 ? "met" : "MISSED") }' "$work/sizes.md"
    echo
    echo "Per run:"
    awk -F'\t' 'NR > 1 {printf "  %s: wall %s s, peak RSS %.1f MiB, CPU %s s, %d images, %d requests (%d creates, %d polls, %d downloads, %d other), %d connections, load %s -> %s\n", $2, $3, $4/1024, $5, $6, $7, $8, $9, $10, $11, $14, $12, $13}' "$work/runs.tsv"
    echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg) (uptime: $(uptime | sed 's/^ *//')), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "photoagent: $pa ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null)$(git -C "$repo" diff --quiet -- src include 2>/dev/null || echo ' + uncommitted src changes'))"
  } | tee "$work/results.md"
  [ -n "$out" ] && cp "$work/results.md" "$out"
  exit 0
fi

clients=(photoagent); [ $js = 1 ] && clients+=(js)
for ((r = 1; r <= reps; r++)); do
  # Alternate the order so neither client always runs first.
  if [ $((r % 2)) = 1 ]; then order=("${clients[@]}"); else order=(); for ((k = ${#clients[@]} - 1; k >= 0; k--)); do order+=("${clients[k]}"); done; fi
  for c in "${order[@]}"; do run_one "$c" "$r"; done
done

# --- table -------------------------------------------------------------------
ideal=$(awk -v n="$n" -v l="$latency_ms" -v c="$conc" 'BEGIN{printf "%.3f", n*l/1000/c}')
summary() { # client -> "wall_med wall_min wall_max rss_med cpu_med req_per_image images_min creates_med polls_med dl_med other_med"
  awk -F'\t' -v c="$1" 'NR > 1 && $1 == c' "$work/runs.tsv" | awk -F'\t' '
    function med(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                     return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    { k++; w[k] = $3; m[k] = $4; u[k] = $5; q[k] = ($6 ? $7 / $6 : 0); cr[k] = $8; po[k] = $9; dl[k] = $10; ot[k] = $11; pc[k] = $14
      if (k == 1 || $6 < imin) imin = $6; if (k == 1 || $3 < wmin) wmin = $3; if (k == 1 || $3 > wmax) wmax = $3 }
    END { if (!k) exit; printf "%.3f %.3f %.3f %.1f %.2f %.4f %d %g %g %g %g %g\n", med(w, k), wmin, wmax, med(m, k) / 1024, med(u, k), med(q, k), imin, med(cr, k), med(po, k), med(dl, k), med(ot, k), med(pc, k) }'
}
{
  echo "### $n prompts, ${latency_ms} ms prediction latency, concurrency $conc, emulator --threads $threads (median of $reps runs)"
  echo
  echo "| client | wall s (range) | ideal s | wall / ideal | requests / image | creates + polls + downloads + other | peak RSS MiB | CPU s | peak TCP conns | images |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for c in "${clients[@]}"; do
    read -r w wmin wmax rss cpu rpi imin cr po dl ot pc < <(summary "$c")
    name=$c; [ "$c" = photoagent ] && name="photoagent generate --batch"
    [ "$c" = js ] && name="replicate@$js_version (npm, node $(node --version)), pool of $conc"
    awk -v name="$name" -v w="$w" -v a="$wmin" -v b="$wmax" -v i="$ideal" -v q="$rpi" -v rss="$rss" -v cpu="$cpu" -v img="$imin" -v n="$n" \
        -v cr="$cr" -v po="$po" -v dl="$dl" -v ot="$ot" -v pc="$pc" \
      'BEGIN{printf "| %s | %.2f (%.2f-%.2f) | %.2f | %.3f | %.3f | %g + %g + %g + %g | %.1f | %.2f | %g | %d / %d |\n", name, w, a, b, i, w / i, q, cr, po, dl, ot, rss, cpu, pc, img, n}'
  done
  echo
  read -r pw _ _ prss pcpu prpi pimg _ < <(summary photoagent)
  if [ $js = 1 ]; then
    read -r jw _ _ jrss jcpu jrpi _ < <(summary js)
    awk -v pw="$pw" -v jw="$jw" -v pq="$prpi" -v jq="$jrpi" -v pr="$prss" -v jr="$jrss" -v pc="$pcpu" -v jc="$jcpu" \
      'BEGIN{printf "photoagent / JS: wall %.3f, requests per image %.3f, peak RSS %.3f, CPU %.3f\n", pw / jw, pq / jq, pr / jr, pc / jc}'
  fi
  echo
  echo "Targets:"
  awk -v w="$pw" -v i="$ideal" 'BEGIN{r = w / i; printf "- wall <= 1.10x ideal: %.3fx -> %s\n", r, (r <= 1.10 ? "met" : "MISSED")}'
  if [ $js = 1 ]; then
    awk -v pw="$pw" -v jw="$jw" -v pq="$prpi" -v jq="$jrpi" 'BEGIN{
      r = pw / jw; q = pq / jq
      ok = (r < 1) || (r <= 1.05 && q <= 0.5)
      printf "- faster than the JS client (or within 5%% with at most half its requests): wall ratio %.3f, request ratio %.3f -> %s\n", r, q, (ok ? "met" : "MISSED")}'
  fi
  awk -v m="$prss" 'BEGIN{printf "- peak RSS < 64 MiB: %.1f MiB -> %s\n", m, (m < 64 ? "met" : "MISSED")}'
  awk -v i="$pimg" -v n="$n" 'BEGIN{if (i != n) printf "- WARNING: photoagent wrote %d of %d images\n", i, n}'
} | tee "$work/results.md"
[ -n "$out" ] && cp "$work/results.md" "$out"
{
  echo
  echo "Per run (load = 1-min load average before -> after):"
  awk -F'\t' 'NR > 1 {printf "  %-10s rep %s: wall %s s, peak RSS %.1f MiB, CPU %s s, %d images, %d requests (%d creates, %d polls, %d downloads, %d other), %d connections, load %s -> %s\n", $1, $2, $3, $4/1024, $5, $6, $7, $8, $9, $10, $11, $14, $12, $13}' "$work/runs.tsv"
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "photoagent $(git -C "$repo" rev-parse --short HEAD 2>/dev/null)$(git -C "$repo" diff --quiet -- src include 2>/dev/null || echo ' (+ uncommitted src changes)')"
} | tee -a "$work/results.md"
