#!/usr/bin/env bash
# The command line a PostgreSQL user expects: help, -V, named unknown
# options and commands with "did you mean", --quiet anywhere, plurals,
# init, status with pushes, the demo's pasteable transcript, make install
# with man pages, and docs that agree with --help.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app -c "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL)" \
		-c "INSERT INTO users VALUES (1, 'a@x')" >/dev/null
}

teardown_file() { pg_stop; }

commands() { "$DRYDOCK" help | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}'; }

t_help_and_version() {
	run dd help
	assert_status 0
	assert_out_contains "usage: drydock [--quiet] COMMAND [ARGS]"
	for c in init snapshot run check approve push rollback history; do
		grep -q "^  $c " "$T/out" || fail "drydock help does not list $c"
	done
	run dd help push
	assert_status 0
	cp "$T/out" help.txt
	run dd push --help
	assert_eq "$(cat help.txt)" "$(cat "$T/out")"
	run dd -V
	assert_status 0
	assert_out_matches '^drydock [0-9]+\.[0-9]+'
	run dd help pusj
	assert_status 2
	assert_err_contains "Did you mean 'drydock push'?"
}

t_unknown_command_says_did_you_mean() {
	run dd snapshto --plan x
	assert_status 2
	assert_err_contains "drydock: error: unknown command 'snapshto'"
	assert_err_contains "hint: Did you mean 'drydock snapshot'?"
}

t_unknown_option_is_named() {
	run dd run s.db --plna x
	assert_status 2
	assert_err_contains "drydock: error: unknown option '--plna'"
	assert_err_contains "hint: Did you mean '--plan'?"
	assert_err_not_contains "unrecognized"
	run dd push s.db --yes --alow-drift
	assert_status 2
	assert_err_contains "unknown option '--alow-drift'"
	assert_err_contains "Did you mean '--allow-drift'?"
	run dd push s.db --target
	assert_status 2
	assert_err_contains "drydock: error: option '--target' needs a value"
	run dd status s.db -Z
	assert_status 2
	assert_err_contains "drydock: error: unknown option '-Z'"
	run dd approve s.db --by=x --note
	assert_status 2
	assert_err_contains "option '--note' needs a value"
}

t_h_is_help_alone_and_host_with_a_value() {
	run dd history -h
	assert_status 0
	assert_out_contains "usage: drydock history"
	run dd history -h /nonexistent-socket-dir -d app
	assert_status 3
	assert_err_contains "cannot connect to the target"
	run dd status -h
	assert_status 0
	assert_out_contains "usage: drydock status"
}

t_quiet_after_the_command_plurals_init_and_status_pushes() {
	run dd init plan --table users
	assert_status 0
	assert_err_contains "wrote plan 'plan' in plan/"
	run dd snapshot --plan plan -d app -o s.db
	assert_status 0
	assert_err_contains "drydock: app.users: 1 row"
	assert_err_contains "wrote 's.db': 1 table from 1 source"
	run dd snapshot --plan plan -d app -o s2.db --quiet
	assert_status 0
	assert_eq "" "$(cat "$T/err")"
	echo "UPDATE users SET email = 'b@x';" >plan/steps/001_first.sql
	run dd run s.db --plan plan
	assert_status 0
	assert_out_contains "0 inserts, 1 update, 0 deletes, 0 schema changes"
	run dd status s.db
	assert_out_contains "pushes"
	assert_out_contains "none yet"
	dd -q approve s.db --by Ann
	dd -q push s.db -d app --yes
	run dd status s.db
	assert_status 0
	assert_out_matches "push +#1 +applied"
	assert_out_contains "(ledger entry #1)"
}

# jq-free JSON assertions: SQLite's JSON functions over the output
jv() { sqlite3 :memory: "SELECT json_extract(readfile('$1'), '$2')"; }
jt() { sqlite3 :memory: "SELECT json_type(readfile('$1'), '$2')"; }

t_json_for_snapshot_run_approve_push_rollback() {
	dd -q init plan --table users
	echo "UPDATE users SET email = 'j@x';" >plan/steps/001_first.sql
	pg_psql -q -d postgres -c "CREATE DATABASE jtarget TEMPLATE app STRATEGY FILE_COPY"
	dd snapshot --plan plan -d app -o s.db --json >snap.json
	dd run s.db --plan plan --json >run.json
	dd approve s.db --by Ann --json >approve.json
	dd push s.db -d jtarget --yes --json >push.json
	dd rollback s.db -d jtarget --yes --json >rollback.json
	for f in snap run approve push rollback; do
		assert_eq 1 "$(sqlite3 :memory: "SELECT json_valid(readfile('$f.json'))")"
		assert_eq true "$(jt $f.json '$.ok')"
		assert_eq 0 "$(jv $f.json '$.exit_code')"
		assert_eq "s.db" "$(jv $f.json '$.staging_file')"
		grep -q '^  "command": ' $f.json || fail "$f.json is not indented by two spaces"
	done
	assert_eq "snapshot run approve push rollback" \
		"$(for f in snap run approve push rollback; do jv $f.json '$.command'; done | tr '\n' ' ' | sed 's/ $//')"
	assert_eq 1 "$(jv snap.json '$.tables[0].rows')"
	assert_eq integer "$(jt snap.json '$.tables[0].rows')"
	assert_eq 1 "$(jv run.json '$.change_set.updates')"
	assert_eq 0 "$(jv run.json '$.checks.errors')"
	assert_eq true "$(jt approve.json '$.approved')"
	assert_eq applied "$(jv push.json '$.outcome')"
	assert_eq "$(jv run.json '$.change_set.hash')" "$(jv push.json '$.change_set')"
	assert_eq rolled_back "$(jv rollback.json '$.outcome')"
	assert_eq false "$(jt rollback.json '$.subset')"
	# a refusal is JSON too, with ok false
	run dd approve nothere.db --by x --json
	assert_status 3
	cp "$T/out" refused.json
	assert_eq false "$(jt refused.json '$.ok')"
	assert_eq 3 "$(jv refused.json '$.exit_code')"
	run dd push s.db -d jtarget --json
	assert_status 2
	assert_err_contains "pass --yes"
}

t_init_refuses_to_overwrite() {
	dd -q init p
	run dd init p
	assert_status 3
	assert_err_contains "'p/plan.json' already exists"
	run dd init p --force
	assert_status 0
}

t_demo_transcript_is_quoted() {
	local out
	out=$(NO_COLOR=1 bash -c "$(grep '^show()' "$REPO/scripts/demo.sh")"'; show echo --clock "2026-01-15 09:00:00" "postgresql:///a?host=/x&port=1"')
	assert_eq '$ echo --clock 2026-01-15\ 09:00:00 postgresql:///a\?host=/x\&port=1' "$(head -1 <<<"$out")"
	# pasting it back gives the same words
	assert_eq "--clock 2026-01-15 09:00:00 postgresql:///a?host=/x&port=1" \
		"$(eval "$(sed -n '1s/^\$ //p' <<<"$out")")"
}

# Every command of `drydock help` and every option of `drydock help CMD`
# is in the README's command reference and in the man pages.
t_docs_agree_with_help() {
	local readme block c opt short man help nb='([^A-Za-z0-9_]|$)'
	readme=$(awk '/^## Commands/ {on=1; next} on && /^## / {exit} on {print}' "$REPO/README.md")
	"$REPO/scripts/gen-man.sh" "$DRYDOCK" "$T/build/man"
	# matched in the shell (no process per option): $nb is grep's \b after an option
	for c in $(commands); do
		block=$(awk -v c="$c" '$1 == "drydock" && $2 == c {on=1; print; next}
			on && /^    drydock / {on=0} on && /^                      / {print; next} {on=0}' <<<"$readme")
		[[ -n $block ]] || fail "README's command reference lacks 'drydock $c'"
		man=$(sed 's/\\-/-/g' "$T/build/man/drydock-$c.1")
		grep -q "^\.SS $c\$" "$T/build/man/drydock.1" || fail "drydock.1 lacks $c"
		help=$("$DRYDOCK" help "$c")
		for opt in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
			[[ $opt == --help ]] && continue
			[[ $man == *"$opt"* ]] || fail "man page drydock-$c.1 lacks $opt"
			[[ $block =~ $opt$nb ]] && continue
			short=""
			[[ $help =~ -([a-zA-Z]),\ $opt$nb ]] && short=-${BASH_REMATCH[1]}
			if [[ -n $short && ( $block == *"$short "* || $block == *"$short|"* ) ]]; then
				continue # -o DIR
			fi
			if [[ -n $short && $block == *CONNECTION* && $readme == *"\`$short|$opt"* ]]; then
				continue # psql's connection options, described once
			fi
			fail "README's 'drydock $c' lacks $opt"
		done
	done
}

t_make_install() {
	# -o: install the binary as built, never rebuild it here
	make -s -C "$REPO" -o "$REPO/build/drydock" -o build/drydock install DESTDIR="$T/root" PREFIX=/opt/dd >/dev/null
	[[ -x $T/root/opt/dd/bin/drydock ]] || fail "no binary installed"
	assert_file_exists "$T/root/opt/dd/share/man/man1/drydock.1"
	assert_file_exists "$T/root/opt/dd/share/man/man1/drydock-push.1"
	grep -q '^\.TH DRYDOCK-PUSH 1' "$T/root/opt/dd/share/man/man1/drydock-push.1" || fail "not a man page"
	"$T/root/opt/dd/bin/drydock" -V | grep -q '^drydock ' || fail "installed binary does not run"
	make -s -C "$REPO" uninstall DESTDIR="$T/root" PREFIX=/opt/dd >/dev/null
	assert_no_file "$T/root/opt/dd/bin/drydock"
	assert_no_file "$T/root/opt/dd/share/man/man1/drydock.1"
}

run_tests
