#!/usr/bin/env bash
# The examples run as written, against the emulator: the CI script, the script
# steps of the GitHub Actions matrix and of the GitLab `parallel:` job (shards
# run at once, as CI runs them), the prompts file (every style), and the user
# styles and trainers config.
# usage: check_examples.sh PHOTOAGENT_BIN FAKECLOUD_BIN SOURCE_DIR
set -uo pipefail
pa=$(realpath "$1") fakecloud=$(realpath "$2") src=$(realpath "$3")
work=$(mktemp -d)
cleanup() { [ -n "${cloud_pid:-}" ] && kill "$cloud_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$work/bin" "$work/repo"
ln -s "$pa" "$work/bin/photoagent"
ln -s "$src/examples" "$work/repo/examples"
export PATH="$work/bin:$PATH" HOME="$work/home"
unset REPLICATE_API_TOKEN HF_TOKEN SENDGRID_API_KEY PHOTOAGENT_PROFILE PHOTOAGENT_PROJECT CI_NODE_INDEX CI_NODE_TOTAL

coproc CLOUD { exec "$fakecloud" --port 0; }
cloud_pid=$CLOUD_PID
read -r origin <&"${CLOUD[0]}"
export REPLICATE_API_BASE_URL="$origin/v1" HF_ENDPOINT="$origin" SENDGRID_API_BASE_URL="$origin"
export REPLICATE_API_TOKEN=r8_good

counter() { curl -s "$origin/_fake/stats" | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }
reset_cloud() { curl -s -X POST "$origin/_fake/reset" >/dev/null; }
items=$(grep -c . "$src/examples/prompts.jsonl")
images=$(( items + 1 ))   # one line asks for n=2

# The styles the binary knows all appear in the prompts file.
for style in $("$pa" generate --list-styles | cut -f1); do
  grep -q "\"style\": \"$style\"" "$src/examples/prompts.jsonl" || fail "examples/prompts.jsonl has no line with style $style"
done

# run_shards NAME N CMD_TEMPLATE: runs the N shard commands at once, each with
# its own fresh PHOTOAGENT_HOME (separate CI runners), then checks the union.
run_shards() {
  local name=$1 n=$2 template=$3 pids=() k
  reset_cloud
  rm -rf "$work/repo/out"
  for k in $(seq 1 "$n"); do
    local cmd=${template//@K@/$k}
    cmd=${cmd//@N@/$n}
    ( cd "$work/repo" && PHOTOAGENT_HOME="$work/home-$name-$k" PHOTOAGENT_CONFIG_DIR="$work/config-$name-$k" \
        CI_NODE_INDEX=$k CI_NODE_TOTAL=$n bash -c "$cmd" ) >"$work/$name-$k.log" 2>&1 &
    pids+=($!)
  done
  for k in "${!pids[@]}"; do
    wait "${pids[$k]}" || { cat "$work/$name-$((k + 1)).log"; fail "$name shard $((k + 1)) of $n failed"; }
  done
  local made created
  made=$(find "$work/repo/out" -name '*.png' | wc -l)
  [ "$made" -eq "$images" ] || fail "$name: $made images from $n shards, expected $images"
  created=$(counter predictions_created)
  [ "$created" -eq "$items" ] || fail "$name: $created predictions for $items items"
  for k in $(seq 1 "$n"); do
    [ -s "$work/repo/out/shard-$k/contact-sheet.jpg" ] || fail "$name: shard $k wrote no contact sheet"
  done
  # Every key in exactly one shard's results.
  local keys dup
  keys=$(cat "$work"/repo/out/shard-*/results.jsonl | grep -o '"key":"[^"]*"' | sort)
  dup=$(uniq -d <<<"$keys")
  [ -z "$dup" ] || fail "$name: items made by two shards: $dup"
  echo "$name: $n shards in parallel, $items items, $made images, $created predictions"
}

# GitHub Actions: the matrix and the step's command line, as written.
gh=$src/examples/ci/github-actions.yml
shards=$(grep -oE 'shard: \[[0-9, ]+\]' "$gh" | grep -oE '[0-9]+' | wc -l)
step=$(grep -A1 'name: Generate this shard' "$gh" | sed -n 's/^ *run: //p')
[ -n "$step" ] && [ "$shards" -ge 2 ] || fail "could not read the shard step or matrix from $gh"
step=${step//'${{ matrix.shard }}'/@K@}
step=${step//'${{ strategy.job-total }}'/@N@}
[[ $step != *'${{'* ]] || fail "unknown expression left in the step: $step"
run_shards github "$shards" "$step"

# A retried shard (output folder restored from the cache, fresh cache dir) pays nothing.
before=$(counter predictions_created)
retry=${step//@K@/1}
retry=${retry//@N@/$shards}
( cd "$work/repo" && PHOTOAGENT_HOME="$work/home-retry" PHOTOAGENT_CONFIG_DIR="$work/config-retry" \
    bash -c "$retry" ) >"$work/retry.log" 2>&1 || { cat "$work/retry.log"; fail "rerun of github shard 1 failed"; }
[ "$(counter predictions_created)" -eq "$before" ] || fail "a retried shard paid again"
echo "github: shard 1 retried from its cached folder: 0 new predictions"

# GitLab: `parallel: N` and the script line, with GitLab's variables.
gl=$src/examples/ci/gitlab-ci.yml
nodes=$(sed -n 's/^ *parallel: *\([0-9]*\)$/\1/p' "$gl")
script=$(sed -n '/^  script:/,/^  [a-z]/p' "$gl" | grep 'examples/ci/batch.sh' | sed 's/^ *- //')
[ -n "$script" ] && [ -n "$nodes" ] || fail "could not read parallel: or the script from $gl"
run_shards gitlab "$nodes" "$script"

# The CI script fails the job when an item fails, and says so.
reset_cloud
printf '{"prompt": "a quiet harbour"}\n{"prompt": "this one will FAIL"}\n' >"$work/bad.jsonl"
( cd "$work/repo" && PHOTOAGENT_HOME="$work/home-bad" PHOTOAGENT_CONFIG_DIR="$work/config-bad" \
    bash examples/ci/batch.sh "$work/bad.jsonl" "$work/bad-out" ) 2>"$work/bad.log"
rc=$?
[ $rc -eq 6 ] || { cat "$work/bad.log"; fail "batch.sh exited $rc with a failed item (expected 6)"; }
grep -q 'some items failed' "$work/bad.log" || fail "batch.sh did not say that items failed"
unset REPLICATE_API_TOKEN
( bash "$src/examples/ci/batch.sh" "$work/bad.jsonl" "$work/x" ) 2>"$work/notoken.log" && fail "batch.sh ran without a token"
grep -q REPLICATE_API_TOKEN "$work/notoken.log" || fail "batch.sh without a token did not name the variable"
export REPLICATE_API_TOKEN=r8_good
echo "batch.sh: a failed item exits 6; no token is refused"

# The user styles and trainers config.
export PHOTOAGENT_HOME="$work/home-config" PHOTOAGENT_CONFIG_DIR="$work/config-config"
"$pa" config set styles "$(cat "$src/examples/config/styles.json")" >/dev/null || fail "config set styles refused examples/config/styles.json"
"$pa" config set trainers "$(cat "$src/examples/config/trainers.json")" >/dev/null || fail "config set trainers refused examples/config/trainers.json"
"$pa" generate --list-styles | grep -q '^polaroid' || fail "the polaroid style is not listed"
"$pa" generate --list-styles | grep -E '^headshot' | grep -q '4:5' || fail "the headshot override is not applied"
"$pa" project create ada --kind person --trigger TOK_ADA >/dev/null 2>&1 || fail "project create"
"$pa" upload ada "$src"/tests/data/exif-orientation/*.jpg -q >/dev/null || fail "upload of the test photos"
dry=$("$pa" train ada --trainer flux-quick --dry-run 2>&1) || { echo "$dry"; fail "train --trainer flux-quick --dry-run"; }
grep -q '"steps":600' <<<"$dry" && grep -q '"lora_rank":8' <<<"$dry" || { echo "$dry"; fail "the flux-quick trainer's 600 steps are not in the dry run"; }
echo "config: polaroid style listed, headshot overridden, flux-quick trainer dry-run with 600 steps"
echo "examples: all passed"
