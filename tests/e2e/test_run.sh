#!/usr/bin/env bash
# drydock run / log / changes on a small fixture: determinism, batches,
# resume after a failure and after a kill, read-only inputs, bad steps, the
# change set's content.
source "$(dirname "$0")/../lib/testlib.sh"

# A fixture with a target source "app" (users, posts) and an input "old".
make_fixture() {
	mkdir -p fx/app fx/old
	cat >fx/fixture.json <<'EOF'
{
	"drydock_fixture": 1,
	"sources": [{
			"name": "app",
			"schema": "public",
			"snapshot_at": "2026-01-02T03:04:05Z",
			"enums": {},
			"tables": [{
					"name": "users",
					"file": "app/users.jsonl",
					"rows": 40,
					"columns": [{"name": "id", "type": "integer", "not_null": true},
						{"name": "name", "type": "text"},
						{"name": "active", "type": "boolean"},
						{"name": "token", "type": "uuid"}],
					"constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]
				}, {
					"name": "posts",
					"file": "app/posts.jsonl",
					"rows": 3,
					"columns": [{"name": "id", "type": "bigint", "not_null": true},
						{"name": "user_id", "type": "integer"},
						{"name": "body", "type": "text"}],
					"constraints": [{"name": "posts_pkey", "type": "primary key", "columns": ["id"]},
						{"name": "posts_user_id_fkey", "type": "foreign key", "columns": ["user_id"],
						 "references": {"schema": "public", "table": "users", "columns": ["id"]}}]
				}]
		}, {
			"name": "old",
			"schema": "public",
			"tables": [{
					"name": "users",
					"file": "old/users.jsonl",
					"rows": 2,
					"columns": [{"name": "id", "type": "integer", "not_null": true},
						{"name": "nick", "type": "text"}],
					"constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]
				}]
		}]
}
EOF
	: >fx/app/users.jsonl
	for i in $(seq 1 40); do
		printf '{"id":%d,"name":"user %d","active":%s,"token":null}\n' "$i" "$i" \
			"$([[ $((i % 2)) -eq 0 ]] && echo true || echo false)" >>fx/app/users.jsonl
	done
	printf '%s\n' '{"id":1,"user_id":1,"body":"hello"}' '{"id":2,"user_id":2,"body":"tab\there"}' \
		'{"id":3,"user_id":null,"body":null}' >fx/app/posts.jsonl
	printf '%s\n' '{"id":1,"nick":"one"}' '{"id":2,"nick":"two"}' >fx/old/users.jsonl
}

make_plan() { # extra JSON for "steps"
	mkdir -p p/steps
	cat >p/plan.json <<EOF
{"name": "runtest", "dialect": "sqlite", "sources": {"app": {"target": true, "tables": ["users", "posts"]},
 "old": {"tables": ["users"]}},
 "steps": $1}
EOF
}

stage() {
	make_fixture
	dd -q snapshot --plan p --fixture fx -o s.db
}

hash_of() { sqlite3 "$1" "SELECT hash FROM dd_changeset"; }

STEPS_BASIC='[{"name": "tokens", "sql": "steps/01_tokens.sql"},
	{"name": "nicks", "sql": "steps/02_nicks.sql"},
	{"name": "cleanup", "sql": "steps/03_cleanup.sql"}]'

basic_steps() {
	make_plan "$STEPS_BASIC"
	echo "UPDATE users SET token = gen_random_uuid() WHERE active;" >p/steps/01_tokens.sql
	cat >p/steps/02_nicks.sql <<'EOF'
-- names from the old system, read across sources
UPDATE users SET name = (SELECT nick FROM old__users o WHERE o.id = users.id)
 WHERE id IN (SELECT id FROM old__users);
INSERT INTO posts (id, user_id, body) VALUES (100, 5, 'made at ' || now());
EOF
	echo "DELETE FROM posts WHERE user_id IS NULL; UPDATE users SET active = 1 WHERE id = 2;" >p/steps/03_cleanup.sql
}

t_run_computes_the_change_set() {
	basic_steps
	stage
	run dd run s.db --plan p
	assert_status 0
	assert_out_contains "change set"
	assert_out_contains "1 insert, 21 updates, 1 delete"
	run dd changes s.db --table posts --json
	assert_status 0
	assert_out_contains '"body": "made at 2026-01-02 03:04:05+00"'
	run dd changes s.db --op U --limit 0
	assert_out_contains 'UPDATE users ["1"]'
	assert_out_matches "name +'user 1' -> 'one'"
	# writing 1 into a boolean that holds t is not a change
	assert_eq '["name","token"]' "$(sqlite3 s.db "SELECT changed FROM dd_change WHERE tbl='users' AND key='[\"2\"]'")"
	assert_eq 1 "$(sqlite3 s.db "SELECT count(*) FROM dd_change WHERE tbl='posts' AND op='D' AND key='[\"3\"]'")"
}

t_runs_are_reproducible() {
	basic_steps
	stage
	dd -q run s.db --plan p
	local h1 h2 h3
	h1=$(hash_of s.db)
	dd -q run s.db --plan p
	h2=$(hash_of s.db)
	assert_eq "$h1" "$h2" "two runs of the same plan gave different change sets"
	# a second staging file from the same fixture, made at another time,
	# gives the same hash: the seed comes from the data, not the file
	dd -q snapshot --plan p --fixture fx -o s2.db
	sqlite3 s2.db "UPDATE dd_meta SET value = '2031-02-03T04:05:06Z' WHERE key IN ('created_at', 'snapshot_at')"
	[[ $(sqlite3 s.db "SELECT value FROM dd_meta WHERE key = 'snapshot_at'") != 2031-* ]] || fail "same snapshot time"
	dd -q run s2.db --plan p
	assert_eq "$h1" "$(hash_of s2.db)"
	# another seed draws other UUIDs
	dd -q run s.db --plan p --seed other
	h3=$(hash_of s.db)
	[[ $h3 != "$h1" ]] || fail "--seed did not change the generated UUIDs"
	run dd log s.db
	assert_out_contains "seed 'other'"
}

t_clock_is_fixed_and_settable() {
	make_plan '[{"name": "clock", "sql": "steps/c.sql"}]'
	echo "UPDATE users SET name = now() || '|' || current_timestamp || '|' || date('now') WHERE id = 1;" >p/steps/c.sql
	stage
	dd -q run s.db --plan p
	assert_eq "2026-01-02 03:04:05+00|2026-01-02 03:04:05|2026-01-02" "$(sqlite3 s.db 'SELECT name FROM users WHERE id = 1')"
	dd -q run s.db --plan p --clock '2030-06-07 08:09:10'
	assert_eq "2030-06-07 08:09:10+00|2030-06-07 08:09:10|2030-06-07" "$(sqlite3 s.db 'SELECT name FROM users WHERE id = 1')"
	run dd run s.db --plan p --clock 'yesterday'
	assert_status 2
	assert_err_contains "is not a UTC timestamp"
}

t_batched_step_checkpoints_each_batch() {
	make_plan '[{"name": "per_user", "sql": "steps/b.sql", "batch": {"table": "users", "size": 7}}]'
	cat >p/steps/b.sql <<'EOF'
UPDATE users SET name = 'batch ' || :batch || ' of keys ' || :batch_first || '-' || :batch_last
 WHERE id IN (SELECT key FROM dd_batch);
EOF
	stage
	run dd run s.db --plan p
	assert_status 0
	assert_out_contains "(6 batches of 7 users)"
	assert_eq "batch 6 of keys 36-40" "$(sqlite3 s.db 'SELECT name FROM users WHERE id = 40')"
	run dd log s.db --json
	assert_out_contains '"batches": 6'
	assert_eq 6 "$(sqlite3 s.db "SELECT count(*) FROM dd_run_log WHERE step = 'per_user'")"
}

t_failing_step_stops_and_resume_continues() {
	basic_steps
	echo "UPDATE users SET nosuchcolumn = 1;" >p/steps/02_nicks.sql
	stage
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "step 'nicks' failed at p/steps/02_nicks.sql:1"
	assert_err_contains "no such column: nosuchcolumn"
	assert_err_contains "--resume"
	# the file stays at the last good step
	assert_eq "failed|1" "$(sqlite3 s.db 'SELECT status, next_step FROM dd_run')"
	assert_eq 20 "$(sqlite3 s.db 'SELECT count(*) FROM users WHERE token IS NOT NULL')"
	# fix the step and continue
	basic_steps
	run dd run s.db --plan p --resume
	assert_status 0
	assert_eq "done" "$(sqlite3 s.db 'SELECT status FROM dd_run')"
	local resumed
	resumed=$(hash_of s.db)
	dd -q run s.db --plan p
	assert_eq "$(hash_of s.db)" "$resumed" "a resumed run differs from an uninterrupted one"
	run dd run s.db --plan p --resume
	assert_status 3
	assert_err_contains "no unfinished run"
}

t_killed_mid_batch_resumes_to_the_same_result() {
	make_plan '[{"name": "slow", "sql": "steps/s.sql", "batch": {"table": "users", "size": 1}}]'
	cat >p/steps/s.sql <<'EOF2'
UPDATE users SET token = gen_random_uuid(), name = 'b' || :batch WHERE id IN (SELECT key FROM dd_batch);
EOF2
	stage
	cp s.db whole.db
	dd -q run whole.db --plan p
	# killed (SIGKILL) right after the 17th batch committed: no timing
	local st=0
	DD_FAULT=run.after_batch:17 "$DRYDOCK" -q run s.db --plan p >/dev/null 2>&1 || st=$?
	assert_eq 137 "$st" "the run was not killed at run.after_batch:17"
	assert_eq 17 "$(sqlite3 s.db "SELECT count(*) FROM dd_run_log WHERE step = 'slow'")" "batches committed before the kill"
	assert_eq "running|0|18" "$(sqlite3 s.db 'SELECT status, next_step, next_batch FROM dd_run')"
	run dd status s.db
	assert_status 0
	run dd run s.db --plan p --resume
	assert_status 0
	assert_err_contains "resuming run 1 at step 1 (mid-batch)"
	assert_eq 40 "$(sqlite3 s.db "SELECT count(*) FROM dd_run_log WHERE step = 'slow'")" "batches after the resume"
	assert_eq "$(hash_of whole.db)" "$(hash_of s.db)" "resumed after a kill, the change set differs"
}

# A batch that committed is not run again by --resume: a step that inserts
# would otherwise insert its rows twice (or fail on their keys).
t_resume_does_not_rerun_a_committed_batch() {
	make_plan '[{"name": "copy", "sql": "steps/c.sql", "batch": {"table": "users", "size": 10}}]'
	cat >p/steps/c.sql <<'EOF'
INSERT INTO posts (id, user_id, body) SELECT 1000 + key, key, 'copy' FROM dd_batch;
INSERT INTO posts (id, body) SELECT 1, 'taken' WHERE :batch = 3;
EOF
	stage
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "drydock: error: step 'copy' failed at p/steps/c.sql:2"
	assert_err_contains "UNIQUE constraint failed: posts.id"
	assert_err_contains "--resume"
	assert_eq 20 "$(sqlite3 s.db "SELECT count(*) FROM posts WHERE body = 'copy'")"
	sed -i '/taken/d' p/steps/c.sql
	run dd run s.db --plan p --resume
	assert_status 0
	assert_eq 40 "$(sqlite3 s.db "SELECT count(*) FROM posts WHERE body = 'copy'")"
	assert_eq "1 2 3 4" "$(sqlite3 s.db "SELECT batch FROM dd_run_log WHERE step = 'copy' ORDER BY seq" | tr '\n' ' ' | sed 's/ $//')"
}

t_from_step_replays_earlier_steps() {
	basic_steps
	stage
	dd -q run s.db --plan p
	local h
	h=$(hash_of s.db)
	run dd run s.db --plan p --from cleanup
	assert_status 0
	assert_eq "$h" "$(hash_of s.db)"
	run dd run s.db --plan p --from nosuch
	assert_status 2
	assert_err_contains "no step 'nosuch'"
}

t_inputs_are_read_only() {
	make_plan '[{"name": "bad", "sql": "steps/bad.sql"}]'
	printf 'UPDATE users SET name = 1;\nDELETE FROM old__users WHERE id = 1;\n' >p/steps/bad.sql
	stage
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "step 'bad' writes to table 'old__users', which is read-only"
	assert_err_contains "bad.sql:2"
	assert_err_contains "source 'old'"
	assert_eq 2 "$(sqlite3 s.db 'SELECT count(*) FROM old__users')"
	for sql in "DELETE FROM dd_pristine__users;" "DROP TABLE old__users;" "UPDATE dd_meta SET value = 1;"; do
		echo "$sql" >p/steps/bad.sql
		run dd run s.db --plan p
		assert_status 3
		assert_err_contains "which is read-only"
	done
	assert_eq 40 "$(sqlite3 s.db 'SELECT count(*) FROM dd_pristine__users')"
}

t_syntax_error_names_file_and_line() {
	make_plan '[{"name": "typo", "sql": "steps/t.sql"}]'
	printf -- '-- comment\nUPDATE users SET name = 1;\n\nUPDTE users SET name = 2;\n' >p/steps/t.sql
	stage
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "step 'typo' failed at p/steps/t.sql:4"
	assert_err_contains 'near "UPDTE": syntax error'
	assert_err_contains "Statement: UPDTE users SET name = 2;"
}

t_missing_step_file_fails_before_anything_runs() {
	make_plan '[{"name": "a", "sql": "steps/a.sql"}, {"name": "b", "sql": "steps/nosuch.sql"}]'
	echo "UPDATE users SET name = 'x';" >p/steps/a.sql
	stage
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "step 'b' names file 'p/steps/nosuch.sql', which does not exist"
	assert_eq 0 "$(sqlite3 s.db 'SELECT count(*) FROM dd_run')"
}

t_bad_plan_steps_are_refused() {
	make_plan '[{"name": "a"}]'
	stage 2>/dev/null || true
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "steps[0]: \"sql\" is required"
	make_plan '[{"name": "a", "sql": "a.sql", "batch": {"table": "users", "size": 0}}]'
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "steps[0].batch.size: must be 1 or more"
}

t_changing_a_primary_key_is_delete_plus_insert() {
	make_plan '[{"name": "rekey", "sql": "steps/k.sql"}]'
	echo "UPDATE users SET id = 1000 WHERE id = 1;" >p/steps/k.sql
	stage
	# the rekey orphans user 1's posts: the checks say so (exit 1)
	run dd run s.db --plan p
	assert_status 1
	assert_out_contains "fk posts_user_id_fkey"
	assert_eq "D|[\"1\"]" "$(sqlite3 s.db "SELECT op, key FROM dd_change WHERE tbl='users' AND op='D'")"
	assert_eq "I|[\"1000\"]" "$(sqlite3 s.db "SELECT op, key FROM dd_change WHERE tbl='users' AND op='I'")"
}

t_scratch_tables_do_not_survive_a_rerun() {
	make_plan '[{"name": "scratch", "sql": "steps/s.sql"}]'
	echo "CREATE TABLE IF NOT EXISTS scratch (a); INSERT INTO scratch VALUES (1); CREATE VIEW v AS SELECT * FROM users;" >p/steps/s.sql
	stage
	dd -q run s.db --plan p
	dd -q run s.db --plan p
	assert_eq 1 "$(sqlite3 s.db 'SELECT count(*) FROM scratch')"
	assert_eq 0 "$(sqlite3 s.db 'SELECT count(*) FROM dd_change')"
}

t_changes_without_a_run() {
	make_plan '[]'
	stage
	run dd changes s.db
	assert_status 3
	assert_err_contains "has no change set yet"
	run dd log s.db
	assert_status 0
	assert_out_contains "no runs yet"
}

t_status_shows_checks_and_approval() {
	basic_steps
	stage
	dd -q run s.db --plan p --no-check
	run dd status s.db
	assert_out_contains "checks: none yet"
	assert_out_contains "not approved"
	dd -q check s.db --plan p || true
	run dd status s.db
	assert_out_matches "checks: [0-9]+ passed, 0 errors"
	dd -q approve s.db --by Ann
	run dd status s.db
	assert_out_contains "approved by Ann"
	run dd status s.db --json
	assert_eq "Ann" "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/out'), '\$.changeset.approval.by')")"
	assert_eq 1 "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/out'), '\$.changeset.checks.current')")"
	# a new run makes the checks stale and the approval void
	dd -q run s.db --plan p --no-check --seed other
	run dd status s.db
	assert_out_contains "older than the change set"
	assert_out_contains "not approved"
}

run_tests
