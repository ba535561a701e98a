#!/usr/bin/env bash
# One approval rule for approve, push and status (book_review, src/stage/book.h):
# the latest approval must be for the current change set, the latest run
# must have finished and the latest checks must be clean.  Push refuses
# before it connects, so no server is needed.
source "$(dirname "$0")/../lib/testlib.sh"

setup_stage() {
	mkdir -p fx/app p/steps
	cat >fx/fixture.json <<'EOF2'
{"drydock_fixture": 1,
 "sources": [{"name": "app", "schema": "public", "snapshot_at": "2026-01-02T03:04:05Z", "enums": {},
   "tables": [{"name": "users", "file": "app/users.jsonl", "rows": 3,
     "columns": [{"name": "id", "type": "integer", "not_null": true}, {"name": "token", "type": "uuid"}],
     "constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
EOF2
	printf '%s\n' '{"id":1,"token":null}' '{"id":2,"token":null}' '{"id":3,"token":null}' >fx/app/users.jsonl
	cat >p/plan.json <<'EOF2'
{"name": "approvals", "dialect": "sqlite", "sources": {"app": {"target": true, "tables": ["users"]}},
 "steps": [{"name": "tokens", "sql": "steps/tokens.sql"}]}
EOF2
	echo "UPDATE users SET token = gen_random_uuid();" >p/steps/tokens.sql
	dd -q snapshot --plan p --fixture fx -o s.db
}

hash_of() { sqlite3 s.db "SELECT hash FROM dd_changeset"; }

# the seed decides the UUIDs, so two seeds give two change sets
run_seed() { dd -q run s.db --plan p --seed "$1"; }

push_refused() {
	run dd push s.db --target "host=/nonexistent dbname=none" --yes
	assert_status 3
}

t_approve_a_then_b_then_back_to_a() {
	setup_stage
	local a b
	run_seed one
	a=$(hash_of)
	dd -q approve s.db --by Ann
	run_seed two
	b=$(hash_of)
	[[ $a != "$b" ]] || fail "two seeds gave one change set"
	dd -q approve s.db --by Bob
	run_seed one
	assert_eq "$a" "$(hash_of)" "the rerun did not give change set A back"
	# the latest approval is Bob's, of B: A is not approved, and everyone says so
	run dd status s.db
	assert_status 0
	assert_out_contains "not approved (the latest approval, by Bob"
	assert_out_not_contains "approved by Ann"
	run dd status s.db --json
	assert_eq "" "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/out'), '\$.changeset.approval.by')")"
	push_refused
	assert_err_contains "the approval of 's.db' is void"
	assert_err_contains "Bob approved ${b:0:16}"
	run dd report s.db -o r
	assert_eq "false|false|Bob" "$(jq -r '[.context.approval.current, .context.approval.valid, .context.approval.approved_by] | join("|")' r/report.json)"
	# approving A again makes it the latest approval: all agree again
	dd -q approve s.db --by Ann
	run dd status s.db
	assert_out_contains "approved by Ann"
	run dd status s.db --json
	assert_eq "Ann" "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/out'), '\$.changeset.approval.by')")"
	run dd plan s.db
	assert_status 0
	assert_out_not_contains "not approved yet"
}

t_approve_and_push_need_a_finished_run() {
	setup_stage
	run_seed one
	dd -q approve s.db --by Ann
	# a rerun that fails leaves the change set of the earlier run on file
	echo "UPDATE nosuch SET x = 1;" >p/steps/tokens.sql
	run dd run s.db --plan p --seed one
	assert_status 3
	run dd status s.db
	assert_out_contains "not approved (approved by Ann"
	push_refused
	assert_err_contains "the latest run of 's.db' did not finish (failed)"
	run dd approve s.db --by Bob
	assert_status 3
	assert_err_contains "the latest run of 's.db' did not finish (failed)"
	assert_eq 1 "$(sqlite3 s.db "SELECT count(*) FROM dd_approval")" "a refused approval was recorded"
}

t_push_refuses_what_status_calls_unapproved() {
	setup_stage
	run_seed one
	run dd status s.db
	assert_out_contains "not approved"
	push_refused
	assert_err_contains "is not approved"
}

run_tests
