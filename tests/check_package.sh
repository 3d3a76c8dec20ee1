#!/usr/bin/env bash
# `cmake --install` puts each file where Debian keeps it, and `cpack` builds a
# .deb that installs into a scratch root and runs from there; its Depends names
# the Debian package of every shared library the binary links or dlopens.
# usage: check_package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
for f in bin/photoagent share/man/man1/photoagent.1 share/man/man1/photoagent-search.1 \
         share/bash-completion/completions/photoagent share/zsh/vendor-completions/_photoagent \
         share/fish/vendor_completions.d/photoagent.fish; do
  [ -e "$scratch/prefix/$f" ] || fail "cmake --install did not install $f"
done

(cd "$scratch" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/pkg" >/dev/null)
deb=$(ls "$scratch"/pkg/photoagent_*.deb) || fail "cpack made no .deb"
dpkg-deb -x "$deb" "$scratch/root"
[ -x "$scratch/root/usr/bin/photoagent" ] || fail "the .deb has no usr/bin/photoagent"
[ -e "$scratch/root/usr/share/zsh/vendor-completions/_photoagent" ] || fail "the .deb has no zsh completion"
version=$(env -i PATH=/usr/bin:/bin HOME="$scratch" "$scratch/root/usr/bin/photoagent" --version)
[[ $version == "photoagent "* ]] || fail "the installed binary printed: $version"

# The sonames photoagent needs: linked ones (ldd) and dlopen'd ones (named in
# the binary); each must come from a package the .deb depends on.
depends=$(dpkg-deb -f "$deb" Depends)
sonames=$( { ldd "$scratch/root/usr/bin/photoagent" | awk '/=>/ {print $1}';
             strings "$scratch/root/usr/bin/photoagent" | grep -oE '^lib[a-z0-9_+-]+\.so\.[0-9]+$'; } | sort -u)
for so in $sonames; do
  # (awk reads to the end: an early exit would SIGPIPE ldconfig, fatal under pipefail)
  path=$(ldconfig -p | awk -v so="$so" '$1 == so && !found {print $NF; found = 1}')
  [ -n "$path" ] || fail "$so is not installed here"
  pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | awk -F: 'NR == 1 {print $1}') \
    || pkg=$(dpkg -S "$path" | awk -F: 'NR == 1 {print $1}')
  case $pkg in libc6|libc-bin) continue ;; esac
  grep -qE "(^|, )$pkg( |,|$)" <<<"$depends" || fail "$so comes from $pkg, which Depends does not list: $depends"
done
echo "installed and packaged: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB), $version"
echo "Depends: $depends"
