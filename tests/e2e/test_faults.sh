#!/usr/bin/env bash
# Fault injection: drydock is killed with SIGKILL at named points
# (DD_FAULT=name[:N] for the N-th pass, see fault_point() in
# src/util/util.c) across snapshot, run, check, approve, push, rollback,
# fixture export and report.  After every kill:
#   - the files stay valid: the staging file passes PRAGMA integrity_check
#     and `drydock status` reads it; a half-written file never has a name
#     that looks finished (a leftover s.db.tmp is refused as incomplete, a
#     fixture or report is either the old one, the new one, or absent);
#   - the target database is unchanged or fully changed: its whole dump
#     (schema and rows, minus drydock's ledger schema) equals the image
#     before the push or the image after an uninterrupted push;
#   - a resume or a rerun reaches exactly the result of an uninterrupted
#     run: the same change-set hash, the same rows in the target, the same
#     fixture files, the same report.
# Every kill point used is logged; the last test asserts there are at
# least 50.  Opt-in: DD_FAULT_TESTS=1 (make test-faults).
#
# One PostgreSQL server for the file; the reference results (staging
# files, target images) are made once in setup_file and the tests start
# from copies of them.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

PLAN=$REPO/examples/avatars
FX=$REPO/fixtures/avatars

turl() { echo "postgresql://postgres@/$1?host=$PGHOST&port=$PGPORT"; }

# image DB: one digest of schema public as psql sees it: every column
# (type, NOT NULL, default), constraint, index and sequence position, and
# every table's rows, sorted (a rollback re-inserts rows at the end of the
# heap: physical order is not part of "exactly as before").  drydock's
# ledger schema is left out.  One query: pg_dump costs three times more.
IMAGE_SQL="
SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM (
  SELECT format('col %s.%s %s %s %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, pg_get_expr(d.adbin, d.adrelid)) AS x
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
     AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT format('con %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'idx ' || pg_get_indexdef(indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
   WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('seq %s %s', c.relname, query_to_xml(
           format('SELECT last_value, is_called FROM %s', c.oid::regclass), false, true, '')::text)
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'
  UNION ALL
  SELECT format('rows %s %s', c.relname, query_to_xml(
           format('SELECT md5(string_agg(t::text, E''\\n'' ORDER BY t::text)) AS r FROM %s t',
                  c.oid::regclass), false, true, '')::text)
    FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
) s"
image() {
	pg_psql -d "$1" -At -c "$IMAGE_SQL"
}

# fresh DB TEMPLATE: DB as a copy of TEMPLATE.
fresh() {
	pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" -c "CREATE DATABASE \"$1\" TEMPLATE \"$2\" STRATEGY FILE_COPY" >/dev/null
}

# snap_digest FILE: what a snapshot holds (catalog and rows), without the
# times it was made.
snap_digest() {
	sqlite3 "$1" .dump | grep '^INSERT INTO' | grep -v '^INSERT INTO "\{0,1\}dd_meta\b' |
		sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:.]*Z/<time>/g' | LC_ALL=C sort | md5sum | cut -d' ' -f1
}

hash_of() { sqlite3 "$1" 'SELECT hash FROM dd_changeset'; }

setup_file() {
	[[ -n ${DD_FAULT_TESTS:-} ]] || return 0
	pg_start || return 1
	pg_createdb app
	pg_psql -d app -f "$REPO/fixtures/sql/avatars.sql" >/dev/null
	export W=$_TL_ROOT/ref
	mkdir -p "$W"
	(
		set -e
		cd "$W"
		D=$DRYDOCK
		# snapshots: from the fixture and from PostgreSQL
		"$D" -q snapshot --plan "$PLAN" --fixture "$FX" -o fx.db
		"$D" -q snapshot --plan "$PLAN" --source "$(turl app)" -o pg.db
		# an uninterrupted run (its checks fail until fixed: exit 1)
		cp fx.db ran.db
		"$D" -q run ran.db --plan "$PLAN" >/dev/null || [[ $? == 1 ]]
		# ... checked with the fixes, then approved
		cp ran.db fixed.db
		"$D" -q check fixed.db --fix >/dev/null
		cp fixed.db approved.db
		"$D" -q approve approved.db --by faults
		"$D" -q report "$W/fixed.db" -o report
		"$D" -q fixture export fx.db -o fixture.all
		"$D" -q fixture export fx.db -o fixture.5 --rows 5
		# the push's staging file: from the database it is pushed to
		cp pg.db push.db
		"$D" -q run push.db --plan "$PLAN" --seed f --clock '2026-01-15 09:00:00' >/dev/null || [[ $? == 1 ]]
		"$D" -q check push.db --fix >/dev/null
		"$D" -q approve push.db --by faults
		# the target before and after an uninterrupted push; "pushed" is
		# the template of the rollback tests
		pg_psql -d postgres -c 'CREATE DATABASE pushed TEMPLATE app' >/dev/null
		cp push.db pushed.db
		"$D" -q push pushed.db --target "$(turl pushed)" --yes
		image app >before.image
		image pushed >after.image
	)
}
teardown_file() { pg_stop; }

need_flag() { [[ -n ${DD_FAULT_TESTS:-} ]] || skip "fault injection runs with DD_FAULT_TESTS=1 (make test-faults)"; }

# killed FAULT CMD...: runs drydock with DD_FAULT=FAULT; it must die of
# SIGKILL.  The point is logged for the count at the end.
killed() {
	local fault=$1 st=0
	shift
	DD_FAULT=$fault "$DRYDOCK" -q "$@" >killed.out 2>&1 || st=$?
	[[ $st -eq 137 ]] || fail "DD_FAULT=$fault: expected a SIGKILL (137), got status $st: $(tail -3 killed.out)"
	echo "$fault" >>"$_TL_ROOT/points"
}

# stage_valid FILE: an intact SQLite file that drydock reads.
stage_valid() {
	assert_eq ok "$(sqlite3 "$1" 'PRAGMA integrity_check')" "$1 is damaged"
	run dd status "$1"
	assert_status 0
}

BEFORE() { cat "$W/before.image"; }
AFTER() { cat "$W/after.image"; }

# ------------------------------------------------------------ snapshot: 14

t_snapshot_killed_leaves_no_file_then_snapshots_again() {
	need_flag
	local fault want
	want=$(snap_digest "$W/pg.db")
	for fault in snapshot.row:1 snapshot.row:700 snapshot.after_table:1 snapshot.after_table:3 \
		snapshot.before_commit snapshot.before_rename; do
		rm -f s.db s.db.tmp
		killed "$fault" snapshot --plan "$PLAN" --source "$(turl app)" -o s.db
		assert_no_file s.db
		assert_file_exists s.db.tmp
		run dd status s.db.tmp
		if [[ $fault == snapshot.before_rename ]]; then
			# killed between the final sync and the rename: complete
			assert_status 0
			assert_out_contains "1297"
		else
			assert_status 3
			assert_err_contains "drydock: error: staging file 's.db.tmp' is incomplete"
			assert_err_contains "hint: Run the snapshot again."
		fi
		run dd snapshot --plan "$PLAN" --source "$(turl app)" -o s.db
		assert_status 0
		assert_no_file s.db.tmp
		stage_valid s.db
		assert_eq "$want" "$(snap_digest s.db)" "snapshot again after a kill at $fault"
	done
}

t_snapshot_killed_while_replacing_keeps_the_old_file() {
	need_flag
	local fault before
	cp "$W/fx.db" s.db
	before=$(md5sum <s.db)
	for fault in snapshot.row:300 snapshot.after_table:2 snapshot.before_commit snapshot.before_rename; do
		killed "$fault" snapshot --plan "$PLAN" --source "$(turl app)" -o s.db --force
		assert_eq "$before" "$(md5sum <s.db)" "the old staging file changed ($fault)"
		stage_valid s.db
	done
	run dd snapshot --plan "$PLAN" --source "$(turl app)" -o s.db --force
	assert_status 0
	assert_eq "$(snap_digest "$W/pg.db")" "$(snap_digest s.db)"
}

t_fixture_snapshot_killed_then_snapshots_again() {
	need_flag
	local fault want
	want=$(snap_digest "$W/fx.db")
	for fault in snapshot.after_table:1 snapshot.after_table:4 snapshot.before_commit snapshot.before_rename; do
		rm -f s.db s.db.tmp
		killed "$fault" snapshot --plan "$PLAN" --fixture "$FX" -o s.db
		assert_no_file s.db
		run dd snapshot --plan "$PLAN" --fixture "$FX" -o s.db
		assert_status 0
		assert_no_file s.db.tmp
		stage_valid s.db
		assert_eq "$want" "$(snap_digest s.db)" "snapshot again after a kill at $fault"
	done
}

# ----------------------------------------------------------------- run: 15

t_run_killed_then_resumed_reaches_the_same_change_set() {
	need_flag
	local fault ref
	ref=$(hash_of "$W/ran.db")
	for fault in run.after_rebuild run.step_before_commit:1 run.step_before_commit:4 \
		run.step_before_commit:11 run.after_batch:1 run.after_batch:5 run.after_batch:12 \
		run.after_schema changeset.before_commit; do
		cp "$W/fx.db" s.db
		killed "$fault" run s.db --plan "$PLAN"
		stage_valid s.db
		assert_eq running "$(sqlite3 s.db 'SELECT status FROM dd_run')" "after a kill at $fault"
		# nothing to approve while the run is unfinished
		run dd approve s.db --by x
		assert_status 3
		assert_err_contains "drydock: error: 's.db' has no change set to approve"
		assert_err_contains "hint: Run the plan first: drydock run s.db --plan DIR"
		run dd run s.db --plan "$PLAN" --resume
		assert_status 0
		assert_err_contains "resuming run 1 at step"
		assert_eq done "$(sqlite3 s.db 'SELECT status FROM dd_run')"
		assert_eq "$ref" "$(hash_of s.db)" "resumed after a kill at $fault"
		assert_eq 1 "$(sqlite3 s.db 'SELECT count(*) FROM dd_check_run')"
	done
}

t_run_killed_while_storing_its_checks() {
	need_flag
	local ref
	ref=$(hash_of "$W/ran.db")
	# the run is done, its checks are not on file: approve says to check
	cp "$W/fx.db" s.db
	killed check.store_before_commit run s.db --plan "$PLAN"
	stage_valid s.db
	assert_eq "done|$ref|0" "$(sqlite3 s.db 'SELECT status, (SELECT hash FROM dd_changeset), (SELECT count(*) FROM dd_check_run) FROM dd_run')"
	run dd approve s.db --by x
	assert_status 1
	assert_err_contains "drydock: error: the change set of 's.db' has not been checked"
	assert_err_contains "hint: Run 'drydock check s.db'."
	run dd check s.db --fix
	assert_status 0
	assert_eq "$(hash_of "$W/fixed.db")" "$(hash_of s.db)"
	# killed once they are stored: the file is the uninterrupted run's
	cp "$W/fx.db" s.db
	killed check.after_store run s.db --plan "$PLAN"
	stage_valid s.db
	assert_eq "$ref" "$(hash_of s.db)"
	assert_eq "$(sqlite3 "$W/ran.db" 'SELECT name, status, count FROM dd_check_result ORDER BY seq')" \
		"$(sqlite3 s.db 'SELECT name, status, count FROM dd_check_result ORDER BY seq')"
	run dd run s.db --plan "$PLAN" --resume
	assert_status 3
	assert_err_contains "drydock: error: there is no unfinished run to resume in 's.db'"
	assert_err_contains "hint: Start a fresh run without --resume."
}

t_run_killed_before_rebuild_keeps_the_previous_run() {
	need_flag
	cp "$W/ran.db" s.db
	killed run.before_rebuild run s.db --plan "$PLAN" --seed other
	stage_valid s.db
	assert_eq "$(hash_of "$W/ran.db")" "$(hash_of s.db)"
	assert_eq "done" "$(sqlite3 s.db 'SELECT status FROM dd_run ORDER BY id DESC LIMIT 1')"
	assert_eq 1 "$(sqlite3 s.db 'SELECT count(*) FROM dd_run')"
}

t_run_killed_after_the_after_phase_resumes_without_reapplying_it() {
	need_flag
	# a plan whose "after" change alters the staging tables
	cp -r "$PLAN" p
	sed -i 's|"schema_changes": \[|"schema_changes": [{"op": "add_column", "table": "users", "column": "tier", "type": "text", "default": "'"'"'basic'"'"'", "phase": "after"},|' p/plan.json
	cp "$W/fx.db" whole.db
	dd -q run whole.db --plan p >/dev/null || true
	cp "$W/fx.db" s.db
	killed run.after_schema run s.db --plan p
	stage_valid s.db
	run dd run s.db --plan p --resume
	assert_status 0
	assert_eq "$(hash_of whole.db)" "$(hash_of s.db)"
	assert_eq 240 "$(sqlite3 s.db "SELECT count(*) FROM users WHERE tier = 'basic'")"
}

# --------------------------------------------------------------- check: 6

t_check_fix_killed_then_checked_again_reaches_the_same_change_set() {
	need_flag
	local ref fault
	ref=$(hash_of "$W/fixed.db")
	for fault in check.after_fix:1 check.after_fix:2 check.store_before_commit; do
		cp "$W/ran.db" s.db
		killed "$fault" check s.db --fix
		stage_valid s.db
		# approval is refused until the change set is checked again
		run dd approve s.db --by x
		assert_status 1
		if [[ $fault == check.after_fix:* ]]; then
			assert_err_contains "drydock: error: the change set of 's.db' is older than the fixes applied after it"
			assert_err_contains "hint: Run 'drydock check s.db': it recomputes the change set and checks it."
		else
			assert_err_contains "drydock: error: the latest checks of 's.db' are older than its change set"
			assert_err_contains "hint: Run 'drydock check s.db'."
		fi
		assert_eq 0 "$(sqlite3 s.db 'SELECT count(*) FROM dd_approval')"
		run dd check s.db --fix
		assert_status 0
		assert_eq "$ref" "$(hash_of s.db)" "after a kill at $fault"
		run dd approve s.db --by x
		assert_status 0
		assert_out_contains "approved change set $ref by x"
	done
	# killed once the results are stored: done, and approvable
	cp "$W/ran.db" s.db
	killed check.after_store check s.db --fix
	stage_valid s.db
	assert_eq "$ref" "$(hash_of s.db)"
	run dd approve s.db --by x
	assert_status 0
}

t_check_killed_while_storing_keeps_the_run_s_results() {
	need_flag
	local want
	want=$(sqlite3 "$W/ran.db" 'SELECT name, status, count FROM dd_check_result ORDER BY seq')
	cp "$W/ran.db" s.db
	killed check.store_before_commit check s.db
	stage_valid s.db
	assert_eq 1 "$(sqlite3 s.db 'SELECT count(*) FROM dd_check_run')"
	killed check.after_store check s.db
	stage_valid s.db
	assert_eq 2 "$(sqlite3 s.db 'SELECT count(*) FROM dd_check_run')"
	assert_eq "$want" "$(sqlite3 s.db 'SELECT name, status, count FROM dd_check_result WHERE check_run = 2 ORDER BY seq')"
	assert_eq "$(hash_of "$W/ran.db")" "$(hash_of s.db)"
}

# ------------------------------------------------------------- approve: 2

t_approve_killed_before_commit_records_nothing() {
	need_flag
	cp "$W/fixed.db" s.db
	killed approve.before_commit approve s.db --by x
	stage_valid s.db
	assert_out_contains "not approved"
	assert_eq 0 "$(sqlite3 s.db 'SELECT count(*) FROM dd_approval')"
	run dd push s.db --target "$(turl app)" --yes
	assert_status 3
	assert_err_contains "drydock: error: change set $(hash_of s.db | cut -c1-16) is not approved"
	assert_err_contains "hint: Approve it after checking: drydock approve s.db --by NAME"
	run dd approve s.db --by x
	assert_status 0
	assert_eq "$(hash_of "$W/approved.db")|x" "$(sqlite3 s.db 'SELECT changeset_hash, approved_by FROM dd_approval')"
}

t_approve_killed_after_commit_is_approved() {
	need_flag
	cp "$W/fixed.db" s.db
	killed approve.after_commit approve s.db --by x
	stage_valid s.db
	assert_out_contains "approved by x at"
	assert_eq "$(hash_of "$W/approved.db")|x" "$(sqlite3 s.db 'SELECT changeset_hash, approved_by FROM dd_approval')"
}

# ---------------------------------------------------- push, one transaction: 16

# push_point FAULT before|after [PUSH OPTIONS...]: a push killed at FAULT
# leaves the target as before (or, after its COMMIT, fully pushed); the
# push run again reaches the uninterrupted push's target.
push_point() {
	local fault=$1 side=$2
	shift 2
	fresh tp app
	cp "$W/push.db" p.db
	killed "$fault" push p.db --target "$(turl tp)" --yes "$@"
	stage_valid p.db
	run dd push p.db --target "$(turl tp)" --yes "$@"
	if [[ $side == before ]]; then
		assert_status 0
		assert_out_contains "pushed change set $(hash_of p.db | cut -c1-16)"
	else
		assert_status 3
		assert_err_contains "drydock: error: change set $(hash_of p.db | cut -c1-16) is already applied to this database"
		assert_err_contains "hint: 'drydock history --target URL' lists the ledger"
	fi
	assert_eq "$(AFTER)" "$(image tp)" "the push again after a kill at $fault"
	assert_eq "applied" "$(pg_psql -d tp -At -c "SELECT string_agg(status, ',') FROM drydock.ledger")"
}

t_push_killed_before_its_commit_changes_nothing() {
	need_flag
	local fault
	for fault in push.before_lock push.before_ledger_find push.before_ledger_new push.before_copy:1 \
		push.before_copy:4 push.before_preflight push.before_conflicts:1 push.before_conflicts:4 \
		push.before_ddl:1 push.before_dml:1 push.before_dml:4 push.before_verify:1 \
		push.before_verify:4 push.before_commit; do
		fresh tp app
		cp "$W/push.db" p.db
		killed "$fault" push p.db --target "$(turl tp)" --yes
		stage_valid p.db
		assert_eq "$(BEFORE)" "$(image tp)" "a push killed at $fault changed the target"
		assert_eq 0 "$(pg_psql -d tp -At -c "SELECT count(*) FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid WHERE n.nspname = 'drydock'")" \
			"a push killed at $fault left ledger tables"
		run dd push p.db --target "$(turl tp)" --yes
		assert_status 0
		assert_eq "$(AFTER)" "$(image tp)" "the push again after a kill at $fault"
	done
}

t_push_killed_after_its_commit_is_pushed() {
	need_flag
	local fault
	for fault in push.before_unlock push.before_record; do
		push_point "$fault" after
	done
}

# ------------------------------------------------------- push, batched: 5

t_batched_push_killed_resumes_to_the_same_state() {
	need_flag
	local fault
	for fault in push.batch_committed:1 push.batch_committed:3 push.before_dml:3 \
		push.before_commit:2 push.before_verify:2; do
		fresh tp app
		cp "$W/push.db" p.db
		killed "$fault" push p.db --target "$(turl tp)" --yes --batch-size 100
		stage_valid p.db
		run dd push p.db --target "$(turl tp)" --yes --batch-size 100
		assert_status 0
		assert_eq "$(AFTER)" "$(image tp)" "resumed after a kill at $fault"
		assert_eq "applied" "$(pg_psql -d tp -At -c "SELECT string_agg(status, ',') FROM drydock.ledger")"
	done
}

# ------------------------------------------------------------ rollback: 12
# (a rollback takes its lock before its statement walk: no before_lock)

t_rollback_killed_before_its_commit_leaves_the_push() {
	need_flag
	local fault
	for fault in rollback.before_ledger_new rollback.before_preflight rollback.before_conflicts:1 \
		rollback.before_conflicts:4 rollback.before_ddl:1 rollback.before_ddl:3 rollback.before_dml:1 \
		rollback.before_dml:5 rollback.before_verify:1 rollback.before_verify:3 rollback.before_commit; do
		fresh tr pushed
		cp "$W/pushed.db" r.db
		killed "$fault" rollback r.db --target "$(turl tr)" --yes
		stage_valid r.db
		assert_eq "$(AFTER)" "$(image tr)" "a rollback killed at $fault changed the target"
		assert_eq "applied" "$(pg_psql -d tr -At -c "SELECT string_agg(status, ',') FROM drydock.ledger")"
		run dd rollback r.db --target "$(turl tr)" --yes
		assert_status 0
		assert_out_contains "rolled back push #1"
		assert_eq "$(BEFORE)" "$(image tr)" "the rollback again after a kill at $fault"
	done
}

t_rollback_killed_after_its_commit_is_rolled_back() {
	need_flag
	local fault
	for fault in rollback.before_unlock rollback.before_record; do
		fresh tr pushed
		cp "$W/pushed.db" r.db
		killed "$fault" rollback r.db --target "$(turl tr)" --yes
		stage_valid r.db
		assert_eq "$(BEFORE)" "$(image tr)" "a rollback killed at $fault is not complete"
		run dd rollback r.db --target "$(turl tr)" --yes
		assert_status 3
		assert_err_contains "drydock: error: change set $(hash_of r.db | cut -c1-16) is not applied to this database"
		assert_err_contains "hint: 'drydock history --target URL' lists the ledger."
		assert_eq "$(BEFORE)" "$(image tr)"
		# and the change set can be pushed again
		run dd push r.db --target "$(turl tr)" --yes
		assert_status 0
		assert_eq "$(AFTER)" "$(image tr)"
	done
}

# ----------------------------------------------------- the target cut off

t_target_disconnects_mid_push() {
	need_flag
	fresh t4 app
	cp "$W/push.db" p.db
	# the push stops itself inside its transaction, before its first data
	# statement; its backend is terminated; then it goes on
	DD_FAULT=push.before_dml:1:stop "$DRYDOCK" push p.db --target "$(turl t4)" --yes >out 2>err &
	local pusher=$! st=0
	wait_stopped "$pusher"
	assert_eq 1 "$(pg_psql -d t4 -At -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'drydock'")"
	kill -CONT "$pusher"
	wait "$pusher" || st=$?
	assert_eq 3 "$st" "the cut push's exit status"
	grep -q "drydock: error:" err || fail "no clear error: $(cat err)"
	stage_valid p.db
	assert_eq "$(BEFORE)" "$(image t4)" "a cut push changed the target"
	run dd push p.db --target "$(turl t4)" --yes
	assert_status 0
	assert_eq "$(AFTER)" "$(image t4)"
}

# ------------------------------------------------------ fixture export: 7

t_fixture_export_killed_keeps_the_old_fixture() {
	need_flag
	local fault
	for fault in fixture.after_table:1 fixture.after_table:3 write.before_rename fixture.before_swap; do
		rm -rf fx fx.tmp fx.old
		cp -r "$W/fixture.all" fx
		killed "$fault" fixture export "$W/fx.db" -o fx --rows 5 --force
		diff -r "$W/fixture.all" fx >/dev/null || fail "the old fixture changed ($fault)"
		if [[ $fault == fixture.before_swap ]]; then
			# made, not yet swapped in: the new one is whole
			diff -r "$W/fixture.5" fx.tmp >/dev/null || fail "fx.tmp is not the whole new fixture"
		else
			# the half-made one is no fixture: its manifest comes last
			assert_no_file fx.tmp/fixture.json
			run dd snapshot --plan "$PLAN" --fixture fx.tmp -o x.db
			assert_status 3
			assert_err_contains "drydock: error: cannot read fixture 'fx.tmp/fixture.json': No such file or directory"
			assert_no_file x.db
		fi
		run dd fixture export "$W/fx.db" -o fx --rows 5 --force
		assert_status 0
		diff -r "$W/fixture.5" fx >/dev/null || fail "the export again after a kill at $fault differs"
		assert_no_file fx.tmp
		assert_no_file fx.old
	done
}

t_fixture_export_killed_between_its_renames_keeps_the_old_one_aside() {
	need_flag
	cp -r "$W/fixture.all" fx
	killed fixture.between_renames fixture export "$W/fx.db" -o fx --rows 5 --force
	# the old folder, complete, is fx.old; the new one, complete, fx.tmp
	diff -r "$W/fixture.all" fx.old >/dev/null || fail "the old fixture is not intact in fx.old"
	diff -r "$W/fixture.5" fx.tmp >/dev/null || fail "the new fixture is not complete in fx.tmp"
	run dd fixture export "$W/fx.db" -o fx --rows 5
	assert_status 0
	diff -r "$W/fixture.5" fx >/dev/null || fail "the export again differs"
	assert_no_file fx.tmp
	assert_no_file fx.old
}

t_first_fixture_export_killed_leaves_no_fixture() {
	need_flag
	killed fixture.after_table:2 fixture export "$W/fx.db" -o fx
	assert_no_file fx
	run dd fixture export "$W/fx.db" -o fx
	assert_status 0
	diff -r "$W/fixture.all" fx >/dev/null || fail "the export again differs"
}

# -------------------------------------------------------------- report: 3

# untimed FILE: a report file without the times in it
untimed() { sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/<time>/g' "$1"; }

t_report_killed_leaves_only_whole_files() {
	need_flag
	local fault f
	for fault in report.after_file:1 report.after_file:2 write.before_rename:1 write.before_rename:3; do
		rm -rf rep
		killed "$fault" report "$W/fixed.db" -o rep
		# every report.* is whole (as the uninterrupted report's, but the
		# time it was written); a partial one ends in .tmp
		for f in rep/report.*; do
			[[ -e $f && $f != *.tmp ]] || continue
			assert_eq "$(untimed "$W/report/${f#rep/}")" "$(untimed "$f")" "$f after a kill at $fault"
		done
		run dd report "$W/fixed.db" -o rep
		assert_status 0
		for f in "$W"/report/report.*; do
			assert_eq "$(untimed "$f")" "$(untimed "rep/${f##*/}")" "${f##*/} again after a kill at $fault"
		done
		[[ -z $(find rep -name '*.tmp') ]] || fail "a .tmp file is left: $(find rep -name '*.tmp')"
	done
}

# ------------------------------------------------------------------ count

t_at_least_50_kill_points() {
	need_flag
	[[ -z ${DD_TEST_FILTER:-} ]] || skip "counts only a whole run"
	local n
	n=$(sort -u "$_TL_ROOT/points" | wc -l)
	echo "kill points: $n distinct, $(wc -l <"$_TL_ROOT/points") kills"
	((n >= 50)) || fail "only $n kill points"
}

run_tests
