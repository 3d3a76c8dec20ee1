#!/usr/bin/env bash
# Secrets audit (ctest "secrets_audit", label secrets; issue 13 item 7): the
# end-to-end suite once with canary tokens (PA_E2E_CANARY=1: the emulator
# accepts distinctive tokens and the harness hands them to photoagent wherever
# a test used r8_good / hf_good / SG.good) and --debug on every run
# (PA_E2E_DEBUG=1). Fails when a canary shows up where none may be:
#   - photoagent's stdout or stderr (--debug traces included),
#   - any file in a test's folders afterwards (database, logs, cache, HF home,
#     outputs; only credentials.json may hold tokens),
#   - the emulator's token_sightings: a token sent to another service than its
#     own, or to storage URLs (delivery, LFS),
#   - any process's command line, sampled every 50 ms during the run (but the
#     tests' own curl calls to the emulator).
# usage: audit.sh E2E_TESTS [doctest arguments, e.g. -tce=...]
set -u
e2e=$1
shift
work=$(mktemp -d)
report=$work/report
: >"$report"
: >"$work/proc"
# The scanner reads its patterns from a file, so its own command line holds none.
printf '%s\n' r8_CANARY hf_CANARY SG.CANARY >"$work/patterns"
scan_processes() {
  while :; do
    for f in $(grep -a -l -F -f "$work/patterns" /proc/[0-9]*/cmdline 2>/dev/null); do
      line=$( { tr '\0' ' ' <"$f" | cut -c1-300; } 2>/dev/null)
      # curl is the tests' own client of the emulator (photoagent uses libcurl, never the tool)
      case $line in "" | "/usr/bin/curl "*) ;; *) echo "process list: $line" >>"$work/proc" ;; esac
    done
    sleep 0.05
  done
}
scan_processes &
scanner=$!
trap 'kill $scanner 2>/dev/null; rm -rf "$work"' EXIT

# Self-checks: each detector must see a planted canary, or the audit proves nothing.
bash -c 'sleep 1; :' audit-selftest r8_CANARYselftest &
planted=$!
sleep 0.5
wait $planted
kill $scanner
wait $scanner 2>/dev/null
if ! grep -q selftest "$work/proc"; then
  echo "secrets audit: the process-list scanner missed a planted canary"
  exit 1
fi
: >"$work/proc"
scan_processes &
scanner=$!
PA_E2E_CANARY=1 PA_E2E_CANARY_PLANT=1 PA_E2E_CANARY_REPORT=$work/planted "$e2e" -tc='usage errors exit 2*' >/dev/null 2>&1
if ! grep -q planted-canary "$work/planted" 2>/dev/null; then
  echo "secrets audit: the harness's file scan missed a planted canary"
  exit 1
fi

start=$(date +%s)
PA_E2E_CANARY=1 PA_E2E_DEBUG=${PA_E2E_DEBUG-1} PA_E2E_CANARY_REPORT=$report "$e2e" "$@" >"$work/e2e.log" 2>&1
rc=$?
kill $scanner 2>/dev/null
wait $scanner 2>/dev/null
cat "$work/proc" >>"$report"
tail -3 "$work/e2e.log"
# The suite's own failures are the e2e label's business (--debug changes some
# messages tests compare); here they are listed, and only a leak fails.
failed=$(grep -c '^TEST CASE:' "$work/e2e.log")
echo "secrets audit: e2e exit $rc in $(( $(date +%s) - start )) s ($failed case(s) failed under canaries + --debug); $(sort -u "$report" | grep -c '') finding(s)"
[ "$failed" -gt 0 ] && grep '^TEST CASE:' "$work/e2e.log" | sort -u | head -40
if [ -s "$report" ]; then
  sort -u "$report" | head -50
  exit 1
fi
exit 0
