#!/usr/bin/env bash
# drydock validate: a plan checked without running anything.  Without a
# staging file: plan.json, the files it names, and the syntax of every
# PostgreSQL SQL text (all errors at once, FILE:LINE:COL).  With --stage:
# also names and types against the snapshot, as run checks them before its
# first step; the staging file is only read.
source "$(dirname "$0")/../lib/testlib.sh"

copy_plan() {
	cp -r "$REPO/examples/avatars" plan
}

t_examples_and_a_new_plan_are_valid() {
	for p in "$REPO"/examples/*/plan.json; do
		run dd validate "$(dirname "$p")"
		assert_status 0
		assert_err_contains "is valid"
	done
	dd -q init fresh --source app --table users
	cd fresh
	run dd validate
	assert_status 0
	assert_err_contains "drydock: plan . is valid"
}

t_every_syntax_error_is_reported_with_its_place() {
	copy_plan
	printf -- '-- repoint\nUPDATE posts\n   SET avatar_id = FORM users;\n' >plan/steps/03_repoint_posts.sql
	echo "SELECT id FROM users WHERE active_avatar_id IS NUL" >plan/checks/users_without_active_avatar.sql
	run dd validate plan
	assert_status 1
	assert_err_contains "drydock: error: plan/steps/03_repoint_posts.sql:3:25: syntax error at or near \"users\""
	assert_err_contains "detail:    SET avatar_id = FORM users;"
	assert_err_contains "checks/users_without_active_avatar.sql:1:48: syntax error at or near \"NUL\""
	assert_err_not_contains "is valid"
	run dd validate plan --json
	assert_status 1
	assert_eq "false|false|1" "$(jq -r '[.ok, .valid, .exit_code] | join("|")' "$T/out")"
}

t_a_gate_where_is_one_expression() {
	copy_plan
	jq '.gates[0].where = "email LIKE"' plan/plan.json >p.json && mv p.json plan/plan.json
	run dd validate plan
	assert_status 1
	assert_err_contains "gate 'no users deleted' where:1:11: syntax error at end of input"
}

t_plan_errors_and_missing_files() {
	copy_plan
	jq '.step = .steps | .steps[1].sql = "steps/nope.sql"' plan/plan.json >p.json && mv p.json plan/plan.json
	run dd validate plan
	assert_status 1
	assert_err_contains "unknown key"
	jq 'del(.step)' plan/plan.json >p.json && mv p.json plan/plan.json
	run dd validate plan
	assert_status 1
	assert_err_contains "step 'activate' names file 'plan/steps/nope.sql', which cannot be read"
}

t_stage_compiles_against_the_snapshot_and_only_reads_it() {
	copy_plan
	dd -q snapshot --plan plan --fixture "$REPO/fixtures/avatars" -o s.db
	before=$(md5sum <s.db)
	run dd validate plan --stage s.db
	assert_status 0
	assert_err_contains "is valid against the snapshot"
	# parses, but names a column the snapshot's users do not have
	echo "UPDATE users SET nickname = 'x' WHERE dd_batch(id);" >plan/steps/02_activate.sql
	run dd validate plan
	assert_status 0
	run dd validate plan --stage s.db
	assert_status 1
	assert_err_contains "steps/02_activate.sql:1:18: column \"nickname\" of relation \"users\" does not exist"
	assert_err_contains "step 'activate' is refused before anything runs"
	assert_eq "$before" "$(md5sum <s.db)"
	assert_eq 0 "$(sqlite3 s.db "SELECT count(*) FROM dd_run")"
}

run_tests
