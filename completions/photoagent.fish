# fish completion for photoagent(1)
#
# Install as share/fish/vendor_completions.d/photoagent.fish (or put it in
# ~/.config/fish/completions/). Commands, verbs and options are listed here by
# hand (CLI11 cannot generate completions); tests/e2e/test_docs.cpp fails when
# `--help` grows an option this file does not offer, and
# tests/unit/cli/test_flag_tables.cpp checks each option's condition, -x/-r and
# values against the commands' flag tables. Dynamic values come from
# photoagent itself, read from a pipe (tab-separated, no header): project
# names from `photoagent project list` (column 2), settings and photo
# categories from `photoagent config list --all`, style presets from
# `photoagent generate --list-styles` (name and description; the built-in
# ones when that gives nothing), training ids and pending generation ids from
# `photoagent status --offline` (column 1), trainer names: the built-in flux
# and sdxl, and those of the `trainers` setting (with jq).

# Options that take a value (the next word is not a command or positional).
set -g __photoagent_opts_with_value --profile --from --to --kind --trigger --description --hf-repo -p --project \
    --caption --category --tags --max-side --trainer --steps --rank --lr --input --notify --cancel --model \
    --style -n --aspect --seed --guidance --lora-scale --extra-lora --negative --format --provider -o --output \
    --contact-sheet --batch --concurrency --rate --collect --source --tag --since --until --limit --offset \
    --shard --rerun --prompt --name \
    -j --jobs --not --sort \
    --file --before \
    --like --threshold \
    --max-cost --max-predictions --by

# Prints the command path ("project image edit", "" for none) on the first
# line, then the positional arguments typed after it, one per line.
function __photoagent_parse
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path ''
    set -l pos
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case '-?*=*'
                continue
            case '-?*'
                # (status --notify is a flag; train --notify takes an address)
                contains -- $t $__photoagent_opts_with_value; and test "$path $t" != 'status --notify'; and set skip 1
                continue
        end
        switch $path
            case ''
                if contains -- $t login logout project config upload train status generate search cache
                    set path $t
                else
                    set -a pos $t
                end
            case project
                if contains -- $t create list show use delete images image
                    set path "project $t"
                else
                    set -a pos $t
                end
            case 'project image'
                if contains -- $t edit rm
                    set path "project image $t"
                else
                    set -a pos $t
                end
            case cache
                if contains -- $t du prune gc backup check
                    set path "cache $t"
                else
                    set -a pos $t
                end
            case '*'
                set -a pos $t
        end
    end
    printf '%s\n' $path $pos
end

# True when the command path is one of the arguments ('' for no command yet).
function __photoagent_is
    set -l parsed (__photoagent_parse)
    contains -- "$parsed[1]" $argv
end

# True when the command path is $argv[1] and $argv[2] positionals are typed.
function __photoagent_at
    set -l parsed (__photoagent_parse)
    test "$parsed[1]" = $argv[1]; and test (math (count $parsed) - 1) -eq $argv[2]
end

# True for `config VERB` with VERB among $argv[2..] and $argv[1] positionals.
function __photoagent_config_at
    set -l parsed (__photoagent_parse)
    test "$parsed[1]" = config; and test (math (count $parsed) - 1) -eq $argv[1]
    and contains -- "$parsed[2]" $argv[2..-1]
end

# True for `config set KEY ` with KEY among the arguments.
function __photoagent_config_value_of
    set -l parsed (__photoagent_parse)
    test "$parsed[1]" = config; and test (count $parsed) -eq 3; and test "$parsed[2]" = set
    and contains -- "$parsed[3]" $argv
end

# The profile named on the command line, else $PHOTOAGENT_PROFILE.
function __photoagent_profile_arg
    set -l tokens (commandline -opc)
    set -l profile
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case '--profile=*'
                set profile (string replace -- '--profile=' '' $tokens[$i])
            case --profile
                set -q tokens[(math $i + 1)]; and set profile $tokens[(math $i + 1)]
        end
    end
    if test -n "$profile"
        printf '%s\n' --profile $profile
    end
end

# Runs photoagent for dynamic values: from a pipe, never coloured, never
# rendered for a terminal; errors (e.g. no cache yet) give no values.
function __photoagent_run
    set -l bin (commandline -opc)[1]
    test -n "$bin"; or set bin photoagent
    env -u PHOTOAGENT_FORCE_TTY -u CLICOLOR_FORCE NO_COLOR=1 $bin $argv 2>/dev/null </dev/null
end

function __photoagent_query
    __photoagent_run (__photoagent_profile_arg) $argv
end

# name<TAB>kind, N images
function __photoagent_projects
    __photoagent_query project list | while read -l line
        set -l f (string split \t -- $line)
        test -n "$f[2]"; or continue
        set -l default
        test "$f[1]" = '*'; and set default ' (default)'
        printf '%s\t%s, %s images%s\n' $f[2] $f[3] $f[5] "$default"
    end
end

# key<TAB>meaning
function __photoagent_config_keys
    set -l rows (__photoagent_query config list --all)
    if test (count $rows) -eq 0
        printf '%s\n' default_project sendgrid.from sendgrid.to
        return
    end
    for line in $rows
        set -l f (string split \t -- $line)
        printf '%s\t%s\n' $f[1] $f[3]
    end
end

function __photoagent_categories
    for line in (__photoagent_query config list --all)
        set -l f (string split \t -- $line)
        string match -q -- 'categories.*' $f[1]; and string split , -- $f[2]
    end | sort -u
end

# name<TAB>description (aspect): from `generate --list-styles` (which knows
# the `styles` setting), else the built-in ones
function __photoagent_styles
    set -l rows (__photoagent_query generate --list-styles)
    if test (count $rows) -eq 0
        printf '%s\n' \
            'headshot	professional headshot, studio light (3:4)' \
            'full-body	full-body portrait (2:3)' \
            'linkedin	LinkedIn / professional profile photo (1:1)' \
            'instagram	Instagram: candid, vibrant, golden hour (4:5)' \
            'dating	dating profile: natural and warm (4:5)' \
            'gym	gym: muscular, lifting, workout, visible abs (4:5)' \
            'ghibli	Ghibli-style hand-painted illustration (3:2)' \
            'cinematic	cinematic film still (16:9)' \
            'product-studio	product: studio shot on white (1:1)' \
            'product-lifestyle	product: in use, lifestyle setting (4:3)'
        return
    end
    for line in $rows
        set -l f (string split \t -- $line)
        test -n "$f[1]"; or continue
        printf '%s\t%s (%s)\n' $f[1] "$f[3]" "$f[2]"
    end
end

# id<TAB>model, state of pending generations, for --collect (from the cache only)
function __photoagent_generations
    __photoagent_query status --offline | while read -l line
        set -l f (string split \t -- $line)
        string match -qr -- '^g[0-9]+$' "$f[1]"; and test "$f[2]" = generate; or continue
        printf '%s\t%s, %s\n' $f[1] $f[3] $f[4]
    end
end

# id<TAB>project, state; -u: unfinished ones only (from the cache only)
function __photoagent_trainings
    __photoagent_query status --offline | while read -l line
        set -l f (string split \t -- $line)
        string match -qr -- '^t[0-9]+$' "$f[1]"; or continue
        if test "$argv[1]" = -u
            contains -- "$f[3]" succeeded failed canceled aborted; and continue
        end
        printf '%s\t%s, %s\n' $f[1] $f[2] (string trim -- "$f[3] $f[4]")
    end
end

# The built-in trainers, and those the `trainers` setting adds (needs jq).
function __photoagent_trainers
    begin
        printf '%s\n' flux sdxl
        if command -q jq
            __photoagent_query config get trainers | jq -r 'keys[]?' 2>/dev/null
        end
    end | sort -u
end

function __photoagent_profiles
    echo default
    set -l cfg (PHOTOAGENT_PROFILE= __photoagent_run config path | string replace -rf -- '^config\t' '')
    test -n "$cfg"; or return 0
    set -l dir (string replace -r -- '/[^/]*$' '' $cfg)/profiles
    test -d $dir; or return 0
    for d in $dir/*/
        basename -- $d
    end
end

complete -c photoagent -f

# Global options: every command takes them, before or after its name.
complete -c photoagent -l json -d 'Machine-readable output on stdout'
complete -c photoagent -l debug -d 'Trace HTTP on stderr (secrets redacted)'
complete -c photoagent -l profile -x -a '(__photoagent_profiles)' -d 'Use a named profile (own credentials and config)'
complete -c photoagent -s q -l quiet -d 'Only results and errors'
complete -c photoagent -s h -l help -d 'Print the help and exit'
complete -c photoagent -n '__photoagent_is ""' -l version -d 'Print the version and exit'

# Commands
complete -c photoagent -n '__photoagent_is ""' -a login -d 'Store and verify a Replicate, Hugging Face or SendGrid secret'
complete -c photoagent -n '__photoagent_is ""' -a logout -d 'Remove stored secrets (all, or the services named)'
complete -c photoagent -n '__photoagent_is ""' -a project -d 'Create, list, show, select and delete projects'
complete -c photoagent -n '__photoagent_is ""' -a config -d 'Read and change settings'
complete -c photoagent -n '__photoagent_is ""' -a upload -d 'Add photos to a project (captions, categories, tags)'
complete -c photoagent -n '__photoagent_is ""' -a train -d "Train a Flux LoRA on Replicate from a project's photos"
complete -c photoagent -n '__photoagent_is ""' -a status -d 'Show trainings and pending predictions'
complete -c photoagent -n '__photoagent_is ""' -a generate -d 'Generate images from a prompt or a batch file'
complete -c photoagent -n '__photoagent_is ""' -a search -d 'Find images by captions, tags, prompts and names'
complete -c photoagent -n '__photoagent_is ""' -a cache -d 'Look after the local cache: space, pruning, garbage, backups, checks'

# login
complete -c photoagent -n '__photoagent_is login' -l replicate -d 'Log in to Replicate (training and generation)'
complete -c photoagent -n '__photoagent_is login' -l huggingface -d 'Log in to Hugging Face (where LoRA weights are kept)'
complete -c photoagent -n '__photoagent_is login' -l sendgrid -d 'Log in to SendGrid (completion emails)'
complete -c photoagent -n '__photoagent_is login' -l with-token -d 'Read the secret from standard input'
complete -c photoagent -n '__photoagent_is login' -l from -x -d 'SendGrid: sender address (a verified sender)'
complete -c photoagent -n '__photoagent_is login' -l to -x -d 'SendGrid: default recipient (default: the sender)'
complete -c photoagent -n '__photoagent_is login' -l status -d 'Show each service: configured, source, account, valid'
complete -c photoagent -n '__photoagent_is login' -l offline -d 'With --status: do not contact the services'

# logout
complete -c photoagent -n '__photoagent_is logout' -l replicate -d 'Remove the Replicate token'
complete -c photoagent -n '__photoagent_is logout' -l huggingface -d 'Remove the Hugging Face token'
complete -c photoagent -n '__photoagent_is logout' -l sendgrid -d 'Remove the SendGrid key'

# project
complete -c photoagent -n '__photoagent_is project' -a create -d 'Create a project (a person or a product to train on)'
complete -c photoagent -n '__photoagent_is project' -a list -d 'List projects (* marks the default)'
complete -c photoagent -n '__photoagent_is project' -a show -d 'Show one project (default: the default project)'
complete -c photoagent -n '__photoagent_is project' -a use -d 'Make a project the default for later commands'
complete -c photoagent -n '__photoagent_is project' -a delete -d 'Delete a project and its cached images'
complete -c photoagent -n '__photoagent_is project' -a images -d "List a project's images (id, file, size, category, tags, caption)"
complete -c photoagent -n '__photoagent_is project' -a image -d 'Edit or remove one image'

complete -c photoagent -n '__photoagent_is "project create"' -l kind -x -a 'person product' -d 'person or product'
complete -c photoagent -n '__photoagent_is "project create"' -l trigger -x -d 'Trigger word the LoRA learns (default TOK_<NAME>)'
complete -c photoagent -n '__photoagent_is "project create"' -l description -x -d 'Free text'
complete -c photoagent -n '__photoagent_is "project create"' -l hf-repo -x -d 'Hugging Face repo for the weights (OWNER/NAME)'

complete -c photoagent -n '__photoagent_is "project show" "project use" "project delete" "project images"' -s p -l project -x -a '(__photoagent_projects)' -d 'Project name'
complete -c photoagent -n '__photoagent_is "project images"' -l source -x -a 'upload generated all' -d 'The photos (default), outputs of generate, or both'
complete -c photoagent -n '__photoagent_at "project show" 0; or __photoagent_at "project use" 0; or __photoagent_at "project delete" 0; or __photoagent_at "project images" 0' -a '(__photoagent_projects)'
complete -c photoagent -n '__photoagent_is "project delete"' -s y -l yes -d 'Do not ask for confirmation'
complete -c photoagent -n '__photoagent_is "project delete"' -l remote -d 'Also delete the Replicate model and the Hugging Face repo'

complete -c photoagent -n '__photoagent_is "project image"' -a edit -d "Change an image's caption, category or tags"
complete -c photoagent -n '__photoagent_is "project image"' -a rm -d 'Remove an image from its project'
complete -c photoagent -n '__photoagent_is "project image edit"' -l caption -x -d 'New caption ("" clears it)'
complete -c photoagent -n '__photoagent_is "project image edit"' -l category -x -a '(__photoagent_categories)' -d 'New category ("" clears it)'
complete -c photoagent -n '__photoagent_is "project image edit"' -l tags -x -d 'New tags, comma-separated (replace the old ones)'

# config
complete -c photoagent -n '__photoagent_at config 0' -a get -d 'Print a setting (or its default)'
complete -c photoagent -n '__photoagent_at config 0' -a set -d 'Store a setting'
complete -c photoagent -n '__photoagent_at config 0' -a unset -d 'Remove a stored setting'
complete -c photoagent -n '__photoagent_at config 0' -a list -d 'The stored settings (--all: every known key)'
complete -c photoagent -n '__photoagent_at config 0' -a path -d 'Where the config, credentials and data live'
complete -c photoagent -n '__photoagent_config_at 1 get set unset' -a '(__photoagent_config_keys)'
complete -c photoagent -n '__photoagent_config_value_of default_project' -a '(__photoagent_projects)'
complete -c photoagent -n '__photoagent_is config' -l all -d 'list: every known key with its default and meaning'

# Every command that works on a project takes -p/--project.
complete -c photoagent -n '__photoagent_is upload train status generate search' -s p -l project -x -a '(__photoagent_projects)' -d 'Project name'

# upload
complete -c photoagent -n '__photoagent_is upload' -F
complete -c photoagent -n '__photoagent_at upload 0' -a '(__photoagent_projects)'
complete -c photoagent -n '__photoagent_is upload' -l caption -x -d 'Caption for every photo (else NAME.txt beside it)'
complete -c photoagent -n '__photoagent_is upload' -l category -x -a '(__photoagent_categories)' -d 'Category of the photos'
complete -c photoagent -n '__photoagent_is upload' -l tags -x -d 'Tags, comma-separated'
complete -c photoagent -n '__photoagent_is upload' -l auto-caption -d 'Caption photos with a captioning model on Replicate'
complete -c photoagent -n '__photoagent_is upload' -l auto-tags -d 'Tag photos with a model on Replicate'
complete -c photoagent -n '__photoagent_is upload' -l max-side -x -d 'Long side of stored photos in pixels (default 1536)'
complete -c photoagent -n '__photoagent_is upload' -s j -l jobs -x -d 'Files processed at once (default: one per core)'

# train
complete -c photoagent -n '__photoagent_at train 0' -a '(__photoagent_projects)'
complete -c photoagent -n '__photoagent_is train' -l trainer -x -a '(__photoagent_trainers)' -d 'Trainer (default: config train.trainer, flux)'
complete -c photoagent -n '__photoagent_is train' -l steps -x -d 'Training steps (trainer default: 1000)'
complete -c photoagent -n '__photoagent_is train' -l rank -x -d 'LoRA rank (trainer default: 16)'
complete -c photoagent -n '__photoagent_is train' -l lr -x -d 'Learning rate (trainer default: 0.0004)'
complete -c photoagent -n '__photoagent_is train' -l input -x -d 'Any other trainer input, KEY=VALUE (repeatable)'
complete -c photoagent -n '__photoagent_is train' -l hf-repo -x -d 'Push the LoRA to this Hugging Face repo (OWNER/NAME)'
complete -c photoagent -n '__photoagent_is train' -l notify -x -d 'Email this address when done (default: config sendgrid.to)'
complete -c photoagent -n '__photoagent_is train' -l wait -d 'Follow the training in the foreground until it ends'
complete -c photoagent -n '__photoagent_is train' -l no-watch -d 'Do not start the background watcher'
complete -c photoagent -n '__photoagent_is train' -l dry-run -d 'Print the zip, inputs and estimated cost; send nothing'
complete -c photoagent -n '__photoagent_is train' -l force -d 'Start even though a training of the project is running'
complete -c photoagent -n '__photoagent_is train' -l retry-unknown -d 'Start anew although an earlier create could not be confirmed (may pay twice)'
complete -c photoagent -n '__photoagent_is train' -l keep-upload -d 'Keep the training zip on Replicate (deleted when the training ends by default)'
complete -c photoagent -n '__photoagent_is train generate' -l max-cost -x -d 'Spend cap in dollars (refused over the estimate)'
complete -c photoagent -n '__photoagent_is train generate' -l max-predictions -x -d 'Cap on paid predictions (generate: then exit 6; a rerun goes on)'
complete -c photoagent -n '__photoagent_is train status' -l cancel -x -a '(__photoagent_trainings -u)' -d 'Cancel a training (t12 or Replicate\'s id)'

# status
complete -c photoagent -n '__photoagent_at status 0' -a '(__photoagent_projects; __photoagent_trainings)'
complete -c photoagent -n '__photoagent_is status' -l watch -d 'Refresh until nothing is running'
complete -c photoagent -n '__photoagent_is status' -l logs -d "Show the last lines of each training's log"
complete -c photoagent -n '__photoagent_is status' -l exit-status -d 'Exit 8 while anything runs, 1 when a training failed'
complete -c photoagent -n '__photoagent_is status' -l spend -d 'Sum costs per project'
complete -c photoagent -n '__photoagent_is status' -l by -x -a 'project day' -d 'With --spend: rows per project or per day'
complete -c photoagent -n '__photoagent_is status' -l since -x -d 'With --spend: only from this day (YYYY-MM-DD)'
complete -c photoagent -n '__photoagent_is status' -l offline -d 'Only what the cache knows; ask no service'
complete -c photoagent -n '__photoagent_is status' -l notify -d 'Send the email again when its outcome is unknown'

# generate
complete -c photoagent -n '__photoagent_at generate 0' -a '(__photoagent_projects)'
complete -c photoagent -n '__photoagent_is generate' -l model -x -d 'Any Replicate model, OWNER/NAME[:VERSION]'
complete -c photoagent -n '__photoagent_is generate' -l style -x -a '(__photoagent_styles)' -d 'A style preset'
complete -c photoagent -n '__photoagent_is generate' -s n -x -d "Number of images (split up to the model's maximum)"
complete -c photoagent -n '__photoagent_is generate' -l aspect -x -d 'Aspect ratio, e.g. 3:4'
complete -c photoagent -n '__photoagent_is generate' -l seed -x -d 'Seed (default: derived from the request)'
complete -c photoagent -n '__photoagent_is generate' -l steps -x -d 'Inference steps (1-500)'
complete -c photoagent -n '__photoagent_is generate' -l guidance -x -d 'Guidance scale'
complete -c photoagent -n '__photoagent_is generate' -l lora-scale -x -d 'LoRA strength'
complete -c photoagent -n '__photoagent_is generate' -l extra-lora -x -d 'A second LoRA (trained Flux models)'
complete -c photoagent -n '__photoagent_is generate' -l negative -x -d 'Negative prompt (models that take one)'
complete -c photoagent -n '__photoagent_is generate' -l format -x -a 'png jpg webp' -d 'Output format (default: config generate.format)'
complete -c photoagent -n '__photoagent_is generate' -l provider -x -a 'replicate huggingface' -d 'Where the model runs (huggingface needs --model)'
complete -c photoagent -n '__photoagent_is generate' -l input -x -d 'Any other model input, KEY=VALUE (repeatable)'
complete -c photoagent -n '__photoagent_is generate' -l upscale -d 'Upscale each output (config upscale.model)'
complete -c photoagent -n '__photoagent_is generate' -l face-restore -d 'Restore faces in each output (config face_restore.model)'
complete -c photoagent -n '__photoagent_is generate' -s o -l output -x -a '(__fish_complete_directories (commandline -ct | string replace -r -- "^--output=" ""))' -d 'Folder for the images (default: here)'
complete -c photoagent -n '__photoagent_is generate' -l no-wait -d 'Start and print the id; collect later with --collect'
complete -c photoagent -n '__photoagent_is generate' -l dry-run -d 'Print the planned predictions; send nothing'
complete -c photoagent -n '__photoagent_is generate search' -l contact-sheet -r -F -d 'Also write a grid image of the results (.jpg or .png)'
complete -c photoagent -n '__photoagent_is generate' -l batch -r -F -a - -d 'JSON Lines or CSV file of prompts (- for stdin)'
complete -c photoagent -n '__photoagent_is generate' -l concurrency -x -d 'Predictions in flight at once (default 8)'
complete -c photoagent -n '__photoagent_is generate' -l rate -x -d 'Creates per minute, e.g. 300/min (default 600/min)'
complete -c photoagent -n '__photoagent_is generate' -l retry-unknown -d 'Create again predictions whose create could not be confirmed (may pay twice)'
complete -c photoagent -n '__photoagent_is generate' -l retry-expired -d 'Create again (and pay for) successes whose outputs Replicate removed'
complete -c photoagent -n '__photoagent_is generate' -l collect -x -a '(__photoagent_generations)' -d 'Fetch a --no-wait prediction (g12 or Replicate\'s id)'
complete -c photoagent -n '__photoagent_is generate' -l shard -x -d 'With --batch: run only part K of N (K/N), into OUT/shard-K-of-N'
complete -c photoagent -n '__photoagent_is generate' -l rerun -x -d 'Repeat a past generation exactly (g12: same version, input, seed)'
complete -c photoagent -n '__photoagent_is generate' -l prompt -x -d 'With --rerun: a new prompt text'
complete -c photoagent -n '__photoagent_is generate' -l name -x -d 'File names: {project} {style} {seed} {key} {n} {date}'
complete -c photoagent -n '__photoagent_is generate' -l overwrite -d "Replace a different picture at an output's name"
complete -c photoagent -n '__photoagent_is generate' -l list-styles -d 'Show the style presets'

# search
complete -c photoagent -n '__photoagent_is search' -l source -x -a 'upload generated' -d 'Only uploaded photos or only outputs of generate'
complete -c photoagent -n '__photoagent_is search' -l category -x -a '(__photoagent_categories)' -d 'Only this category'
complete -c photoagent -n '__photoagent_is search' -l style -x -a '(__photoagent_styles)' -d 'Only outputs of this style preset'
complete -c photoagent -n '__photoagent_is search' -l model -x -d 'Only outputs of this model'
complete -c photoagent -n '__photoagent_is search' -l tag -x -d 'Only images with this tag (repeatable)'
complete -c photoagent -n '__photoagent_is search' -l not -x -d 'Leave out images containing this word (repeatable)'
complete -c photoagent -n '__photoagent_is search' -l since -x -d 'Made or added on or after (date, time or age: 30d)'
complete -c photoagent -n '__photoagent_is search' -l until -x -d 'Made or added on or before'
complete -c photoagent -n '__photoagent_is search' -l sort -x -a 'score date' -d 'Order of the results'
complete -c photoagent -n '__photoagent_is search' -l limit -x -d 'At most this many results (0: all)'
complete -c photoagent -n '__photoagent_is search' -l offset -x -d 'Skip this many results'
complete -c photoagent -n '__photoagent_is search' -l fts -d 'The query is an FTS5 expression'
complete -c photoagent -n '__photoagent_is search' -l paths -d 'Print the file paths only, one per line'
complete -c photoagent -n '__photoagent_is search' -s 0 -l null -d 'Print the file paths only, each ended by NUL'
complete -c photoagent -n '__photoagent_is search' -l file -r -F -d 'Which generation made this file, and the command that makes it again'
complete -c photoagent -n '__photoagent_is search' -l semantic -d 'Rank by meaning (CLIP vectors; config embed.model)'
complete -c photoagent -n '__photoagent_is search' -l hybrid -d 'Fuse the full-text and semantic rankings (RRF, k=60)'
complete -c photoagent -n '__photoagent_is search' -l like -r -F -d 'Images that look like this one (an image id or a file)'
complete -c photoagent -n '__photoagent_is search' -l duplicates -d 'Groups of near-identical images (and of identical files)'
complete -c photoagent -n '__photoagent_is search' -l threshold -x -d '--duplicates: largest cosine distance within a group'
complete -c photoagent -n '__photoagent_is search' -l index -d 'Compute the missing image vectors (paid; resumable)'
complete -c photoagent -n '__photoagent_is search' -l dry-run -d '--index: count and estimate the cost; create nothing'
complete -c photoagent -n '__photoagent_is search' -s j -l jobs -x -d '--index: predictions in flight at once'

# cache
complete -c photoagent -n '__photoagent_is cache' -a du -d 'Space used, by project and kind'
complete -c photoagent -n '__photoagent_is cache' -a prune -d 'Remove cached outputs older than a date and images of deleted projects'
complete -c photoagent -n '__photoagent_is cache' -a gc -d 'Remove unreferenced files and stale temporary files, compact vector files'
complete -c photoagent -n '__photoagent_is cache' -a backup -d 'Copy the database consistently, even while photoagent runs'
complete -c photoagent -n '__photoagent_is cache' -a check -d "Integrity check and every stored file's sha256"
complete -c photoagent -n '__photoagent_is "cache prune"' -l before -x -d 'Outputs made before: a date, a time or an age (90d)'
complete -c photoagent -n '__photoagent_is "cache prune" "cache gc"' -l dry-run -d 'List what would go and its size; change nothing'
complete -c photoagent -n '__photoagent_at "cache backup" 0' -r -F
