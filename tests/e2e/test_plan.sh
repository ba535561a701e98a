#!/usr/bin/env bash
# plan.json is validated in one place against schema/plan.schema.json:
# unknown keys are errors with their JSON path and a "did you mean", and
# every error is reported at once, at snapshot and at run time.
source "$(dirname "$0")/../lib/testlib.sh"

make_fixture() {
	mkdir -p fx/app
	cat >fx/fixture.json <<'EOF2'
{"drydock_fixture": 1,
 "sources": [{"name": "app", "schema": "public", "snapshot_at": "2026-01-02T03:04:05Z", "enums": {},
   "tables": [{"name": "users", "file": "app/users.jsonl", "rows": 2,
     "columns": [{"name": "id", "type": "integer", "not_null": true}, {"name": "name", "type": "text"}],
     "constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
EOF2
	printf '%s\n' '{"id":1,"name":"a"}' '{"id":2,"name":"b"}' >fx/app/users.jsonl
}

# plan.json with EXTRA merged into the top level
make_plan() {
	mkdir -p p/steps
	echo "UPDATE users SET name = upper(name);" >p/steps/up.sql
	cat >p/plan.json <<EOF2
{"\$schema": "../schema/plan.schema.json", "name": "typos", "sources": {"app": {"tables": ["users"]}},
 "steps": [{"name": "up", "sql": "steps/up.sql"}]$1}
EOF2
}

t_valid_plan_runs() {
	make_fixture
	make_plan ''
	run dd snapshot --plan p --fixture fx -o s.db
	assert_status 0
	run dd run s.db --plan p
	assert_status 0
}

t_typo_step_is_refused_at_snapshot() {
	make_fixture
	make_plan ', "step": [{"name": "x", "sql": "steps/up.sql"}]'
	run dd snapshot --plan p --fixture fx -o s.db
	assert_status 3
	assert_err_contains "plan 'p/plan.json': step: unknown key \"step\" (did you mean \"steps\"?)"
	assert_no_file s.db
}

t_typo_gate_is_refused_at_run() {
	make_fixture
	make_plan ''
	dd -q snapshot --plan p --fixture fx -o s.db
	make_plan ', "gate": [{"table": "users", "max_deletes": 0}]'
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "gate: unknown key \"gate\" (did you mean \"gates\"?)"
	assert_eq 0 "$(sqlite3 s.db "SELECT count(*) FROM dd_run")" "a run started on a bad plan"
}

t_push_setting_typo_is_refused_at_run_not_at_push() {
	make_fixture
	make_plan ''
	dd -q snapshot --plan p --fixture fx -o s.db
	make_plan ', "push": {"lock_timout": "5s"}'
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "push.lock_timout: unknown key \"lock_timout\" (did you mean \"lock_timeout\"?)"
}

t_every_error_at_once() {
	make_fixture
	make_plan ', "gate": [], "push": {"lock_timeout": "soon", "batchsize": 10},
 "checks": [{"name": "c", "sql": "SELECT 1", "severity": "fatal"}]'
	run dd snapshot --plan p --fixture fx -o s.db
	assert_status 3
	assert_err_contains "gate: unknown key"
	assert_err_contains "push.lock_timeout: \"soon\" does not have the expected form"
	assert_err_contains "push.batchsize: unknown key \"batchsize\" (did you mean \"batch_size\"?)"
	assert_err_contains "checks[0].severity: must be one of \"error\", \"warn\"; not \"fatal\""
	assert_eq 4 "$(grep -c '^drydock: error: plan' "$T/err")" "not every error was reported"
}

t_step_dialect_is_accepted() {
	make_fixture
	make_plan ''
	sed -i 's|"sql": "steps/up.sql"}|"sql": "steps/up.sql", "dialect": "sqlite"}|' p/plan.json
	run dd snapshot --plan p --fixture fx -o s.db
	assert_status 0
	sed -i 's|"dialect": "sqlite"|"dialect": "oracle"|' p/plan.json
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "steps[0].dialect: must be one of \"sqlite\", \"postgresql\""
}

run_tests
