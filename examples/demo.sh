#!/usr/bin/env bash
# The whole photoagent flow, end to end, against the local emulator of
# Replicate, Hugging Face and SendGrid (tests/fakecloud): nothing leaves
# this machine and no real account is needed. Installs and builds first.
#
#   bash examples/demo.sh            # everything in a throw-away folder
#   KEEP=1 bash examples/demo.sh     # keep the folder to look around afterwards
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
if [ ! -x build/photoagent ] || [ ! -x build/tests/fakecloud/fakecloud ] || [ -n "$(find src include tests/fakecloud -newer build/photoagent -print -quit 2>/dev/null)" ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$(nproc)" --target photoagent fakecloud
fi
root=$(pwd)
pa="$root/build/photoagent"
work=$(mktemp -d /tmp/photoagent-demo-XXXXXX)
cleanup() {
  [ -n "${cloud_pid:-}" ] && kill "$cloud_pid" 2>/dev/null || true
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept: $work" >&2; fi
}
trap cleanup EXIT

# A private home for this run: photoagent's cache, config and credentials.
export HOME="$work/home" PHOTOAGENT_HOME="$work/home/data" PHOTOAGENT_CONFIG_DIR="$work/home/config"
mkdir -p "$HOME"
unset REPLICATE_API_TOKEN HF_TOKEN SENDGRID_API_KEY PHOTOAGENT_PROFILE PHOTOAGENT_PROJECT

# Start the emulator on a free port; its first line is its address.
coproc CLOUD { exec "$root/build/tests/fakecloud/fakecloud" --port 0; }
cloud_pid=$CLOUD_PID
read -r origin <&"${CLOUD[0]}"
export REPLICATE_API_BASE_URL="$origin/v1" HF_ENDPOINT="$origin" SENDGRID_API_BASE_URL="$origin"

step() { printf '\n\033[1m$ photoagent %s\033[0m\n' "$*"; }
run() { step "$@"; "$pa" "$@"; }

echo "emulator at $origin; data in $work"
step "login --replicate --with-token   (token on stdin, never in argv)"
printf %s r8_good | "$pa" login --replicate --with-token
step "login --huggingface --with-token"
printf %s hf_good | "$pa" login --huggingface --with-token
step "login --sendgrid --with-token --from studio@example.com --to ada@example.com"
printf %s SG.good | "$pa" login --sendgrid --with-token --from studio@example.com --to ada@example.com
run login --status
step "login --replicate --with-token   (a wrong token: exit 4, nothing stored)"
printf %s r8_wrong | "$pa" login --replicate --with-token || echo "exit code $?"

run project create ada --kind person --trigger TOK_ADA --hf-repo ada-hf/ada-lora
run project create mug --kind product
run project list
run project use ada
run project delete mug --yes

# 18 public test photos stored with every EXIF orientation; photoagent turns them upright.
photos="$root/tests/data/exif-orientation"
run upload ada "$photos" --category headshot --auto-caption --auto-tags
run project images ada
run project show --json

run train ada --dry-run
run train ada --notify ada@example.com --wait
run status
step "(the emulator's view) Hugging Face repo ada-hf/ada-lora"
curl -s "$origin/_fake/hf/files?repo=ada-hf/ada-lora" | tr ',' '\n' | grep '"path"'
step "(the emulator's view) what was created, pushed and sent"
curl -s "$origin/_fake/stats" | grep -o '"\(trainings_created\|files_uploaded\|hf_commits\|emails_sent\|predictions_created\)":[0-9]*'
# Generate with the trained LoRA: one styled prompt, then a small CI-style batch.
out="$work/out"
run generate ada "on a sailboat at golden hour" --style headshot -n 2 -o "$out"
printf '%s\n' '{"prompt":"reading in a cafe","style":"instagram"}' '{"prompt":"at the summit","style":"cinematic"}' \
  '{"prompt":"lifting weights","style":"gym","id":"gym-1"}' > "$work/prompts.jsonl"
step generate ada --batch "$work/prompts.jsonl" --concurrency 4 -o "$out" --json --contact-sheet "$out/contact-sheet.jpg" --max-cost 1
"$pa" generate ada --batch "$work/prompts.jsonl" --concurrency 4 -o "$out" --json --contact-sheet "$out/contact-sheet.jpg" --max-cost 1 | tee "$work/batch.jsonl"
step "generate ada --batch ... (again: nothing is paid twice)"
"$pa" generate ada --batch "$work/prompts.jsonl" -o "$out" -q >/dev/null && echo "rerun done"
# A CI matrix runs one shard per job (examples/ci/); here both shards of the
# example prompts file (every style), one after the other.
run generate ada --batch "$root/examples/prompts.jsonl" --shard 1/2 -o "$work/shards" -q
run generate ada --batch "$root/examples/prompts.jsonl" --shard 2/2 -o "$work/shards" -q
# The same generation again with another seed, named by a template.
gid=$(grep -o '"id":"g[0-9]*"' "$work/batch.jsonl" | head -n 1 | cut -d'"' -f4)
run generate --rerun "$gid" --seed 7 -o "$out" --name '{project}-{style}-{seed}'
run status --spend
run status --spend --by day
step "(the emulator's view) predictions created"
curl -s "$origin/_fake/stats" | grep -o '"predictions_created":[0-9]*'
ls -la "$out"
run project images ada --source generated
# Everything photoagent made or saw is searchable, offline and at once.
run search sailboat
run search cafe --source generated --paths
# Search by meaning: embed the backlog once (paid, resumable), then rank by vectors.
run search --index --dry-run
run search --index
# (The emulator's CLIP model sees colour, light and shape; the real one sees content.)
run search a wide picture --semantic --limit 3
run search sailboat --hybrid --limit 3
run search --like 19 --limit 3
# Where did this file come from, and how to make it again?
first=$(ls "$out"/*.png | head -n 1)
run search --file "$first"
# The cache looks after itself.
run cache du
run cache check
run cache backup "$work/backup.db"
run search ada --limit 12 --contact-sheet "$out/search.jpg"

echo
echo "Demo complete: login, projects, upload with captions, training with Hugging Face push and one email,"
echo "generation with styles, a resumable batch and a contact sheet: $out/contact-sheet.jpg,"
echo "shards, a rerun with a named output, spend by day, search by words, meaning and likeness, where a file"
echo "came from, cache care, and search with a sheet of its results: $out/search.jpg"
if [ -z "${KEEP:-}" ]; then echo "(run with KEEP=1 to keep the files)"; fi
