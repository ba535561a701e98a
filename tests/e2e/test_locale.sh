#!/usr/bin/env bash
# to_char and to_number print D, G and S with lc_numeric's characters
# (issue 11).  drydock prints the C locale's ('.', ',', '+'/'-'), so the
# snapshot records the target's lc_numeric as a user's session gets it,
# and a step using D, G or S on a target with another locale is refused
# before it runs (this machine has only C locales: the other locale comes
# through a fixture, whose fixture.json says which).  PostgreSQL 15 is the
# oracle for what runs.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app -c "CREATE TABLE m (id integer PRIMARY KEY, amount numeric(10,2), label text);
		INSERT INTO m VALUES (1, 1234.5, NULL), (2, -7.25, NULL);" >/dev/null
}
teardown_file() { pg_stop; }

# snap STEP: a plan with STEP as its one step, snapshotted from app
snap() {
	mkdir -p p/steps
	printf '{"name": "loc", "sources": {"app": {"tables": ["m"]}},\n "steps": [{"name": "s", "sql": "steps/s.sql"}]}\n' >p/plan.json
	printf '%s\n' "$1" >p/steps/s.sql
	dd -q snapshot --plan p --source "dbname=app" -o s.db --force
}

# labels DB: m's labels in id order, '|'-separated
labels() { sqlite3 "$1" "SELECT group_concat(label, '|') FROM (SELECT label FROM m ORDER BY id)"; }

STEP="UPDATE m SET label = to_char(amount, 'S9G999D99');"

t_snapshot_records_lc_numeric_and_a_c_target_runs_d_g_s() {
	snap "$STEP"
	assert_eq "C" "$(sqlite3 s.db "SELECT value FROM dd_meta WHERE key = 'lc_numeric:app'")"
	run dd run s.db --plan p
	assert_status 0
	assert_eq "$(pg_psql -d app -At -c "BEGIN; $STEP SELECT label FROM m ORDER BY id; ROLLBACK" | grep -v '^\(BEGIN\|UPDATE\|ROLLBACK\)')" \
		"$(sqlite3 s.db "SELECT label FROM m ORDER BY id")"
}

t_a_file_without_the_targets_lc_numeric_refuses_d_g_s() {
	snap "$STEP"
	sqlite3 s.db "DELETE FROM dd_meta WHERE key = 'lc_numeric:app'"
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "steps/s.sql:1:38: to_char uses D, G or S: the staging file does not record the target's lc_numeric (snapshot again)"
	# '.' and ',' are the same characters in every locale
	printf '%s\n' "UPDATE m SET label = to_char(amount, 'FM9,999.99');" >p/steps/s.sql
	run dd run s.db --plan p
	assert_status 0
	assert_eq "1,234.5|-7.25" "$(labels s.db)"
}

t_a_fixture_from_another_locale_refuses_d_g_s_and_runs_the_rest() {
	snap "$STEP"
	dd -q fixture export s.db -o fx
	assert_eq "C" "$(jq -r '.sources[0].lc_numeric' fx/fixture.json)"
	jq '.sources[0].lc_numeric = "de_DE.UTF-8"' fx/fixture.json >fx/f.json
	mv fx/f.json fx/fixture.json
	dd -q snapshot --plan p --fixture fx -o f.db
	run dd run f.db --plan p
	assert_status 3
	assert_err_contains "to_char uses D, G or S: the target's lc_numeric is \"de_DE.UTF-8\""
	assert_err_contains "hint: write '.' and ','"
	# a template from a column could hold D: refused too
	printf '%s\n' "UPDATE m SET label = to_char(amount, coalesce(label, '999.99'));" >p/steps/s.sql
	run dd run f.db --plan p
	assert_status 3
	assert_err_contains "to_char uses D, G or S"
	# quoted text and the fixed characters run
	printf '%s\n' "UPDATE m SET label = to_char(amount, 'FM\"Sum: \"9,999.99MI') || to_char(amount, 'SG9');" >p/steps/s.sql
	run dd run f.db --plan p
	assert_status 0
	assert_eq "Sum: 1,234.5+#|Sum: 7.25--7" "$(labels f.db)"
	assert_eq "$(pg_psql -d app -At -c "SELECT string_agg(to_char(amount, 'FM\"Sum: \"9,999.99MI') || to_char(amount, 'SG9'), '|' ORDER BY id) FROM m")" \
		"$(labels f.db)"
	# without lc_numeric a fixture is C (fixture-format.md)
	jq 'del(.sources[0].lc_numeric)' fx/fixture.json >fx/f.json
	mv fx/f.json fx/fixture.json
	printf '%s\n' "$STEP" >p/steps/s.sql
	dd -q snapshot --plan p --fixture fx -o g.db
	run dd run g.db --plan p
	assert_status 0
}

run_tests
