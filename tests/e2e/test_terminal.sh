#!/usr/bin/env bash
# What a person at a terminal sees: progress with its unit, rate and ETA
# (only on a terminal, or with --progress; never with --quiet), colour
# (only on a terminal; NO_COLOR and --color), the pager (PAGER, less -FRX,
# --no-pager) and tables sized to their content and to the terminal.
# Terminal behaviour runs on a real pseudo-terminal (util-linux script).
source "$(dirname "$0")/../lib/testlib.sh"

ESC=$'\033'

# on_tty CMD...: runs CMD on a pseudo-terminal 100 columns wide; the
# transcript (stdout and stderr as the terminal got them, CRs kept) in tty.out.
# A transcript that lost its end (script, on a loaded machine, has been
# seen to stop copying early) is taken again.
on_tty() {
	local rc try
	for try in 1 2 3; do
		rc=0
		script -qfec "stty cols ${COLS:-100} rows 50; $*; rc=\$?; echo __END__; exit \$rc" /dev/null \
			</dev/null >tty.out 2>&1 || rc=$?
		grep -q __END__ tty.out && break
	done
	sed -i '/__END__/d' tty.out
	return $rc
}

# The avatars example, run once for the file: checks with passes and
# warnings, a log, changes.  avatars copies it into the test's folder.
setup_file() {
	SHARED=$(mktemp -d "${TMPDIR:-/tmp}/dd-term.XXXXXX")
	export SHARED
	"$DRYDOCK" -q snapshot --plan "$REPO/examples/avatars" --fixture "$REPO/fixtures/avatars" \
		-o "$SHARED/a.db" && "$DRYDOCK" -q run "$SHARED/a.db" --plan "$REPO/examples/avatars" >/dev/null
}
teardown_file() { rm -rf "$SHARED"; }
avatars() { cp "$SHARED/a.db" a.db; }

# A plan whose one step (SQLite SQL, so it warns) runs in three batches
# over a six-row table.
slow_plan() {
	mkdir -p fx/app p/steps
	for i in 1 2 3 4 5 6; do echo "{\"id\":$i,\"n\":$i}"; done >fx/app/t.jsonl
	cat >fx/fixture.json <<-'JSON'
	{"drydock_fixture": 1, "sources": [{"name": "app", "schema": "public", "enums": {}, "tables": [
	 {"name": "t", "file": "app/t.jsonl", "rows": 6,
	  "columns": [{"name": "id", "type": "bigint", "not_null": true}, {"name": "n", "type": "integer"}],
	  "constraints": [{"name": "t_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
	JSON
	cat >p/plan.json <<-'JSON'
	{"name": "slow", "sources": {"app": {"tables": ["t"]}},
	 "steps": [{"name": "slow", "sql": "steps/slow.sql", "dialect": "sqlite",
	            "batch": {"table": "t", "size": 2}}]}
	JSON
	cat >p/steps/slow.sql <<-'SQL'
	UPDATE t SET n = n + 1 WHERE id IN (SELECT key FROM dd_batch);
	SQL
	dd -q snapshot --plan p --fixture fx -o s.db
}

t_progress_counts_batches_with_rate_and_eta_on_a_terminal() {
	local spid pid
	slow_plan
	# the run stops after its first batch (a fault point) and is held
	# there for longer than the half second before a progress line shows
	DD_FAULT=run.after_batch:1:stop script -qfec "stty cols 100 rows 50; exec $DRYDOCK run s.db --plan p" \
		/dev/null </dev/null >tty.out 2>&1 &
	spid=$!
	for _ in $(seq 500); do
		pid=$(pgrep -P "$spid" || true)
		[[ -n $pid && $(readlink "/proc/$pid/exe" 2>/dev/null) == "$(readlink -f "$DRYDOCK")" ]] && break
		sleep 0.02
	done
	wait_stopped "$pid"
	sleep 0.6
	kill -CONT "$pid"
	kill -CONT "$spid" # script stops itself when its child stops
	wait "$spid" || fail "the run failed: $(cat -v tty.out)"
	tr '\r' '\n' <tty.out >lines
	grep -q "step slow: 2 / ~3 batches (67%), [0-9.]* batches/s, ETA [0-9.]*s" lines ||
		fail "no batch progress with rate and ETA: $(cat -v lines)"
	if grep -q "batches.*rows\|rows/s" lines; then fail "batches counted as rows"; fi
	# the line is cleared before the step's summary is printed
	grep -q "^${ESC}\[Kstep slow .* 6 rows" lines || fail "progress not cleared: $(cat -v lines)"
	assert_eq 6 "$(sqlite3 s.db 'SELECT count(*) FROM t WHERE n = id + 1')"
}

t_progress_is_quiet_without_a_terminal_forced_by_progress() {
	slow_plan
	run dd run s.db --plan p
	assert_status 0
	assert_err_not_contains "batches"
	assert_err_not_contains "${ESC}[K"
	# --progress anywhere on the line: on stderr even into a file
	run dd run s.db --plan p --progress
	assert_status 0
	assert_err_contains "step slow: "
	assert_err_contains "/ ~3 batches"
	# forced, every phase shows from its start, however short
	avatars
	run dd --progress run a.db --plan "$REPO/examples/avatars"
	for phase in "rebuild: 0 / ~1297 rows" "step default_avatars: 0 / ~3 batches" \
		"change set... " "checks... "; do
		assert_err_contains "$phase"
	done
	assert_out_not_contains "$ESC"
	run dd report a.db -o r --progress
	assert_err_contains "report... "
	# --quiet wins, on a terminal too
	on_tty "$DRYDOCK" -q run s.db --plan p --progress
	if grep -q "batches" tty.out; then fail "progress despite --quiet"; fi
}

t_colour_only_on_a_terminal_no_color_and_color_option() {
	avatars
	on_tty "$DRYDOCK" --no-pager check a.db || true
	grep -q "${ESC}\[32mpass${ESC}\[m" tty.out || fail "no green pass: $(head -3 tty.out | cat -v)"
	grep -q "${ESC}\[33mfail${ESC}\[m" tty.out || fail "warning failure not yellow"
	# NO_COLOR (any non-empty value) and --color=never turn it off on a terminal
	on_tty NO_COLOR=1 "$DRYDOCK" --no-pager check a.db || true
	if grep -q "$ESC\[" tty.out; then fail "colour despite NO_COLOR"; fi
	on_tty "$DRYDOCK" --no-pager check a.db --color=never || true
	if grep -q "$ESC\[" tty.out; then fail "colour despite --color=never"; fi
	# never into a pipe or a file, unless --color=always
	run dd check a.db
	assert_out_not_contains "$ESC"
	assert_out_contains "pass"
	run dd --color=always check a.db
	assert_out_contains "${ESC}[32mpass${ESC}[m"
	run dd --color=sometimes status a.db
	assert_status 2
	assert_err_contains "--color is auto, always or never, not 'sometimes'"
	# errors red and warnings yellow on a terminal's stderr
	on_tty "$DRYDOCK" status missing.db || true
	grep -q "drydock: ${ESC}\[31merror:${ESC}\[m " tty.out || fail "error not red: $(cat -v tty.out)"
	slow_plan
	on_tty "$DRYDOCK" run s.db --plan p
	grep -q "drydock: ${ESC}\[33mwarning:${ESC}\[m step 'slow'" tty.out || fail "warning not yellow"
	run dd status missing.db
	assert_err_contains "drydock: error: "
}

t_pager_for_long_output_on_a_terminal_only() {
	avatars
	for cmd in "log a.db" "changes a.db" "check a.db"; do
		PAGER='sed s/^/PAGED:/' on_tty "$DRYDOCK" $cmd || true
		grep -q "^PAGED:" tty.out || fail "drydock $cmd was not paged: $(head -3 tty.out)"
		# colour goes through the pager (less -R shows it)
		grep -q "^PAGED:.*$ESC\[" tty.out || fail "drydock $cmd: no colour in the pager"
		PAGER='sed s/^/PAGED:/' on_tty "$DRYDOCK" $cmd --no-pager || true
		if grep -q "PAGED:" tty.out; then fail "drydock $cmd paged despite --no-pager"; fi
	done
	# DRYDOCK_PAGER before PAGER; never into a pipe; the status text is not paged
	DRYDOCK_PAGER='sed s/^/DD:/' PAGER='sed s/^/PAGED:/' on_tty "$DRYDOCK" log a.db
	grep -q "^DD:" tty.out || fail "DRYDOCK_PAGER not used"
	PAGER='sed s/^/PAGED:/' run dd log a.db
	assert_out_not_contains "PAGED:"
	assert_out_contains "repoint_follows"
	# the default pager is less with LESS=FRX (unless LESS is set)
	mkdir bin
	printf '#!/bin/sh\necho "less $* LESS=$LESS"\ncat >/dev/null\n' >bin/less
	chmod +x bin/less
	PATH="$PWD/bin:$PATH" on_tty env -u PAGER -u DRYDOCK_PAGER -u LESS "$DRYDOCK" log a.db
	grep -q "^less  LESS=FRX" tty.out || fail "default pager: $(cat tty.out)"
	PATH="$PWD/bin:$PATH" LESS=M on_tty env -u PAGER -u DRYDOCK_PAGER "$DRYDOCK" log a.db
	grep -q "^less  LESS=M" tty.out || fail "LESS overridden: $(cat tty.out)"
	# PAGER=cat (or empty) is no pager
	PAGER=cat on_tty "$DRYDOCK" log a.db
	grep -q "repoint_follows" tty.out || fail "PAGER=cat printed nothing"
}

# Widest line of a transcript, in characters, escapes and CRs removed.
widest() { sed -e 's/…/./g' -e "s/$ESC\[[0-9;?]*[a-zA-Z]//g" -e 's/\r//g' "$1" | LC_ALL=C.UTF-8 awk '{ if (length($0) > m) m = length($0) } END { print m }'; }

t_tables_sized_from_content_and_terminal() {
	avatars
	# columns as wide as their content, not fixed widths
	run dd status a.db
	assert_out_contains $'\n  app.avatars    52  avatars\n'
	assert_out_contains $'\n  total        1297\n'
	run dd log a.db
	assert_out_matches '^   1  schema:add_column follows +0 +[0-9.]+  ok$'
	run dd changes a.db --table users --limit 1
	assert_out_matches "^  active_avatar_id NULL -> '"
	# into a file nothing is cut: the long sample keys stay whole
	run dd check a.db
	(($(widest "$T/out") > 100)) || fail "check output cut outside a terminal"
	assert_out_not_contains "…"
	# a narrow terminal: shrinkable columns are cut with an ellipsis to fit
	COLS=60 LANG=C.UTF-8 on_tty "$DRYDOCK" --no-pager check a.db || true
	# the table's rows (a failure's message and the summary are prose: they wrap)
	grep -v '^    \|^checks:' tty.out >rows.out
	(($(widest rows.out) <= 60)) || fail "check is $(widest rows.out) wide on a 60-column terminal"
	grep -q "…" tty.out || fail "nothing cut on a narrow terminal"
	grep -q "^check  *severity  status  count  sample keys" <(sed "s/$ESC\[[0-9;]*m//g" tty.out) ||
		fail "header lost: $(head -2 tty.out)"
	COLS=44 LANG=C on_tty "$DRYDOCK" --no-pager log a.db
	sed "s/$ESC\[[0-9;]*m//g" tty.out | grep -v '^run ' >rows.out # the run's line is prose
	(($(widest rows.out) <= 44)) || fail "log is $(widest rows.out) wide on a 44-column terminal"
	# (how much of the name is left depends on the width of the timings)
	grep -q "schema:[a-z_]*~" tty.out || fail "no ASCII cut outside UTF-8: $(cat tty.out)"
}

run_tests
