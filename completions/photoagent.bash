# bash completion for photoagent(1)                        -*- shell-script -*-
#
# Install as share/bash-completion/completions/photoagent, or source it from
# ~/.bashrc. Commands, verbs and options are listed here by hand (CLI11 cannot
# generate completions); tests/e2e/test_docs.cpp fails when `--help` grows an
# option this file does not offer, and tests/unit/cli/test_flag_tables.cpp
# checks the per-command lists and the options with a value against the
# commands' flag tables. Dynamic values come from photoagent itself,
# read from a pipe (tab-separated, no header): project names from
# `photoagent project list` (column 2), settings and photo categories from
# `photoagent config list --all`, style presets from `generate --list-styles`
# (column 1; the built-in ones when that gives nothing), training ids and
# pending generation ids from `photoagent status --offline` (column 1),
# trainer names: the built-in flux and sdxl, and those of the `trainers`
# setting (with jq).

# Global options: every command takes them, before or after its name.
_photoagent_global_opts='--json --debug --profile -q --quiet -h --help'

# Options that take a value (the next word is not a command or positional).
_photoagent_opts_with_value='--profile --from --to --kind --trigger --description --hf-repo -p --project'
_photoagent_opts_with_value+=' --caption --category --tags --max-side --trainer --steps --rank --lr --input'
_photoagent_opts_with_value+=' --notify --cancel --model --style -n --aspect --seed --guidance'
_photoagent_opts_with_value+=' --lora-scale --extra-lora --negative --format --provider -o --output --contact-sheet --batch'
_photoagent_opts_with_value+=' --concurrency --rate --collect --source --tag --since --until --limit --offset'
_photoagent_opts_with_value+=' --shard --rerun --prompt --name'
_photoagent_opts_with_value+=' -j --jobs --not --sort'
_photoagent_opts_with_value+=' --file --before'
_photoagent_opts_with_value+=' --like --threshold'
_photoagent_opts_with_value+=' --max-cost --max-predictions --by'

# The options of one command path (words joined by "_").
_photoagent_cmd_opts() {
  case $1 in
    "") echo '--version' ;;
    login) echo '--replicate --huggingface --sendgrid --with-token --from --to --status --offline' ;;
    logout) echo '--replicate --huggingface --sendgrid' ;;
    project_create) echo '--kind --trigger --description --hf-repo' ;;
    project_show | project_use) echo '-p --project' ;;
    project_images) echo '-p --project --source' ;;
    project_delete) echo '-p --project -y --yes --remote' ;;
    project_image_edit) echo '--caption --tags --category' ;;
    config) echo '--all' ;;
    upload) echo '-p --project --caption --category --tags --auto-caption --auto-tags --max-side -j --jobs' ;;
    train) echo '-p --project --trainer --steps --rank --lr --input --hf-repo --notify --wait --no-watch
                 --dry-run --force --retry-unknown --keep-upload --max-cost --max-predictions --cancel' ;;
    status) echo '-p --project --watch --logs --exit-status --spend --by --since --offline --cancel --notify' ;;
    generate) echo '-p --project --model --provider --style -n --aspect --seed --steps --guidance --lora-scale
                    --extra-lora --negative --format --input --upscale --face-restore -o --output --name --overwrite --no-wait
                    --dry-run --contact-sheet --batch --concurrency --rate --shard --collect --rerun --prompt --retry-unknown
                    --retry-expired --max-cost --max-predictions --list-styles' ;;
    search) echo '-p --project --source --category --style --model --tag --not --since --until --sort --limit
                  --offset --fts --paths -0 --null --contact-sheet --file --semantic --hybrid --like
                  --duplicates --threshold --index --dry-run -j --jobs' ;;
    cache_prune) echo '--before --dry-run' ;;
    cache_gc) echo '--dry-run' ;;
  esac
}

# Runs photoagent for dynamic values: from a pipe, never coloured, never
# rendered for a terminal; errors (e.g. no cache yet) give no values.
_photoagent_query() {
  (
    unset PHOTOAGENT_FORCE_TTY CLICOLOR_FORCE
    export NO_COLOR=1
    if [[ -n $_photoagent_profile ]]; then
      command "$_photoagent_bin" --profile "$_photoagent_profile" "$@"
    else
      command "$_photoagent_bin" "$@"
    fi
  ) 2>/dev/null </dev/null
}

_photoagent_projects() { _photoagent_query project list | cut -f2; }

_photoagent_config_keys() {
  local keys
  keys=$(_photoagent_query config list --all | cut -f1)
  [[ -n $keys ]] || keys=$'default_project\nsendgrid.from\nsendgrid.to'
  printf '%s\n' "$keys"
}

_photoagent_categories() {
  _photoagent_query config list --all |
    awk -F'\t' '$1 ~ /^categories\./ { n = split($2, c, ","); for (i = 1; i <= n; i++) print c[i] }' |
    sort -u
}

# Style presets: from `generate --list-styles` (which knows the `styles`
# setting), else the built-in ones.
_photoagent_styles() {
  local styles
  styles=$(_photoagent_query generate --list-styles | cut -f1)
  if [[ -z $styles ]]; then
    styles=$(printf '%s\n' headshot full-body linkedin instagram dating gym ghibli cinematic \
      product-studio product-lifestyle)
  fi
  printf '%s\n' "$styles"
}

# Training ids (t12), from the cache only; [-u]: unfinished ones only.
_photoagent_trainings() {
  _photoagent_query status --offline | awk -F'\t' -v u="$1" '
    $1 ~ /^t[0-9]+$/ && (u != "-u" || $3 !~ /^(succeeded|failed|canceled|aborted)$/) { print $1 }'
}

# Generation ids (g12) still pending, for --collect (from the cache only).
_photoagent_generations() {
  _photoagent_query status --offline | awk -F'\t' '$1 ~ /^g[0-9]+$/ && $2 == "generate" { print $1 }'
}

# The built-in trainers, and those the `trainers` setting adds (needs jq).
_photoagent_trainers() {
  printf '%s\n' flux sdxl
  if command -v jq >/dev/null 2>&1; then
    _photoagent_query config get trainers | jq -r 'keys[]?' 2>/dev/null
  fi
}

_photoagent_profiles() {
  local cfg dir
  cfg=$(unset PHOTOAGENT_PROFILE; _photoagent_profile='' _photoagent_query config path |
    awk -F'\t' '$1 == "config" { print $2 }')
  echo default
  [[ -n $cfg ]] || return 0
  dir=${cfg%/*}/profiles
  [[ -d $dir ]] && (cd "$dir" && for d in */; do [[ -d $d ]] && echo "${d%/}"; done)
  return 0
}

_photoagent_words() { # words or lines...: offer those that start with $cur
  # (not compgen -W, which would expand $(...) in a value from the config)
  local w
  while IFS= read -r w; do
    [[ -n $w && $w == "$cur"* ]] && COMPREPLY+=("$w")
  done < <(printf '%s\n' "$@")
}

_photoagent_files() { # [-d]: files (or folders only) for $cur
  compopt -o filenames 2>/dev/null
  local IFS=$'\n'
  if [[ $1 == -d ]]; then
    COMPREPLY+=($(compgen -d -- "$cur"))
  else
    COMPREPLY+=($(compgen -f -- "$cur"))
  fi
}

_photoagent() {
  local cur prev cword words
  local _photoagent_bin=${1:-photoagent} _photoagent_profile=${PHOTOAGENT_PROFILE:-}
  [[ $_photoagent_bin == "~/"* ]] && _photoagent_bin=$HOME/${_photoagent_bin#"~/"}
  cword=$COMP_CWORD
  cur=${COMP_WORDS[cword]}
  prev=${COMP_WORDS[cword - 1]}
  # Bash splits "--kind=pe" at "=" (COMP_WORDBREAKS): "--kind" "=" "pe".
  if [[ $cur == = ]]; then
    cur=
  elif [[ $prev == = ]] && ((cword >= 2)); then
    prev=${COMP_WORDS[cword - 2]}
  fi
  COMPREPLY=()

  # The words before the cursor, with "--opt" "=" "value" joined again.
  words=()
  local i w
  for ((i = 1; i < cword; i++)); do
    if [[ ${COMP_WORDS[i + 1]} == = ]] && ((i + 2 < cword)); then
      words+=("${COMP_WORDS[i]}=${COMP_WORDS[i + 2]}")
      ((i += 2))
    elif [[ ${COMP_WORDS[i + 1]} == = ]]; then
      break # the option whose value is being completed
    else
      words+=("${COMP_WORDS[i]}")
    fi
  done

  # The command path ("project_image_edit") and the positionals after it.
  local path='' value_of=''
  local -a pos=()
  for w in "${words[@]}"; do
    if [[ -n $value_of ]]; then
      [[ $value_of == --profile ]] && _photoagent_profile=$w
      value_of=''
      continue
    fi
    case $w in
      --profile=*) _photoagent_profile=${w#--profile=}; continue ;;
      -?*=*) continue ;;
      -?*) [[ " $_photoagent_opts_with_value " == *" $w "* ]] && value_of=$w
           [[ $path == status && $w == --notify ]] && value_of='' # a flag there
           continue ;;
    esac
    case $path in
      "") case $w in
            login | logout | project | config | upload | train | status | generate | search | cache) path=$w ;;
            *) pos+=("$w") ;;
          esac ;;
      project) case $w in
                 create | list | show | use | delete | images | image) path+=_$w ;;
                 *) pos+=("$w") ;;
               esac ;;
      project_image) case $w in
                       edit | rm) path+=_$w ;;
                       *) pos+=("$w") ;;
                     esac ;;
      cache) case $w in
               du | prune | gc | backup | check) path+=_$w ;;
               *) pos+=("$w") ;;
             esac ;;
      *) pos+=("$w") ;;
    esac
  done

  # The value of an option.
  case $prev in
    --profile) _photoagent_words "$(_photoagent_profiles)"; return ;;
    --kind) _photoagent_words person product; return ;;
    --format) _photoagent_words png jpg webp; return ;;
    --provider) _photoagent_words replicate huggingface; return ;;
    --source) [[ $path == search ]] && _photoagent_words upload generated || _photoagent_words upload generated all
              return ;;
    --sort) _photoagent_words score date; return ;;
    --by) _photoagent_words project day; return ;;
    -p | --project) _photoagent_words "$(_photoagent_projects)"; return ;;
    --category) _photoagent_words "$(_photoagent_categories)"; return ;;
    --style) _photoagent_words "$(_photoagent_styles)"; return ;;
    --trainer) _photoagent_words "$(_photoagent_trainers | sort -u)"; return ;;
    --cancel) _photoagent_words "$(_photoagent_trainings -u)"; return ;;
    --notify) [[ $path == status ]] || return ;; # train --notify ADDR; status --notify is a flag
    -o | --output) _photoagent_files -d; return ;;
    --collect) _photoagent_words "$(_photoagent_generations)"; return ;;
    --batch) _photoagent_words -; _photoagent_files; return ;;
    --contact-sheet | --file) _photoagent_files; return ;;
    --from | --to | --trigger | --description | --hf-repo | --caption | --tags | --max-side | -j | --jobs | \
      --steps | --rank | --lr | --input | --model | -n | --aspect | --seed | \
      --guidance | --lora-scale | --extra-lora | --negative | --concurrency | --rate | --shard | --rerun | --prompt | --name | \
      --tag | --not | --since | --until | --limit | --offset | --before)
      return ;;
  esac

  if [[ $cur == -* ]]; then
    _photoagent_words $(_photoagent_cmd_opts "$path") $_photoagent_global_opts
    return
  fi

  local n=${#pos[@]}
  case $path in
    "") _photoagent_words login logout project config upload train status generate search cache ;;
    project) _photoagent_words create list show use delete images image ;;
    project_image) _photoagent_words edit rm ;;
    cache) _photoagent_words du prune gc backup check ;;
    cache_backup) ((n == 0)) && _photoagent_files ;;
    project_show | project_use | project_delete | project_images)
      ((n == 0)) && _photoagent_words "$(_photoagent_projects)" ;;
    config)
      case $n in
        0) _photoagent_words get set unset list path ;;
        1) case ${pos[0]} in get | set | unset) _photoagent_words "$(_photoagent_config_keys)" ;; esac ;;
        2) [[ ${pos[0]} == set && ${pos[1]} == default_project ]] && _photoagent_words "$(_photoagent_projects)" ;;
      esac ;;
    upload)
      ((n == 0)) && _photoagent_words "$(_photoagent_projects)"
      _photoagent_files ;;
    status)
      ((n == 0)) && _photoagent_words "$(_photoagent_projects)" "$(_photoagent_trainings)" ;;
    train | generate)
      ((n == 0)) && _photoagent_words "$(_photoagent_projects)" ;;
    *) _photoagent_words $(_photoagent_cmd_opts "$path") ;;
  esac
}

complete -F _photoagent photoagent
