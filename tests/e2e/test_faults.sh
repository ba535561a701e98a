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

# --- check --fix: 2 points (after the first fix, after the second)

t_check_fix_killed_then_checked_again_reaches_the_same_change_set() {
	need_flag
	"$DRYDOCK" -q snapshot --plan "$PLAN" --fixture "$FX" -o ref.db
	"$DRYDOCK" -q run ref.db --plan "$PLAN" >/dev/null || true
	"$DRYDOCK" -q check ref.db --fix >/dev/null || true
	local ref fault
	ref=$(sqlite3 ref.db "SELECT hash FROM dd_changeset")
	for fault in check.after_fix:1 check.after_fix:2; do
		rm -f s.db
		dd -q snapshot --plan "$PLAN" --fixture "$FX" -o s.db
		dd -q run s.db --plan "$PLAN" >/dev/null || true
		killed "$fault" check s.db --fix
		# approval is refused until the change set is recomputed
		run dd approve s.db --by x
		assert_status 1
		run dd check s.db --fix
		assert_eq "$ref" "$(sqlite3 s.db 'SELECT hash FROM dd_changeset')" "after a kill at $fault"
	done
}

# --- push and rollback against PostgreSQL: 4 points, and a disconnect

fresh_target() { # DB: a copy of the avatars data
	pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" -c "CREATE DATABASE \"$1\" TEMPLATE app" >/dev/null
}
dump() { pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres --data-only -d "$1" -N drydock | grep -v '^\\\(un\)\?restrict' | sort | md5sum; }
approved_stage() { # DB
	"$DRYDOCK" -q snapshot --plan "$PLAN" --source "postgresql://postgres@/$1?host=$PGHOST&port=$PGPORT" -o "$1.db"
	"$DRYDOCK" -q run "$1.db" --plan "$PLAN" --seed f --clock '2026-01-15 09:00:00' >/dev/null || true
	"$DRYDOCK" -q check "$1.db" --fix >/dev/null
	"$DRYDOCK" -q approve "$1.db" --by faults
}
turl() { echo "postgresql://postgres@/$1?host=$PGHOST&port=$PGPORT"; }

t_push_killed_before_commit_changes_nothing() {
	need_flag
	fresh_target t1
	approved_stage t1
	local before
	before=$(dump t1)
	killed push.before_commit push t1.db --target "$(turl t1)" --yes
	assert_eq "$before" "$(dump t1)" "the target changed"
	run dd push t1.db --target "$(turl t1)" --yes
	assert_status 0
}

t_batched_push_killed_resumes_to_the_same_state() {
	need_flag
	fresh_target ref1
	approved_stage ref1
	dd -q push ref1.db --target "$(turl ref1)" --yes
	local want fault
	want=$(dump ref1)
	for fault in push.batch_committed:1 push.batch_committed:3; do
		fresh_target t2
		cp ref1.db t2.db
		killed "$fault" push t2.db --target "$(turl t2)" --yes --batch-size 100
		run dd push t2.db --target "$(turl t2)" --yes --batch-size 100
		assert_status 0
		assert_eq "$want" "$(dump t2)" "resumed after a kill at $fault"
	done
}

t_rollback_killed_before_commit_leaves_the_push() {
	need_flag
	fresh_target t3
	approved_stage t3
	local before pushed
	before=$(dump t3)
	dd -q push t3.db --target "$(turl t3)" --yes
	pushed=$(dump t3)
	killed rollback.before_commit rollback t3.db --target "$(turl t3)" --yes
	assert_eq "$pushed" "$(dump t3)" "a killed rollback changed the target"
	run dd rollback t3.db --target "$(turl t3)" --yes
	assert_status 0
	assert_eq "$before" "$(dump t3)" "the rollback did not restore the target"
}

t_target_disconnects_mid_push() {
	need_flag
	fresh_target t4
	approved_stage t4
	local before
	before=$(dump t4)
	# hold a lock the push needs, then cut the push's connection while it waits
	pg_psql -d t4 -c "BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30); COMMIT;" >/dev/null 2>&1 &
	local locker=$!
	sleep 0.5
	dd push t4.db --target "$(turl t4)" --yes >out 2>err &
	local pusher=$!
	local i
	for i in $(seq 1 50); do
		[[ $(pg_psql -d t4 -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'drydock' AND wait_event_type = 'Lock'") -gt 0 ]] && break
		sleep 0.1
	done
	pg_psql -d t4 -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'drydock'" >/dev/null
	local st=0
	wait "$pusher" || st=$?
	pg_psql -d t4 -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
	wait "$locker" || true
	[[ $st -ne 0 ]] || fail "push succeeded although its connection was cut"
	grep -q "drydock: error:" err || fail "no clear error: $(cat err)"
	assert_eq "$before" "$(dump t4)" "a cut push changed the target"
	run dd push t4.db --target "$(turl t4)" --yes
	assert_status 0
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
