#!/usr/bin/env bash
# The layering of src/ and include/ (DESIGN §2, §9; issue 10 item 9).
# Layers, lowest first: util -> store | net | image (side by side) ->
# services -> workflows -> cli; src/main.cpp sits on top.
# Fails, one line per offending #include, when
#   - a layer includes a higher layer, or store/net/image include each other;
#   - services or cli include a store header (they go through workflows);
#   - a layer includes another layer's private header (src/<layer>/*.hpp);
#   - a third-party header leaves its layer: SQLite (SQLiteCpp, sqlite3.h) in
#     store, curl in src/net, image codecs in image, libarchive and OpenSSL in
#     src/util, CLI11 in exactly one .cpp file under src/cli;
#   - src or include includes test code (tests/, fakecloud, doctest, or a
#     header that exists only under tests/);
#   - a public header includes nlohmann/json.hpp (json_fwd.hpp is the one
#     for headers);
#   - a source file sits outside the known layer folders.
# Warns (no failure) on nlohmann/json.hpp in a private header and on a
# private header that follows none of the naming forms (see the end), and
# lists the private headers in src/ by form.
# Plain bash (3.2+) and grep; one grep, no process per include, so it stays
# fast on the whole tree.
set -u
root=${1:?usage: check_layering.sh SOURCE_ROOT}
cd "$root" || exit 2

rank() {
  case $1 in
    util) r=0 ;; store|net|image) r=1 ;; services) r=2 ;; workflows) r=3 ;;
    cli) r=4 ;; main) r=5 ;; *) r=9 ;;
  esac
}
# layer_of PATH (relative to the root) -> $layer: util..cli, main, or "".
layer_of() {
  layer=
  case $1 in
    src/main.cpp) layer=main ;;
    src/*/*) layer=${1#src/}; layer=${layer%%/*} ;;
    include/photoagent/*/*) layer=${1#include/photoagent/}; layer=${layer%%/*} ;;
  esac
  rank "$layer"; [ "$r" -eq 9 ] && layer=
}
# normalize PATH -> $norm, with . and .. folded (no process, unlike realpath).
normalize() {
  local rest=$1/ part
  norm=
  while [ -n "$rest" ]; do
    part=${rest%%/*}; rest=${rest#*/}
    case $part in
      ''|.) ;;
      ..) case $norm in ''|..|*/..) norm=${norm:+$norm/}.. ;; */*) norm=${norm%/*} ;; *) norm= ;; esac ;;
      *) norm=${norm:+$norm/}$part ;;
    esac
  done
}

bad=0
fail() { echo "layering: $*"; bad=$((bad + 1)); }
warn() { echo "layering: warning: $*"; }

# Every source file must sit in a layer folder; collect private headers.
src_exts='cpp|cc|hpp|h|ipp|inl'
files=$(find src include -type f 2>/dev/null | grep -E "\.($src_exts)\$" | LC_ALL=C sort)
nfiles=0
private_headers=
for f in $files; do
  nfiles=$((nfiles + 1))
  layer_of "$f"
  [ -z "$layer" ] && fail "$f: not in a known layer folder (util store net image services workflows cli under src/ or include/photoagent/; add a new layer to this script)"
  case $f in src/*.hpp|src/*.h) private_headers="$private_headers $f" ;; esac
done

# Headers that exist only under tests/, by every path suffix they could be
# included with ("support.hpp", "unit/support.hpp", ...).
test_suffixes='|'
for t in $(find tests -type f \( -name '*.hpp' -o -name '*.h' \) 2>/dev/null); do
  s=$t
  while :; do
    test_suffixes="$test_suffixes$s|"
    case $s in */*) s=${s#*/} ;; *) break ;; esac
  done
done

cli11_files=
nincludes=0
include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]+)[>"]'
while IFS= read -r hit; do
  file=${hit%%:*}; hit=${hit#*:}; line=${hit%%:*}; text=${hit#*:}
  [[ $text =~ $include_re ]] || continue
  delim=${BASH_REMATCH[1]}; inc=${BASH_REMATCH[2]}
  nincludes=$((nincludes + 1))
  where="$file:$line"
  if [ "$delim" = '<' ]; then shown="<$inc>"; else shown="\"$inc\""; fi
  layer_of "$file"; mine=$layer; rank "$mine"; my_rank=$r
  case $file in include/*) public=1 ;; *) public=0 ;; esac
  case $file in *.hpp|*.h|*.ipp|*.inl) header=1 ;; *) header=0 ;; esac

  # Where the include lands: beside the file (quoted only), then -I src,
  # then -I include (CMakeLists.txt: pa_layer).
  target=
  if [ "$delim" = '"' ]; then
    normalize "${file%/*}/$inc"
    [ -f "$norm" ] && target=$norm
  fi
  if [ -z "$target" ]; then
    for dir in src include; do
      normalize "$dir/$inc"
      if [ -f "$norm" ]; then target=$norm; break; fi
    done
  fi
  case $inc in photoagent/*/*) [ -z "$target" ] && target=include/$inc ;; esac

  # Test code, by name or by where it lands.
  case $target in
    tests/*) fail "$where: src and include never include test code: $shown"; continue ;;
    ../*) fail "$where: includes a file outside the repository: $shown"; continue ;;
  esac
  if [ -z "$target" ]; then
    case $inc in
      *fakecloud*|tests/*|*/tests/*|doctest*|*/doctest*)
        fail "$where: src and include never include test code: $shown"; continue ;;
    esac
    case $test_suffixes in
      *"|$inc|"*) fail "$where: src and include never include test code (a header under tests/): $shown"; continue ;;
    esac
  fi

  # Third-party headers that belong to one layer.
  case $inc in
    CLI/*)
      if [ "$public" -eq 1 ] || [ "$mine" != cli ]; then
        fail "$where: CLI11 belongs to one .cpp file in src/cli (DESIGN §9): $shown"
      elif [ "$header" -eq 1 ]; then
        fail "$where: CLI11 in a header reaches every file that includes it; keep it in one .cpp (DESIGN §9): $shown"
      else
        case " $cli11_files " in *" $file "*) ;; *) cli11_files="$cli11_files $file" ;; esac
      fi
      continue ;;
    SQLiteCpp/*|sqlite3.h)
      if [ "$mine" = cli ]; then
        fail "$where: src/cli never uses SQLite directly; call a workflow: $shown"; continue
      elif [ "$mine" != store ]; then
        fail "$where: SQLite (SQLiteCpp, sqlite3.h) belongs to src/store and include/photoagent/store: $shown"; continue
      fi ;;
    curl/*)
      case $file in src/net/*) ;; *) fail "$where: curl headers belong to src/net (net::Transport fronts them): $shown"; continue ;; esac ;;
    turbojpeg.h|jpeglib.h|png.h|libpng*/*|webp/*|stb_image*.h|stb/stb_image*.h)
      if [ "$mine" != image ]; then
        fail "$where: image codec headers belong to src/image: $shown"; continue
      fi ;;
    archive.h|archive_entry.h|openssl/*)
      case $file in src/util/*) ;; *) fail "$where: libarchive and OpenSSL headers belong to src/util: $shown"; continue ;; esac ;;
    nlohmann/json.hpp)
      if [ "$public" -eq 1 ]; then
        fail "$where: public headers include nlohmann/json_fwd.hpp, not json.hpp (DESIGN §9 compile time): $shown"; continue
      elif [ "$header" -eq 1 ]; then
        warn "$where: nlohmann/json.hpp in a private header (DESIGN §9: only .cpp files; json_fwd.hpp in headers): $shown"
      fi ;;
  esac

  # Layer rules, for includes that land in src/ or include/photoagent/.
  [ -n "$target" ] && [ -n "$mine" ] || continue
  case $target in src/*|include/photoagent/*) ;; *) continue ;; esac
  layer_of "$target"; other=$layer
  if [ -z "$other" ]; then
    fail "$where: includes a header outside the known layers: $shown"; continue
  fi
  rank "$other"; other_rank=$r
  [ "$other" = "$mine" ] && continue
  if [ "$other" = store ] && { [ "$mine" = services ] || [ "$mine" = cli ]; }; then
    fail "$where: $mine never includes a store header; the store is reached through workflows: $shown"
  elif [ "$other_rank" -gt "$my_rank" ]; then
    fail "$where: $mine includes $other, a higher layer: $shown"
  elif [ "$other_rank" -eq 1 ] && [ "$my_rank" -eq 1 ]; then
    fail "$where: $mine includes $other; store, net and image sit side by side: $shown"
  else
    case $target in
      src/*) [ "$mine" = main ] && [ "$other" = cli ] ||
               fail "$where: includes a private header of $other; use include/photoagent/$other/: $shown" ;;
    esac
  fi
done < <(grep -rnE --include='*.cpp' --include='*.cc' --include='*.hpp' --include='*.h' \
           --include='*.ipp' --include='*.inl' '^[[:space:]]*#[[:space:]]*include' src include 2>/dev/null)

# CLI11 in exactly one translation unit.
set -- $cli11_files
if [ $# -eq 0 ]; then
  fail "src/cli: no .cpp file includes <CLI/CLI.hpp>; exactly one must (DESIGN §9)"
elif [ $# -gt 1 ]; then
  fail "src/cli: CLI11 is included by $# files ($*); exactly one .cpp may (DESIGN §9)"
fi

# Private headers by naming (issue 10 item 8; README "Layout"): one that
# fronts a .cpp is named like it (foo.hpp beside foo.cpp); helpers shared by
# several .cpp files (or with unit tests) are <topic>_detail.hpp, or
# detail.hpp in a concept folder; a header-only concept (types or data that
# need no .cpp) says "Header-only" in its opening comment. Anything else
# draws a warning (no failure).
paired= detail= header_only= other=
for h in $private_headers; do
  stem=${h%.*}
  case $h in
    */detail.hpp|*_detail.hpp|*/detail.h|*_detail.h) detail="$detail $h" ;;
    *) if [ -f "$stem.cpp" ]; then paired="$paired $h"
       elif head -n 8 "$h" | grep -q 'Header-only'; then header_only="$header_only $h"
       else
         other="$other $h"
         warn "$h: a private header named neither like a .cpp beside it nor <topic>_detail.hpp / detail.hpp (nor marked Header-only); rename it (README Layout)"
       fi ;;
  esac
done
count() { set -- $1; echo $#; }
echo "layering: note: private headers in src/ by naming:"
echo "  named like a .cpp beside it ($(count "$paired")):$paired"
echo "  <topic>_detail.hpp or detail.hpp ($(count "$detail")):$detail"
echo "  header-only concept ($(count "$header_only")):$header_only"
echo "  neither (warned) ($(count "$other")):$other"

if [ "$bad" -gt 0 ]; then
  echo "layering: $bad violation(s) in $nfiles files"
  exit 1
fi
echo "layering ok ($nfiles files, $nincludes includes)"
