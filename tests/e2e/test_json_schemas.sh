#!/usr/bin/env bash
# --json outputs: every command's JSON on stdout matches its documented
# shape (schema/json/COMMAND.schema.json, checked with drydock's own JSON
# Schema validator), in success and failure states; stdout carries the
# JSON alone and stderr one JSON object a line (errors, details, hints).
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

JSONCHECK=$REPO/build/jsoncheck

setup_file() {
	[[ -x $JSONCHECK ]] || { echo "no $JSONCHECK: run make"; return 1; }
	pg_start || return 1
	pg_createdb app
	pg_psql -q -d app <<-'SQL'
		CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE, doc jsonb);
		INSERT INTO users SELECT g, 'u' || g || '@x', '{"a": 1}' FROM generate_series(1, 5) g;
	SQL
}
teardown_file() { pg_stop; }

# conforms COMMAND FILE...: each file is one JSON value of COMMAND's shape
conforms() {
	local cmd=$1
	shift
	run "$JSONCHECK" "$REPO/schema/json/$cmd.schema.json" "$@"
	[[ $status == 0 ]] || fail "$cmd --json does not match schema/json/$cmd.schema.json: $(cat "$T/out" "$T/err")"
}

plan() {
	mkdir -p p
	cat >p/plan.json <<-'JSON'
		{"name": "j", "sources": {"app": {"tables": ["users"]}},
		 "schema_changes": [{"op": "add_column", "table": "users", "column": "n", "type": "int", "nullable": true}],
		 "steps": [{"name": "s", "sql": "s.sql"}],
		 "checks": [{"name": "c", "severity": "warn", "sql": "SELECT id FROM users WHERE id = 2"}]}
	JSON
	echo "UPDATE users SET email = upper(email), n = 3 WHERE id < 3; DELETE FROM users WHERE id = 5; INSERT INTO users VALUES (9, 'n@x');" >p/s.sql
}

t_every_command_matches_its_schema() {
	pg_psql -q -d postgres -c "CREATE DATABASE j1 TEMPLATE app STRATEGY FILE_COPY"
	plan
	dd snapshot --plan p -d j1 -o s.db --json >snapshot.json
	dd status s.db --json >status1.json
	dd validate p --stage s.db --json >validate.json
	dd run s.db --plan p --json --no-check >run1.json
	dd run s.db --plan p --json >run2.json
	dd log s.db --json --all >log.json
	dd changes s.db --json >changes.json
	dd check s.db --json --all >check.json
	dd approve s.db --by Ann --note "looks right" --json >approve.json
	dd status s.db --json >status2.json
	dd report s.db -o r >/dev/null 2>&1
	cp r/report.json a.json
	jq '.comparable.plan.name = "other"' a.json >b.json
	run dd diff a.json b.json --json
	assert_status 1
	cp "$T/out" diff.json
	dd drift s.db -d j1 --json >drift.json
	dd push s.db -d j1 --yes --json >push.json
	dd history -d j1 --json >history1.json
	dd rollback s.db -d j1 --yes --json --where "users.id = 1" >rollback.json
	dd history -d j1 --json >history2.json
	for c in snapshot validate log changes check approve drift push rollback; do
		conforms "$c" "$c.json"
	done
	conforms status status1.json status2.json
	conforms run run1.json run2.json
	conforms diff diff.json
	conforms history history1.json history2.json
	assert_eq "applied|rolled_back|2" "$(jq -r '[.outcome] | join("")' push.json)|$(jq -r .outcome rollback.json)|$(jq length history2.json)"
}

t_failures_match_too_and_stdout_is_json_alone() {
	pg_psql -q -d postgres -c "CREATE DATABASE j2 TEMPLATE app STRATEGY FILE_COPY"
	plan
	dd -q snapshot --plan p -d j2 -o s.db
	dd -q run s.db --plan p
	dd -q approve s.db --by Ann
	# drift: refused before anything is sent
	pg_psql -q -d j2 -c "ALTER TABLE users ALTER COLUMN doc TYPE json"
	run dd drift s.db -d j2 --json
	assert_status 1
	cp "$T/out" drift.json
	run dd push s.db -d j2 --yes --json
	assert_status 3
	cp "$T/out" refused.json
	assert_eq "refused" "$(jq -r .outcome refused.json)"
	# stderr: one JSON object a line, the drift's error and details
	jq -e -s 'length > 2 and all(.[]; (.level | type) == "string" and (.message | type) == "string")' "$T/err" >/dev/null ||
		fail "stderr is not JSON lines: $(cat "$T/err")"
	assert_eq "error|the target's schema differs from the snapshot's: 1 difference; nothing was sent" \
		"$(jq -r -s '.[0] | "\(.level)|\(.message)"' "$T/err")"
	assert_eq "detail|table users: column 'doc' is json, the snapshot's was jsonb" \
		"$(jq -r -s '.[1] | "\(.level)|\(.message)"' "$T/err")"
	# a conflict: the listing (in the JSON) is not printed, the JSON alone on stdout
	pg_psql -q -d j2 -c "ALTER TABLE users ALTER COLUMN doc TYPE jsonb; UPDATE users SET email = 'changed' WHERE id = 1"
	run dd push s.db -d j2 --yes --json
	assert_status 1
	cp "$T/out" conflict.json
	assert_eq "conflict|1" "$(jq -r '[.outcome, (.conflicts | tostring)] | join("|")' conflict.json)"
	assert_eq "error|1 conflict: the target changed since the snapshot" "$(jq -r -s '.[0] | "\(.level)|\(.message)"' "$T/err")"
	assert_err_not_contains "expected 'u1@x'"
	run dd drift s.db -d no_such_database --json
	assert_status 3
	cp "$T/out" drift_error.json
	conforms drift drift.json drift_error.json
	conforms push refused.json conflict.json
}

run_tests
