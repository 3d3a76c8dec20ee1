#!/usr/bin/env bash
# Every command in `photoagent --help` has a man page (photoagent-<cmd>.1, or a
# `.so` link to the page that documents it), and every page renders under
# `groff -ww` without a single warning.
# usage: check_man.sh PHOTOAGENT_BIN SOURCE_DIR
set -uo pipefail
bin=$1 man=$2/man
fail=0
commands=$("$bin" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR>1 && NF {print $1}')
[ -n "$commands" ] || { echo "no commands found in --help"; exit 1; }
for c in $commands; do
  [ -f "$man/photoagent-$c.1" ] || { echo "missing man page: man/photoagent-$c.1"; fail=1; }
done
for page in "$man"/*.1; do
  first=$(head -n 1 "$page")
  if [[ $first == .so\ * ]]; then
    target=$man/$(basename "${first#.so }")
    [ -f "$target" ] || { echo "$(basename "$page"): .so points at a missing page ($first)"; fail=1; }
    continue
  fi
  warnings=$(groff -ww -man -Tutf8 -z "$page" 2>&1)
  if [ -n "$warnings" ]; then
    echo "$(basename "$page"): groff -ww warns:"; echo "$warnings" | head -n 5; fail=1
  fi
done
[ $fail -eq 0 ] && echo "man pages: $(echo "$commands" | wc -l) commands, $(ls "$man"/*.1 | wc -l) pages, no groff warnings"
exit $fail
