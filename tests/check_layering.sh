#!/usr/bin/env bash
# Fails when a file of one layer includes a header of a layer above it.
set -u
root=$1
layers=(util store net image services workflows cli)
rank() { case $1 in util) echo 0;; store|net|image) echo 1;; services) echo 2;; workflows) echo 3;; cli) echo 4;; *) echo 9;; esac; }
bad=0
for layer in "${layers[@]}"; do
  mine=$(rank "$layer")
  for dir in "$root/src/$layer" "$root/include/photoagent/$layer"; do
    [ -d "$dir" ] || continue
    while IFS=: read -r file _ inc; do
      other=$(sed -E 's/.*photoagent\/([a-z]+)\/.*/\1/' <<<"$inc")
      [ "$other" = "$inc" ] && continue
      theirs=$(rank "$other")
      # store, net and image sit side by side: none may include another.
      if [ "$theirs" -gt "$mine" ] || { [ "$theirs" -eq 1 ] && [ "$mine" -eq 1 ] && [ "$other" != "$layer" ]; }; then
        echo "layering: $file ($layer) includes $other: $inc"; bad=1
      fi
    done < <(grep -rnE '#include [<"]photoagent/' "$dir" || true)
  done
done
[ $bad -eq 0 ] && echo "layering ok"
exit $bad
