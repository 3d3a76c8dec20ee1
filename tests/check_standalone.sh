#!/usr/bin/env bash
# The repository stands alone (DESIGN §10): no tracked file that the build,
# the tests, the demo or the benchmarks use may refer to the design folder
# beside the clone. Prose (Markdown, man pages) may cite it.
set -u
root=$1
cd "$root" || exit 2
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "standalone: not a git checkout, nothing to check"; exit 0
fi
# The pattern is split so this script does not match itself.
pattern='\.\./'"shared"
hits=$(git ls-files -z | grep -zvE '\.(md|[0-9])$' | xargs -0 grep -nE "$pattern" -- 2>/dev/null || true)
if [ -n "$hits" ]; then
  echo "standalone: these tracked files read outside the repository:"
  echo "$hits"
  exit 1
fi
echo "standalone ok"
