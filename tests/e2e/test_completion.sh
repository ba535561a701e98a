#!/usr/bin/env bash
# Shell completion: bash (the completion function called as bash calls it)
# and zsh (a real interactive zsh on a pseudo-terminal, zsh/zpty, pressing
# Tab): commands, each command's options from its --help, option values,
# staging files and plan folders, the project file's target names; and
# make install puts both in place.
source "$(dirname "$0")/../lib/testlib.sh"

# A folder with a staging file, a plan folder and a drydock on PATH.
setup_file() {
	SHARED=$(mktemp -d "${TMPDIR:-/tmp}/dd-comp.XXXXXX")
	export SHARED
	mkdir -p "$SHARED/bin" "$SHARED/plans/avatars" "$SHARED/reports"
	ln -s "$DRYDOCK" "$SHARED/bin/drydock"
	"$DRYDOCK" -q snapshot --plan "$REPO/examples/avatars" --fixture "$REPO/fixtures/avatars" \
		-o "$SHARED/a.db"
	echo '{}' >"$SHARED/reports/r.json"
	echo '{"targets": {"dev": "dbname=a", "prod": {"service": "p"}}}' >"$SHARED/drydock.json"
	touch "$SHARED/notes.txt"
}
teardown_file() { rm -rf "$SHARED"; }

# bcomp WORD...: what bash completion offers for the last word, sorted, on one line.
bcomp() {
	(
		cd "$SHARED"
		PATH=$SHARED/bin:$PATH
		set +eu # as in an interactive shell
		source "$REPO/scripts/completion/drydock.bash"
		COMP_WORDS=(drydock "$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMPREPLY=()
		_drydock
		printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
	)
}

t_bash_commands_options_and_values() {
	assert_eq "push" "$(bcomp pu)"
	assert_eq "report rollback run" "$(bcomp r)"
	assert_eq "help history" "$(bcomp h)"
	# global options before the command, every option of push after it
	bcomp -- >out
	for o in --quiet --progress --color --no-color --no-pager --version; do
		grep -q -- "$o" out || fail "global option $o not offered: $(cat out)"
	done
	bcomp push -- >out
	for o in $("$DRYDOCK" help push | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$o\b" out || fail "push option $o not offered"
	done
	grep -q -- "--no-pager" out || fail "global options not offered after the command"
	assert_eq "--fix" "$(bcomp check a.db --fi)"
	# values: staging files, plan folders, tables of the staging file, --op, --color=
	assert_eq "a.db bin plans reports" "$(bcomp status '')"
	assert_eq "plans" "$(bcomp run a.db --plan pl)"
	assert_eq "avatars" "$(bcomp changes a.db --table av)"
	assert_eq "D I U" "$(bcomp changes a.db --op '')"
	assert_eq "always auto" "$(bcomp --color=a)"
	assert_eq "reports" "$(bcomp diff re)"
	assert_eq "export" "$(bcomp fixture '')"
	assert_eq "push" "$(bcomp help pu)"
	# -q before the command does not hide it
	assert_eq "--json" "$(bcomp -q status a.db --j)"
	# the project file's target names, unless no project file is wanted
	assert_eq "" "$(bcomp push --target '')"
	assert_eq "dev prod" "$(unset DRYDOCK_NO_PROJECT; bcomp push --target '')"
	assert_eq "prod" "$(unset DRYDOCK_NO_PROJECT; bcomp snapshot --source p)"
	assert_eq "" "$(unset DRYDOCK_NO_PROJECT; bcomp push --no-project --target '')"
}

# zcomp LINE...: for each LINE, the command line after typing it and one
# Tab in an interactive zsh that loaded scripts/completion/_drydock with
# compinit; one line of output per LINE.  One zsh for all of them: its
# start and compinit are most of the time.
zcomp() {
	(
		cd "$SHARED"
		zsh -f -c '
			zmodload zsh/zpty || exit 1
			zpty z "env -i PATH=$SHARED/bin:/usr/bin:/bin HOME=$SHARED TERM=dumb zsh -f -i"
			zpty -w z "fpath=($REPO/scripts/completion \$fpath); autoload -U compinit; compinit -u -D; PS1=\"> \""
			zpty -w z "echo READY"
			zpty -r z line "*READY*READY*"
			n=0
			for typed in "$@"; do
				n=$((n + 1))
				zpty -wn z "$typed"$'"'"'\t'"'"'
				# until the completion has drawn (quiet for 0.3 s after the
				# echo of the line and the Tab), at most 10 s
				out= idle=0
				for i in {1..100}; do
					if zpty -r -t z chunk; then out+=$chunk; idle=0
					elif [[ $out == *"$typed"?* ]] && ((++idle >= 3)); then break
					fi
					sleep 0.1
				done
				zpty -wn z $'"'"'\n'"'"'
				zpty -w z "echo DONE_${n}_"
				zpty -r z chunk "*DONE_${n}_*DONE_${n}_*"
				out+=$chunk
				# the prompt line as typed and completed (zsh takes back the
				# completion'"'"'s trailing space with "\b \b" on Enter)
				print -r -- "$out" | tr -d "\r" | grep -a "> .*drydock" | tail -1 |
					sed -e "s/\x1b\[[0-9;?]*[a-zA-Z]//g" -e "s/.*> //" -e "s/\x08 \x08//g"
			done
			zpty -d z
		' zcomp "$@"
	)
}

t_zsh_completes_commands_options_and_files() {
	command -v zsh >/dev/null || fail "zsh is not installed (scripts/install-deps.sh test installs it)"
	local got
	got=$(zcomp 'drydock pu' 'drydock changes a.db --tab' 'drydock changes a.db --table av' \
		'drydock run a.db --plan pl' 'drydock --color=al' 'drydock push --target pr')
	assert_eq "drydock push 
drydock changes a.db --table 
drydock changes a.db --table avatars 
drydock run a.db --plan plans/
drydock --color=always 
drydock push --target prod " "$got"
}

t_make_install_puts_completion_in_place() {
	make -s -C "$REPO" -o "$REPO/build/drydock" -o build/drydock install DESTDIR="$T/root" PREFIX=/opt/dd >/dev/null
	cmp "$REPO/scripts/completion/drydock.bash" "$T/root/opt/dd/share/bash-completion/completions/drydock" ||
		fail "bash completion not installed"
	cmp "$REPO/scripts/completion/_drydock" "$T/root/opt/dd/share/zsh/site-functions/_drydock" ||
		fail "zsh completion not installed"
	make -s -C "$REPO" uninstall DESTDIR="$T/root" PREFIX=/opt/dd >/dev/null
	assert_no_file "$T/root/opt/dd/share/bash-completion/completions/drydock"
	assert_no_file "$T/root/opt/dd/share/zsh/site-functions/_drydock"
}

run_tests
