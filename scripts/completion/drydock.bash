# bash completion for drydock.  `make install` puts it where
# bash-completion finds it; from a source tree: source scripts/completion/drydock.bash
#
# Commands and each command's options come from the drydock being completed
# (`drydock help`, `drydock help COMMAND`), so they always agree with it.
# Staging files (*.db) and plan folders are completed where they go, the
# project file's target names after --target and --source.

# The names of the project file's targets (README, "Project file"): the
# file --project or $DRYDOCK_PROJECT names, else drydock.json here or in
# the nearest parent.  Read with the sqlite3 shell's JSON functions.
_drydock_targets() {
	local f= d=$PWD w prev=
	for w in "${COMP_WORDS[@]}"; do
		[[ $prev == --project ]] && f=$w
		[[ $w == --no-project ]] && return
		prev=$w
	done
	[[ -n ${DRYDOCK_NO_PROJECT:-} && -z $f ]] && return
	[[ -z $f ]] && f=${DRYDOCK_PROJECT:-}
	while [[ -z $f ]]; do
		if [[ -f $d/drydock.json ]]; then
			f=$d/drydock.json
		elif [[ $d == / || -z $d ]]; then
			return
		else
			d=${d%/*}
			[[ -z $d ]] && d=/
		fi
	done
	[[ -f $f ]] && command -v sqlite3 >/dev/null || return
	f=${f//\'/\'\'}
	sqlite3 :memory: "SELECT key FROM json_each(readfile('$f'), '\$.targets')" 2>/dev/null
}

# The options of one command, or the global ones: every --long and -x word
# of its help text.
_drydock_options() {
	local dd=$1 cmd=$2
	if [[ -z $cmd ]]; then
		{
			# the option lines ("  -q, --quiet   ..."), not their descriptions
			"$dd" help 2>/dev/null | sed -n 's/^  \(-[^ ].*\)/\1/p' | sed 's/   .*//' |
				grep -o -- '--\?[a-zA-Z][a-zA-Z-]*'
			echo --version
		} | sort -u
	else
		"$dd" help "$cmd" 2>/dev/null | grep -o -- '\(^\|[ [(|]\)-\{1,2\}[a-zA-Z][a-zA-Z-]*' |
			tr -d ' [(|' | sort -u
	fi
}

_drydock() {
	local cur prev dd cmd= i w sub=
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	dd=${COMP_WORDS[0]}
	COMPREPLY=()

	# the command: the first word that is not an option (or an option's value)
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-*) ;;
		*)
			case ${COMP_WORDS[i - 1]} in
			--plan | --fixture | -o | --output | --source | --target | -d | --dbname | -h | --host | --project | \
				-p | --port | -U | --username | --table | --op | --limit | --run | --by | --note | \
				--seed | --clock | --from | --format | --samples | --ignore | --rows | --batch-size | \
				--lock-timeout | --statement-timeout | --conflicts | --mask-secret-file | --ledger | --where) ;;
			*)
				if [[ -z $cmd ]]; then
					cmd=$w
				elif [[ $cmd == fixture && -z $sub ]]; then
					sub=$w
				fi
				;;
			esac
			;;
		esac
	done

	# an option's value
	case $prev in
	--plan | --fixture)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	-o | --output)
		compopt -o filenames 2>/dev/null
		if [[ $cmd == snapshot ]]; then
			COMPREPLY=($(compgen -f -X '!*.db' -- "$cur") $(compgen -d -- "$cur"))
		else
			COMPREPLY=($(compgen -d -- "$cur"))
		fi
		return
		;;
	--project)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
		return
		;;
	--target | --source)
		COMPREPLY=($(compgen -W "$(_drydock_targets)" -- "$cur"))
		return
		;;
	--conflicts | --mask-secret-file)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--op)
		COMPREPLY=($(compgen -W "I U D" -- "$cur"))
		return
		;;
	--format)
		COMPREPLY=($(compgen -W "json md html json,md,html" -- "$cur"))
		return
		;;
	--ignore)
		COMPREPLY=($(compgen -W "timings context samples timings,context timings,context,samples" -- "$cur"))
		return
		;;
	--table)
		# the change set's tables, from the staging file already on the line
		local db
		for w in "${COMP_WORDS[@]}"; do [[ $w == *.db && -f $w ]] && db=$w; done
		if [[ -n $db ]] && command -v sqlite3 >/dev/null; then
			COMPREPLY=($(compgen -W "$(sqlite3 "file:$db?mode=ro" "SELECT t.name FROM dd_table t
				JOIN dd_source s ON s.name = t.source AND s.is_target" 2>/dev/null)" -- "$cur"))
		fi
		return
		;;
	-d | --dbname | -h | --host | -p | --port | -U | --username | --limit | --run | \
		--by | --note | --seed | --clock | --from | --samples | --rows | --batch-size | --lock-timeout | \
		--statement-timeout | --ledger | --where)
		return
		;;
	esac
	if [[ $cur == --color=* ]]; then
		COMPREPLY=($(compgen -W "auto always never" -- "${cur#--color=}"))
		return
	fi

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_drydock_options "$dd")" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$("$dd" help 2>/dev/null |
				awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}') help" -- "$cur"))
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_drydock_options "$dd" "$cmd") $(_drydock_options "$dd" | grep -v -- '--version')" -- "$cur"))
		return
	fi
	compopt -o filenames 2>/dev/null
	case $cmd in
	help)
		COMPREPLY=($(compgen -W "$("$dd" help 2>/dev/null |
			awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')" -- "$cur"))
		;;
	init) COMPREPLY=($(compgen -d -- "$cur")) ;;
	diff) COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")) ;;
	history | snapshot) COMPREPLY=($(compgen -W "$(_drydock_options "$dd" "$cmd")" -- "$cur")) ;;
	fixture)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "export" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -X '!*.db' -- "$cur") $(compgen -d -- "$cur"))
		fi
		;;
	*) COMPREPLY=($(compgen -f -X '!*.db' -- "$cur") $(compgen -d -- "$cur")) ;;
	esac
}

complete -F _drydock drydock
