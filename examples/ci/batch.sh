#!/usr/bin/env bash
# CI job step: generate every line of a prompts file (or one shard of it),
# write a contact sheet of what was made, and fail the job when any item
# failed. Rerunning it in the same output folder (restored from the CI cache)
# finishes what is missing and pays nothing twice: the batch journal lives in
# the output folder.
#
#   batch.sh PROMPTS OUT_DIR [K/N]
#
# Environment: REPLICATE_API_TOKEN (from the CI secret store, never echoed),
# PHOTOAGENT_MODEL (default: config generate.model), PHOTOAGENT_CONCURRENCY
# (default 16), PHOTOAGENT_MAX_COST (dollars, optional cap per shard).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 PROMPTS OUT_DIR [K/N]" >&2
  exit 2
fi
prompts=$1 out=$2 shard=${3:-1/1}
: "${REPLICATE_API_TOKEN:?set REPLICATE_API_TOKEN from the CI secret store}"
mkdir -p "$out"

args=(generate --batch "$prompts" -o "$out" --json --contact-sheet "$out/contact-sheet.jpg"
      --concurrency "${PHOTOAGENT_CONCURRENCY:-16}")
[ "$shard" = 1/1 ] || args+=(--shard "$shard")
[ -z "${PHOTOAGENT_MODEL:-}" ] || args+=(--model "$PHOTOAGENT_MODEL")
[ -z "${PHOTOAGENT_MAX_COST:-}" ] || args+=(--max-cost "$PHOTOAGENT_MAX_COST")

# One JSON line per finished item goes to results.jsonl (kept as an artifact);
# progress and errors stay on stderr, in the job log.
rc=0
photoagent "${args[@]}" >"$out/results.jsonl" || rc=$?
case $rc in
  0) echo "shard $shard: every item done; contact sheet: $out/contact-sheet.jpg" >&2 ;;
  6) echo "shard $shard: some items failed (see the lines with \"status\":\"failed\" in $out/results.jsonl); rerun the job to retry them" >&2 ;;
  *) echo "shard $shard: photoagent exited $rc" >&2 ;;
esac
exit "$rc"
