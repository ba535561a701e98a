#!/usr/bin/env bash
# The conflict check fused with the guarded statements (push.c, docs/push.md
# "Conflicts"): on tables without triggers, rules or cycles, push runs the
# statements first and the conflict queries only when one falls short or
# fails, after rolling back to where the check would have run.  What the
# user sees must be what the check up front gave: every conflict of every
# table reported, nothing applied (also the statements that ran before the
# one that fell short), exit 1; a failure that is no conflict fails as it
# did (exit 3).
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb src
	pg_psql -d src <<-'SQL'
		CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, n integer);
		CREATE TABLE notes (k text PRIMARY KEY, body text);
		INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3), (4, 'four', 4);
		INSERT INTO notes VALUES ('a', 'alpha'), ('b', 'beta');
	SQL
	FIX=$T/fix
	mkdir -p "$FIX/plan"
	cat >"$FIX/plan/plan.json" <<-'JSON'
		{"name": "fused", "dialect": "sqlite", "sources": {"app": {"tables": ["items", "notes"]}},
		 "steps": [{"name": "change", "sql": "change.sql"}]}
	JSON
	cat >"$FIX/plan/change.sql" <<-'SQL'
		UPDATE items SET name = upper(name), n = n * 10 WHERE id IN (1, 2);
		DELETE FROM items WHERE id = 3;
		INSERT INTO items VALUES (10, 'ten', 10);
		UPDATE notes SET body = 'ALPHA' WHERE k = 'a';
		INSERT INTO notes VALUES ('z', 'zeta');
	SQL
	dd -q snapshot --plan "$FIX/plan" -o "$FIX/s.db" --source "dbname=src"
	dd -q run "$FIX/s.db" --plan "$FIX/plan" --no-check
	sqlite3 "$FIX/s.db" "INSERT INTO dd_check_run (at, run, changeset_hash, phase, errors, warnings, passed)
		SELECT 'test', run, hash, 'all', 0, 0, 1 FROM dd_changeset"
	dd -q approve "$FIX/s.db" --by Ann
	export FIX
}

teardown_file() { pg_stop; }

newdb() { pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE src STRATEGY FILE_COPY" >/dev/null; }
q() { pg_psql -X -A -t -d "$1" -c "$2"; }
state() { q "$1" "SELECT string_agg(id || ':' || name || ':' || coalesce(n::text, '-'), ',' ORDER BY id) FROM items"
	q "$1" "SELECT string_agg(k || ':' || coalesce(body, '-'), ',' ORDER BY k) FROM notes"; }
ledger_rows() { q "$1" "SELECT count(*) FROM drydock.ledger" 2>/dev/null || echo 0; }

t_applies_the_change_set() {
	newdb t_apply
	cp "$FIX/s.db" s.db
	run dd push s.db --target "dbname=t_apply" --yes
	assert_status 0
	assert_eq "1:ONE:10,2:TWO:20,4:four:4,10:ten:10
a:ALPHA,b:beta,z:zeta" "$(state t_apply)"
	assert_eq "applied" "$(q t_apply "SELECT status FROM drydock.ledger")"
}

t_a_changed_row_after_the_statements_that_ran() {
	# the update of items comes after the delete and the insert: they are
	# undone with it, and notes' conflict is reported too
	newdb t_changed
	q t_changed "UPDATE items SET n = 99 WHERE id = 2; INSERT INTO notes VALUES ('z', 'made meanwhile')" >/dev/null
	local before
	before=$(state t_changed)
	cp "$FIX/s.db" s.db
	run dd push s.db --target "dbname=t_changed" --yes
	assert_status 1
	assert_out_contains 'conflict: items ["2"] (update): the row changed since the snapshot'
	assert_out_matches "n +expected '2', target has '99'"
	assert_out_contains 'conflict: notes ["z"] (insert): the key already exists in the target'
	assert_err_contains "2 conflicts"
	assert_err_contains "Nothing was applied"
	assert_out_not_contains "rows affected"
	assert_eq "$before" "$(state t_changed)" "nothing applied"
	assert_eq 0 "$(ledger_rows t_changed)"
	assert_file_exists s.db.conflicts.json
	assert_eq "2" "$(sqlite3 :memory: "SELECT json_array_length(readfile('s.db.conflicts.json'), '\$.conflicts')")"
}

t_an_inserted_key_and_a_deleted_row() {
	newdb t_key
	q t_key "INSERT INTO items VALUES (10, 'ten', 10); DELETE FROM items WHERE id = 3" >/dev/null
	local before
	before=$(state t_key)
	cp "$FIX/s.db" s.db
	run dd push s.db --target "dbname=t_key" --yes
	assert_status 1
	assert_out_contains 'conflict: items ["3"] (delete): the row is no longer in the target'
	assert_out_contains 'conflict: items ["10"] (insert): the key already exists in the target'
	assert_err_contains "2 conflicts"
	assert_out_not_contains "rows affected"
	assert_eq "$before" "$(state t_key)" "nothing applied"
	assert_eq 0 "$(ledger_rows t_key)"
}

t_a_failure_that_is_no_conflict_fails_as_before() {
	# a user who may do everything but update items: the update fails
	# after the delete and the insert ran; no conflict is found
	newdb t_perm
	q t_perm "CREATE ROLE writer LOGIN; GRANT CREATE ON DATABASE t_perm TO writer;
		GRANT SELECT, INSERT, DELETE ON items TO writer; GRANT ALL ON notes TO writer" >/dev/null 2>&1 ||
		q t_perm "GRANT CREATE ON DATABASE t_perm TO writer;
		GRANT SELECT, INSERT, DELETE ON items TO writer; GRANT ALL ON notes TO writer" >/dev/null
	local before
	before=$(state t_perm)
	cp "$FIX/s.db" s.db
	run dd push s.db --target "dbname=t_perm user=writer" --yes
	assert_status 3
	assert_err_contains 'permission denied for table items'
	assert_err_contains "Nothing was applied"
	assert_out_not_contains "conflict:"
	assert_eq "$before" "$(state t_perm)" "nothing applied"
}

t_nested_loops_over_the_key_only_when_fused() {
	# fused, the guarded statements probe the key's index row by row
	# (SET LOCAL after the savepoint: unwinding restores the planner);
	# with a trigger on a table nothing is fused and the planner is left alone
	local mark
	newdb t_nl
	newdb t_nl_trig
	q t_nl_trig "CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
		CREATE TRIGGER keep BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION keep()" >/dev/null
	for db in t_nl t_nl_trig; do
		pg_psql -d postgres -c "ALTER DATABASE $db SET log_statement = 'all'" >/dev/null
		mark=$(wc -l <"$DD_PG_LOG")
		cp "$FIX/s.db" s.db
		run dd push s.db --target "dbname=$db" --yes --allow-drift
		assert_status 0
		tail -n +"$((mark + 1))" "$DD_PG_LOG" >"log_$db.txt"
	done
	assert_eq 1 "$(grep -c 'SAVEPOINT dd_fused; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off' log_t_nl.txt)"
	assert_eq 0 "$(grep -c 'enable_hashjoin\|SAVEPOINT dd_fused' log_t_nl_trig.txt)"
	assert_eq "1:ONE:10,2:TWO:20,4:four:4,10:ten:10
a:ALPHA,b:beta,z:zeta" "$(state t_nl)"
	assert_eq "$(state t_nl)" "$(state t_nl_trig)"
}

t_rollback_fused_restores_and_sees_later_changes() {
	# a rollback fuses its check too: without conflicts the conflict
	# queries never run and the rows come back; a row changed since the
	# push is reported as before, every table's, nothing applied
	local mark before
	newdb t_rb
	newdb t_rb_conflict
	for db in t_rb t_rb_conflict; do
		before=$(state "$db")
		cp "$FIX/s.db" "s_$db.db"
		dd -q push "s_$db.db" --target "dbname=$db" --yes
		pg_psql -d postgres -c "ALTER DATABASE $db SET log_statement = 'all'" >/dev/null
		[[ $db == t_rb ]] || q "$db" "UPDATE items SET n = 77 WHERE id = 1; DELETE FROM notes WHERE k = 'z'" >/dev/null
		local after
		after=$(state "$db")
		mark=$(wc -l <"$DD_PG_LOG")
		run dd rollback "s_$db.db" --target "dbname=$db" --yes
		tail -n +"$((mark + 1))" "$DD_PG_LOG" >"log_$db.txt"
		assert_eq 1 "$(grep -c 'statement: SAVEPOINT dd_fused' "log_$db.txt" || true)" "savepoints in the rollback of $db"
		if [[ $db == t_rb ]]; then
			assert_status 0
			assert_eq "$before" "$(state t_rb)" "the rolled back target"
			assert_eq 0 "$(grep -c 'ROLLBACK TO SAVEPOINT dd_fused' log_t_rb.txt || true)" "unwinds"
		else
			assert_status 1
			assert_out_contains 'conflict: items ["1"] (update): the row changed since the push'
			assert_out_matches "n +expected '10', target has '77'"
			assert_out_contains 'conflict: notes ["z"] (delete): the row is no longer in the target'
			assert_err_contains "2 conflicts"
			assert_err_contains "Nothing was applied"
			assert_out_not_contains "rows affected"
			assert_eq "$after" "$(state t_rb_conflict)" "nothing rolled back"
			assert_eq 1 "$(grep -c 'ROLLBACK TO SAVEPOINT dd_fused' log_t_rb_conflict.txt || true)" "unwinds"
			assert_eq "applied" "$(q t_rb_conflict "SELECT string_agg(status, '|') FROM drydock.ledger")"
		fi
	done
}

run_tests "$@"
