#!/usr/bin/env bash
# The run engine (src/run/engine.c) as `drydock run` and `drydock check
# --fix` use it: one way to open a run context, and --resume only when the
# latest run did not finish.  A step that fails at run time (a duplicate
# key; a step the compiler refuses never starts a run) leaves the run
# failed.
source "$(dirname "$0")/../lib/testlib.sh"

setup() {
	mkdir -p fx/app p/steps
	cat >fx/fixture.json <<'EOF2'
{"drydock_fixture": 1,
 "sources": [{"name": "app", "schema": "public", "snapshot_at": "2026-01-02T03:04:05Z", "enums": {},
   "tables": [{"name": "users", "file": "app/users.jsonl", "rows": 3,
     "columns": [{"name": "id", "type": "integer", "not_null": true}, {"name": "email", "type": "text"}],
     "constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
EOF2
	printf '%s\n' '{"id":1,"email":"a@x"}' '{"id":2,"email":null}' '{"id":3,"email":"c@x"}' >fx/app/users.jsonl
	cat >p/plan.json <<'EOF2'
{"name": "engine", "sources": {"app": {"tables": ["users"]}},
 "steps": [{"name": "up", "sql": "steps/up.sql"}],
 "checks": [{"name": "emails", "sql": "SELECT id FROM users WHERE email IS NULL",
             "fix": "UPDATE users SET email = 'none@x' WHERE email IS NULL"}]}
EOF2
	echo "UPDATE users SET email = upper(email);" >p/steps/up.sql
	dd -q snapshot --plan p --fixture fx -o s.db
}

t_resume_needs_an_unfinished_run() {
	setup
	# no run at all
	run dd run s.db --plan p --resume
	assert_status 3
	assert_err_contains "there is no unfinished run to resume in 's.db'"
	# a finished run
	run dd run s.db --plan p
	assert_status 1
	run dd run s.db --plan p --resume
	assert_status 3
	assert_err_contains "there is no unfinished run to resume in 's.db'"
	# a failed run resumes with its own seed and clock
	echo "UPDATE users SET id = 1;" >p/steps/up.sql
	run dd run s.db --plan p --seed s1
	assert_status 3
	assert_err_contains 'duplicate key value violates unique constraint "users_pkey"'
	assert_eq "failed" "$(sqlite3 s.db "SELECT status FROM dd_run ORDER BY id DESC LIMIT 1")"
	echo "UPDATE users SET email = upper(email);" >p/steps/up.sql
	run dd run s.db --plan p --resume
	assert_status 1
	assert_err_contains "resuming run"
	assert_eq "done|s1" "$(sqlite3 s.db "SELECT status || '|' || seed FROM dd_run ORDER BY id DESC LIMIT 1")"
}

t_check_fix_extends_the_latest_finished_run() {
	setup
	run dd run s.db --plan p
	assert_status 1
	assert_out_contains "emails"
	run dd check s.db --fix
	assert_status 0
	assert_eq "NONE@X" "$(sqlite3 s.db "SELECT upper(email) FROM users WHERE id = 2")"
	assert_eq 1 "$(sqlite3 s.db "SELECT count(*) FROM dd_run_log WHERE step LIKE 'fix:%'")"
	# a failed latest run: --fix refuses to extend it
	echo "UPDATE users SET id = 1;" >p/steps/up.sql
	run dd run s.db --plan p
	assert_status 3
	run dd check s.db --fix
	assert_status 3
	assert_err_contains "the latest run of 's.db' did not finish"
}

t_bad_from_and_clock_are_usage_errors() {
	setup
	run dd run s.db --plan p --from nosuch
	assert_status 2
	assert_err_contains "the plan has no step 'nosuch'"
	run dd run s.db --plan p --clock yesterday
	assert_status 2
	assert_err_contains "--clock 'yesterday' is not a UTC timestamp"
}

t_log_shows_the_runs_the_book_holds() {
	setup
	run dd log s.db
	assert_status 0
	assert_out_contains "no runs yet"
	dd -q run s.db --plan p --seed first || true
	echo "UPDATE users SET id = 1;" >p/steps/up.sql
	run dd run s.db --plan p --seed second
	assert_status 3
	# the latest run by default, with why it stopped
	run dd log s.db
	assert_status 0
	assert_out_contains "run 2 (failed) plan engine"
	assert_out_contains "seed 'second'"
	[[ $(grep -c "^run " "$T/out") == 1 ]] || fail "more than the latest run shown"
	run dd log s.db --run 1 --json
	assert_status 0
	assert_eq "1|done|first|up,changeset" "$(jq -r '.[] | "\(.run)|\(.status)|\(.seed)|\([.log[].step] | join(","))"' "$T/out")"
	run dd log s.db --all --json
	assert_eq "1,2" "$(jq -r '[.[].run] | join(",")' "$T/out")"
	assert_eq "up" "$(jq -r '.[1].stopped_at' "$T/out")"
	run dd log s.db --run 7
	assert_status 0
	assert_out_contains "no runs yet"
	# batches show their range
	cat >p/plan.json <<'EOF2'
{"name": "engine", "sources": {"app": {"tables": ["users"]}},
 "steps": [{"name": "up", "sql": "steps/up.sql", "batch": {"table": "users", "size": 2}}]}
EOF2
	echo "UPDATE users SET email = 'b' || id WHERE id IN (SELECT key FROM dd_batch);" >p/steps/up.sql
	run dd run s.db --plan p
	assert_status 0
	run dd log s.db
	assert_out_contains "1/2"
	assert_out_contains "2/2"
	run dd log s.db --json
	assert_eq "1-2|3-3" "$(jq -r '[.[0].log[] | select(.batch) | "\(.first_key)-\(.last_key)"] | join("|")' "$T/out")"
}

run_tests
