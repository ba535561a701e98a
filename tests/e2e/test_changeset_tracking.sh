#!/usr/bin/env bash
# The change set compares only the rows the steps wrote (changeset.c,
# tracking by SQLite's preupdate hook and the engine's authorizer); the
# full comparison (DRYDOCK_CHANGESET_FULL=1) is the reference.  Each test
# runs a plan both ways and requires the same hash and the same stored
# change set, for steps whose writes a naive tracker would miss: DELETE
# without WHERE, a trigger's writes, REPLACE, a key changed, a table
# dropped and made again under its name, batches, a resumed run, schema
# changes.
source "$(dirname "$0")/../lib/testlib.sh"

setup() {
	mkdir -p fx/app p/steps
	cat >fx/fixture.json <<'EOF2'
{"drydock_fixture": 1,
 "sources": [{"name": "app", "schema": "public", "snapshot_at": "2026-01-02T03:04:05Z", "enums": {},
   "tables": [
    {"name": "users", "file": "app/users.jsonl", "rows": 6,
     "columns": [{"name": "id", "type": "integer", "not_null": true}, {"name": "email", "type": "text"},
                 {"name": "n", "type": "integer"}],
     "constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]},
    {"name": "tags", "file": "app/tags.jsonl", "rows": 4,
     "columns": [{"name": "a", "type": "text", "not_null": true}, {"name": "b", "type": "integer", "not_null": true},
                 {"name": "v", "type": "jsonb"}],
     "constraints": [{"name": "tags_pkey", "type": "primary key", "columns": ["a", "b"]}]},
    {"name": "notes", "file": "app/notes.jsonl", "rows": 3,
     "columns": [{"name": "k", "type": "text", "not_null": true}, {"name": "body", "type": "text"}],
     "constraints": [{"name": "notes_pkey", "type": "primary key", "columns": ["k"]}]},
    {"name": "logs", "file": "app/logs.jsonl", "rows": 2,
     "columns": [{"name": "line", "type": "text"}], "constraints": []}]}]}
EOF2
	for i in 1 2 3 4 5 6; do printf '{"id":%d,"email":"u%d@x","n":%d}\n' "$i" "$i" "$i"; done >fx/app/users.jsonl
	printf '%s\n' '{"a":"x","b":1,"v":"{\"k\": 1}"}' '{"a":"x","b":2,"v":"{\"k\": 2}"}' \
		'{"a":"y","b":1,"v":null}' '{"a":"y","b":2,"v":"[1, 2]"}' >fx/app/tags.jsonl
	printf '%s\n' '{"k":"a","body":"one"}' '{"k":"b","body":"two"}' '{"k":"c","body":null}' >fx/app/notes.jsonl
	printf '%s\n' '{"line":"l1"}' '{"line":"l2"}' >fx/app/logs.jsonl
}

# plan STEP_JSON...: a plan of the given steps (objects), no checks
plan() {
	local steps
	steps=$(IFS=,; echo "$*")
	printf '{"name": "track", "sources": {"app": {"tables": ["users", "tags", "notes", "logs"]}},\n "steps": [%s]%s}\n' \
		"$steps" "${SCHEMA_CHANGES:+, \"schema_changes\": $SCHEMA_CHANGES}" >p/plan.json
}

# the stored change set: hash, per-table counts, every row
dump() {
	sqlite3 "$1" "SELECT hash, inserts, updates, deletes FROM dd_changeset;
		SELECT * FROM dd_change_table ORDER BY tbl;
		SELECT * FROM dd_change ORDER BY tbl, seq;"
}

# same_both_ways EXPECTED_COUNTS: runs the plan tracked and in full on
# copies of the snapshot; both must store the same change set, whose
# "inserts|updates|deletes" is EXPECTED_COUNTS
same_both_ways() {
	cp s.db tracked.db
	cp s.db full.db
	run dd -q run tracked.db --plan p --no-check
	assert_status 0
	DRYDOCK_CHANGESET_FULL=1 run dd -q run full.db --plan p --no-check
	assert_status 0
	dump tracked.db >tracked.txt
	dump full.db >full.txt
	if ! cmp -s tracked.txt full.txt; then
		diff full.txt tracked.txt >&2 || true
		fail "the tracked change set differs from the full comparison's"
	fi
	assert_eq "$1" "$(sqlite3 tracked.db "SELECT inserts || '|' || updates || '|' || deletes FROM dd_changeset")"
}

t_compiled_writes_of_every_kind() {
	setup
	cat >p/steps/a.sql <<'EOF2'
UPDATE users SET n = n + 10 WHERE id % 2 = 0;
UPDATE users SET email = email WHERE id = 1;
DELETE FROM users WHERE id = 5;
INSERT INTO users VALUES (7, 'u7@x', 7);
UPDATE users SET id = 100 WHERE id = 3;
UPDATE tags SET v = '{"k": 9}' WHERE a = 'x' AND b = 2;
INSERT INTO tags VALUES ('z', 1, NULL);
DELETE FROM tags WHERE a = 'y' AND b = 1;
TRUNCATE notes;
INSERT INTO notes VALUES ('b', 'two');
EOF2
	plan '{"name": "a", "sql": "steps/a.sql"}'
	dd -q snapshot --plan p --fixture fx -o s.db
	# users: 3 updated (2, 4, 6), 2 inserted (7, 100), 2 deleted (3, 5);
	# tags: 1, 1, 1; notes: 'b' deleted and put back as it was: a, c deleted
	same_both_ways "3|4|5"
}

t_sqlite_steps_the_hook_must_see() {
	setup
	# DELETE without WHERE (SQLite's truncate shortcut), REPLACE, a
	# trigger's writes into another table, a write reverted
	cat >p/steps/a.sql <<'EOF2'
DELETE FROM notes;
INSERT INTO notes VALUES ('a', 'one'), ('d', 'four');
INSERT OR REPLACE INTO users VALUES (2, 'replaced@x', 2);
CREATE TEMP TRIGGER bump AFTER UPDATE OF n ON users
  BEGIN UPDATE tags SET v = '"touched"' WHERE a = 'y' AND b = 2; END;
UPDATE users SET n = n WHERE id = 1;
UPDATE users SET email = 'tmp' WHERE id = 6;
UPDATE users SET email = 'u6@x' WHERE id = 6;
EOF2
	plan '{"name": "a", "sql": "steps/a.sql", "dialect": "sqlite"}'
	dd -q snapshot --plan p --fixture fx -o s.db
	# notes: b, c deleted, d inserted; users 2 and tags y/2 updated
	same_both_ways "1|2|2"
}

t_a_table_made_again_under_its_name() {
	setup
	# DROP TABLE deletes rows without the hook seeing them
	cat >p/steps/a.sql <<'EOF2'
CREATE TABLE tags_new AS SELECT * FROM tags WHERE b <> 2;
DROP TABLE tags;
ALTER TABLE tags_new RENAME TO tags;
UPDATE users SET n = 0 WHERE id = 1;
EOF2
	plan '{"name": "a", "sql": "steps/a.sql", "dialect": "sqlite"}'
	dd -q snapshot --plan p --fixture fx -o s.db
	same_both_ways "0|1|2"
	# ALTER TABLE on a target table: the same, compared in full
	cat >p/steps/a.sql <<'EOF2'
ALTER TABLE notes RENAME TO notes_old;
CREATE TABLE notes (k PRIMARY KEY, body);
INSERT INTO notes SELECT * FROM notes_old WHERE k <> 'a';
DROP TABLE notes_old;
EOF2
	same_both_ways "0|0|1"
}

t_a_keyless_table_written_compares_whole_rows_either_way() {
	setup
	echo "UPDATE logs SET line = 'x' WHERE line = 'l1';" >p/steps/a.sql
	plan '{"name": "a", "sql": "steps/a.sql", "dialect": "sqlite"}'
	dd -q snapshot --plan p --fixture fx -o s.db
	# full-row identity: a changed row is a delete and an insert
	same_both_ways "1|0|1"
	assert_eq 'D|["l1"] I|["x"]' "$(sqlite3 tracked.db "SELECT group_concat(op || '|' || key, ' ') FROM (SELECT * FROM dd_change WHERE tbl = 'logs' ORDER BY seq)")"
	# written and put back: no change, as the full comparison says
	printf '%s\n' "UPDATE logs SET line = 'x' WHERE line = 'l1';" \
		"UPDATE logs SET line = 'l1' WHERE line = 'x';" "UPDATE users SET n = 9 WHERE id = 9;" >p/steps/a.sql
	same_both_ways "0|0|0"
}

t_batches_and_a_resumed_run() {
	setup
	echo "UPDATE users SET n = n * 2 WHERE id IN (SELECT key FROM dd_batch) AND id % 3 = 0;" >p/steps/a.sql
	echo "DELETE FROM notes WHERE k = 'c';" >p/steps/b.sql
	plan '{"name": "a", "sql": "steps/a.sql", "batch": {"table": "users", "size": 2}}' \
		'{"name": "b", "sql": "steps/b.sql"}'
	dd -q snapshot --plan p --fixture fx -o s.db
	same_both_ways "0|2|1"
	# a run that stops at step b and resumes in a new process (which
	# compares in full): the same change set as a run straight through
	cp s.db resumed.db
	echo "UPDATE notes SET k = 'a';" >p/steps/b.sql	# a duplicate key at run time
	run dd -q run resumed.db --plan p --no-check
	assert_status 3
	echo "DELETE FROM notes WHERE k = 'c';" >p/steps/b.sql
	run dd -q run resumed.db --plan p --no-check --resume
	assert_status 0
	assert_eq "$(sqlite3 tracked.db "SELECT hash FROM dd_changeset")" \
		"$(sqlite3 resumed.db "SELECT hash FROM dd_changeset")"
}

t_schema_changes_compare_their_tables_in_full() {
	setup
	SCHEMA_CHANGES='[{"op": "add_column", "table": "users", "column": "flag", "type": "integer", "default": "1"},
		{"op": "add_column", "table": "notes", "column": "extra", "type": "text", "phase": "after"}]'
	echo "UPDATE users SET flag = 2 WHERE id = 4; UPDATE tags SET v = NULL WHERE a = 'x' AND b = 1;" >p/steps/a.sql
	plan '{"name": "a", "sql": "steps/a.sql"}'
	dd -q snapshot --plan p --fixture fx -o s.db
	# every user row gains flag (base value 1: not a change, but row 4)
	same_both_ways "0|2|0"
}

run_tests "$@"
