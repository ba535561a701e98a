#!/usr/bin/env bash
# A table without a key of any kind (no primary key, no plan "key", no
# unique index over NOT NULL columns) against a real PostgreSQL: its rows
# are identified by all their values, copies by count, like PostgreSQL's
# REPLICA IDENTITY FULL (docs/push.md, "Tables without a key").  The
# table has duplicate rows, NULLs, a json and a point column (types
# without "="); the migration updates one of two duplicates, deletes one
# of three, inserts a duplicate and updates a row full of NULLs.
# PostgreSQL applies the same SQL to a copy: both must hold the same
# multiset of rows.  A rollback restores the exact before multiset; a
# change on the target between approval and push is a conflict.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$TESTLIB_DIR/exlib.sh"

MIGRATE="CREATE TABLE one_ann AS SELECT * FROM tally WHERE who = 'ann' LIMIT 1;
DELETE FROM tally WHERE who = 'ann';
INSERT INTO tally SELECT * FROM one_ann;
INSERT INTO tally SELECT who, 9, note, doc, at FROM one_ann;
DELETE FROM tally WHERE who = 'bob';
INSERT INTO tally VALUES ('bob', 2, 'x', NULL, NULL), ('bob', 2, 'x', NULL, NULL);
INSERT INTO tally VALUES ('cy', NULL, NULL, NULL, NULL);
UPDATE tally SET note = 'later' WHERE who = 'dee';"

# the table as a multiset: each distinct row with its copies
MULTISET="SELECT who, n, note, doc::text, at::text, count(*) FROM tally GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"

setup_file() {
	pg_start || return 1
	pg_createdb src
	pg_psql -d src >/dev/null <<-'SQL'
		CREATE TABLE tally (who text, n int, note text, doc json, at point);
		INSERT INTO tally VALUES
		    ('ann', 1, NULL, '{"a": 1}', '(1,2)'), ('ann', 1, NULL, '{"a": 1}', '(1,2)'),
		    ('bob', 2, 'x', NULL, NULL), ('bob', 2, 'x', NULL, NULL), ('bob', 2, 'x', NULL, NULL),
		    ('cy', NULL, NULL, NULL, NULL), ('dee', NULL, NULL, NULL, NULL), ('eve', 5, 'e', '[1]', '(0,0)');
	SQL
	FIX=$T/fix
	mkdir -p "$FIX/plan"
	cat >"$FIX/plan/plan.json" <<-'JSON'
		{"name": "keyless", "sources": {"app": {"tables": ["tally"]}},
		 "steps": [{"name": "migrate", "sql": "migrate.sql"}]}
	JSON
	printf '%s\n' "$MIGRATE" >"$FIX/plan/migrate.sql"
	dd -q snapshot --plan "$FIX/plan" --source "$(pg_url src)" -o "$FIX/s.db"
	export FIX
}

teardown_file() { pg_stop; }

newdb() { pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE src STRATEGY FILE_COPY" >/dev/null; }
multiset() { pgq "$1" "$MULTISET"; }

# a staging file whose change set is run, checked and approved
approved() {
	cp "$FIX/s.db" s.db
	dd -q run s.db --plan "$FIX/plan" >/dev/null
	dd -q approve s.db --by "e2e tester"
}

t_status_and_change_set_use_the_whole_row() {
	run dd status "$FIX/s.db"
	assert_status 0
	assert_out_contains "tally [key: full row]"
	run dd status "$FIX/s.db" --json
	assert_eq "full row" "$(jq -r '.tables[] | select(.name == "tally") | .key' "$T/out")"
	cp "$FIX/s.db" s.db
	run dd run s.db --plan "$FIX/plan"
	assert_status 0
	# one of two ann copies changed: a delete and an insert; one bob of
	# three deleted; a second cy; dee updated: a delete and an insert
	assert_eq 'D|["ann","1",null,"{\"a\": 1}","(1,2)"]
D|["bob","2","x",null,null]
D|["dee",null,null,null,null]
I|["ann","9",null,"{\"a\": 1}","(1,2)"]
I|["cy",null,null,null,null]
I|["dee",null,"later",null,null]' "$(sq s.db 'SELECT op, key FROM dd_change ORDER BY seq')"
	assert_eq "3|3|0" "$(sq s.db 'SELECT inserts, deletes, updates FROM dd_change_table')"
	# the report says so
	run dd report s.db -o rep --format json,md
	assert_status 0
	assert_eq "full row" "$(jq -r '.comparable.tables.tally.key.kind' rep/report.json)"
	run cat rep/report.md
	assert_out_contains "| tally | full row |"
	# the same change set twice
	local h1
	h1=$(sq s.db 'SELECT hash FROM dd_changeset')
	dd -q run s.db --plan "$FIX/plan" >/dev/null
	assert_eq "$h1" "$(sq s.db 'SELECT hash FROM dd_changeset')"
}

t_push_matches_postgresql_and_rollback_restores_the_multiset() {
	newdb target
	newdb oracle
	local before
	before=$(multiset target)
	approved
	pg_psql -d oracle -c "BEGIN; $MIGRATE COMMIT;" >/dev/null
	run dd plan s.db --no-data
	assert_status 0
	assert_out_contains "conflict check: tally (no key: whole rows, copies by count)"
	assert_out_contains "row_number() OVER (PARTITION BY s.r ORDER BY t.tableoid, t.ctid)"
	run dd push s.db --target "$(pg_url target)" --yes
	assert_status 0
	assert_out_contains "pushed change set"
	assert_eq "$(multiset oracle)" "$(multiset target)" "the target holds PostgreSQL's own result"
	assert_eq "$(pgq oracle "SELECT count(*) FROM tally")" "$(pgq target "SELECT count(*) FROM tally")"
	run dd rollback s.db --target "$(pg_url target)" --yes
	assert_status 0
	assert_eq "$before" "$(multiset target)" "the rollback restores the before multiset"
	assert_eq 8 "$(pgq target 'SELECT count(*) FROM tally')"
}

t_batched_push_and_rollback_by_count() {
	newdb batched
	newdb batched_oracle
	local before
	before=$(multiset batched)
	approved
	pg_psql -d batched_oracle -c "BEGIN; $MIGRATE COMMIT;" >/dev/null
	run dd push s.db --target "$(pg_url batched)" --yes --batch-size 2
	assert_status 0
	assert_eq "$(multiset batched_oracle)" "$(multiset batched)" "batches of 2 give PostgreSQL's result"
	run dd rollback s.db --target "$(pg_url batched)" --yes
	assert_status 0
	assert_eq "$before" "$(multiset batched)"
}

t_change_on_the_target_after_approval_is_a_conflict() {
	newdb conflicted
	approved
	# the change set deletes one bob of three; the target has none left as snapshotted
	pgq conflicted "UPDATE tally SET n = 7 WHERE who = 'bob'" >/dev/null
	local before
	before=$(multiset conflicted)
	run dd push s.db --target "$(pg_url conflicted)" --yes
	assert_status 1
	assert_out_contains 'conflict: tally ["bob","2","x",null,null] (delete): the target holds 0 of the 1 copies to delete'
	assert_err_contains "1 conflict: the target changed since the snapshot"
	assert_eq "$before" "$(multiset conflicted)" "nothing applied"
	assert_eq '"missing"' "$(jq -c '.conflicts[0].problem' s.db.conflicts.json)"
	# fewer copies than the change set deletes is a conflict too; as many is not
	pgq conflicted "UPDATE tally SET n = 2 WHERE who = 'bob' AND ctid = (SELECT min(ctid) FROM tally WHERE who = 'bob')" >/dev/null
	run dd push s.db --target "$(pg_url conflicted)" --yes
	assert_status 0
	# the one bob as snapshotted is deleted; the two changed ones stay
	assert_eq "bob|7|x|||2" "$(pgq conflicted "SELECT who, n, note, doc::text, at::text, count(*) FROM tally WHERE who = 'bob' GROUP BY 1, 2, 3, 4, 5 ORDER BY 2")"
}

t_rollback_conflicts_when_a_pushed_row_is_gone() {
	newdb rb
	approved
	dd -q push s.db --target "$(pg_url rb)" --yes >/dev/null
	# the application deletes both cy rows, one of which the push inserted
	pgq rb "DELETE FROM tally WHERE who = 'cy'" >/dev/null
	local after
	after=$(multiset rb)
	run dd rollback s.db --target "$(pg_url rb)" --yes
	assert_status 1
	assert_out_contains 'conflict: tally ["cy",null,null,null,null] (delete): the target holds 0 of the 1 copies to delete'
	assert_eq "$after" "$(multiset rb)" "nothing rolled back"
}

t_trigger_changing_inserted_rows_is_refused() {
	newdb trig
	pg_psql -d trig >/dev/null <<-'SQL'
		CREATE FUNCTION up() RETURNS trigger LANGUAGE plpgsql AS
		    $$ BEGIN NEW.note := upper(NEW.note); RETURN NEW; END $$;
		CREATE TRIGGER tally_up BEFORE INSERT ON tally FOR EACH ROW EXECUTE FUNCTION up();
	SQL
	approved
	local before
	before=$(multiset trig)
	run dd push s.db --target "$(pg_url trig)" --yes --allow-drift
	assert_status 3
	assert_out_contains 'mismatch: tally ["dee",null,"later",null,null] (insert): the row is not there as often as it was inserted'
	assert_err_contains "after the push, tally does not hold the rows drydock wrote"
	assert_err_contains "Table tally has no key, so a row a trigger changed cannot be found again"
	assert_eq "$before" "$(multiset trig)" "nothing applied"
	# with the table's triggers off the rows go in as written
	run dd push s.db --target "$(pg_url trig)" --yes --allow-drift --disable-triggers
	assert_status 0
	assert_eq 1 "$(pgq trig "SELECT count(*) FROM tally WHERE note = 'later'")"
}

run_tests
