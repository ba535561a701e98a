#!/usr/bin/env bash
# Fault injection: the process is killed with SIGKILL at named points
# (DD_FAULT=name[:N], see fault_point() in src/util.c) and every time the
# staging file must be the old valid one or the new valid one, and a rerun
# or --resume must reach the same final state as an uninterrupted run.
# Opt-in: DD_FAULT_TESTS=1 (make test-faults).
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	[[ -n ${DD_FAULT_TESTS:-} ]] || return 0
	pg_start || return 1
	pg_createdb app
	pg_psql -d app -f "$REPO/fixtures/sql/avatars.sql" >/dev/null
}
teardown_file() { pg_stop; }

need_flag() { [[ -n ${DD_FAULT_TESTS:-} ]] || skip "fault injection runs with DD_FAULT_TESTS=1 (make test-faults)"; }

PLAN=$REPO/examples/avatars
FX=$REPO/fixtures/avatars
URL() { echo "postgresql://postgres@/app?host=$PGHOST&port=$PGPORT"; }

# killed CMD...: runs drydock with DD_FAULT set; it must die of SIGKILL.
killed() {
	local fault=$1
	shift
	local st=0
	DD_FAULT=$fault "$DRYDOCK" -q "$@" >/dev/null 2>&1 || st=$?
	[[ $st -eq 137 ]] || fail "DD_FAULT=$fault: expected a SIGKILL (137), got status $st"
}

# (runs inside $(...), where testlib's dd would exec: call the binary)
reference_hash() {
	"$DRYDOCK" -q snapshot --plan "$PLAN" --fixture "$FX" -o ref.db
	"$DRYDOCK" -q run ref.db --plan "$PLAN" >/dev/null # (lists failed checks)
	sqlite3 ref.db "SELECT hash FROM dd_changeset"
}

# --- snapshot: 6 points (PostgreSQL source and fixture source)

t_snapshot_killed_leaves_old_file_or_none() {
	need_flag
	local fault
	for fault in snapshot.row:1 snapshot.row:700 snapshot.before_commit snapshot.before_rename; do
		rm -f s.db s.db.tmp
		killed "$fault" snapshot --plan "$PLAN" --source "$(URL)" -o s.db
		assert_no_file s.db
		# a leftover temp file is refused as incomplete, or (killed between
		# the final sync and the rename) is a complete snapshot
		if [[ -e s.db.tmp ]]; then
			run dd status s.db.tmp
			if [[ $fault == snapshot.before_rename ]]; then
				assert_status 0
				assert_out_contains "1297"
			else
				assert_status 3
				assert_err_contains "incomplete"
			fi
		fi
	done
}

t_snapshot_killed_while_replacing_keeps_the_old_file() {
	need_flag
	dd -q snapshot --plan "$PLAN" --fixture "$FX" -o s.db
	local before
	before=$(md5sum <s.db)
	for fault in snapshot.row:300 snapshot.before_rename; do
		killed "$fault" snapshot --plan "$PLAN" --source "$(URL)" -o s.db --force
		assert_eq "$before" "$(md5sum <s.db)" "the old staging file changed ($fault)"
		run dd status s.db
		assert_status 0
	done
}

# --- run: 9 points; each time resume (or a rerun) reaches the reference

t_run_killed_then_resumed_reaches_the_same_change_set() {
	need_flag
	local ref fault
	ref=$(reference_hash)
	for fault in run.step_before_commit:1 run.step_before_commit:4 run.step_before_commit:11 \
		run.after_batch:1 run.after_batch:5 run.after_batch:12 run.after_schema \
		changeset.before_commit; do
		rm -f s.db
		dd -q snapshot --plan "$PLAN" --fixture "$FX" -o s.db
		killed "$fault" run s.db --plan "$PLAN"
		run dd status s.db
		assert_status 0
		run dd run s.db --plan "$PLAN" --resume
		assert_status 0
		assert_eq "$ref" "$(sqlite3 s.db 'SELECT hash FROM dd_changeset')" "after a kill at $fault"
	done
}

t_run_killed_before_rebuild_keeps_the_previous_run() {
	need_flag
	local ref
	ref=$(reference_hash)
	cp ref.db s.db
	killed run.before_rebuild run s.db --plan "$PLAN" --seed other
	assert_eq "$ref" "$(sqlite3 s.db 'SELECT hash FROM dd_changeset')"
	assert_eq "done" "$(sqlite3 s.db 'SELECT status FROM dd_run ORDER BY id DESC LIMIT 1')"
}

t_run_killed_after_the_after_phase_resumes_without_reapplying_it() {
	need_flag
	# a plan whose "after" change alters the staging tables
	cp -r "$PLAN" p
	sed -i 's|"schema_changes": \[|"schema_changes": [{"op": "add_column", "table": "users", "column": "tier", "type": "text", "default": "'"'"'basic'"'"'", "phase": "after"},|' p/plan.json
	dd -q snapshot --plan p --fixture "$FX" -o whole.db
	dd -q run whole.db --plan p
	dd -q snapshot --plan p --fixture "$FX" -o s.db
	killed run.after_schema run s.db --plan p
	run dd run s.db --plan p --resume
	assert_status 0
	assert_eq "$(sqlite3 whole.db 'SELECT hash FROM dd_changeset')" "$(sqlite3 s.db 'SELECT hash FROM dd_changeset')"
	assert_eq 240 "$(sqlite3 s.db "SELECT count(*) FROM users WHERE tier = 'basic'")"
}

# --- fixture export: 1 point

t_fixture_export_killed_keeps_the_old_fixture() {
	need_flag
	dd -q snapshot --plan "$PLAN" --fixture "$FX" -o s.db
	dd -q fixture export s.db -o fx
	local before
	before=$(cat fx/fixture.json fx/app/*.jsonl | md5sum)
	killed fixture.before_swap fixture export s.db -o fx --rows 5 --force
	assert_eq "$before" "$(cat fx/fixture.json fx/app/*.jsonl | md5sum)"
	run dd fixture export s.db -o fx --rows 5 --force
	assert_status 0
}

run_tests
