#!/usr/bin/env bash
# Free-form date input in steps and DateStyle's field order (issue 11).
# PostgreSQL reads '01/02/03' or 'Jan 08 99' by the session's DateStyle;
# drydock's own connections SET 'ISO, YMD', so the snapshot records the
# reset value a user's session on the target gets, and a run reads step
# literals in that order.  PostgreSQL 15 is the oracle: each step runs on
# the server too (rolled back) and the values must be the same.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

SCHEMA="CREATE TABLE ev (id integer PRIMARY KEY, d date, ts timestamptz, t timestamp);
INSERT INTO ev VALUES (1, '2020-01-01', '2020-01-01 00:00+00', '2020-01-01 00:00'),
                      (2, '2021-06-30', NULL, NULL);"

setup_file() {
	pg_start || return 1
	pg_createdb us
	pg_createdb eu
	pg_createdb ymd
	pg_psql -d postgres -c "ALTER DATABASE eu SET DateStyle = 'SQL, DMY'" >/dev/null
	pg_psql -d postgres -c "ALTER DATABASE ymd SET DateStyle = 'ISO, YMD'" >/dev/null
	for db in us eu ymd; do
		pg_psql -d "$db" -c "$SCHEMA" >/dev/null
	done
}
teardown_file() { pg_stop; }

# snap DB STEP [DIALECT]: a plan with STEP as its one step, snapshotted from DB
snap() {
	mkdir -p p/steps
	printf '{"name": "ds", "sources": {"%s": {"tables": ["ev"]}},\n "steps": [{"name": "s", "sql": "steps/s.sql"%s}]}\n' \
		"$1" "${3:+, \"dialect\": \"$3\"}" >p/plan.json
	printf '%s\n' "$2" >p/steps/s.sql
	dd -q snapshot --plan p --source "$1=dbname=$1" -o s.db --force
}

# what PostgreSQL makes of STEP in a session on DB: the rows as text
pg_rows() {
	pg_psql -d "$1" -At -F '|' >"$T/pg.out" <<-SQL
		BEGIN;
		$2
		SET DateStyle = 'ISO';
		SELECT id, d, ts, t FROM ev ORDER BY id;
		ROLLBACK;
	SQL
	grep '|' "$T/pg.out"
}

dd_rows() {
	sqlite3 -separator '|' s.db "SELECT id, coalesce(d, ''), coalesce(ts, ''), coalesce(t, '') FROM ev ORDER BY id"
}

t_snapshot_records_the_servers_datestyle() {
	snap us "SELECT 1;"
	assert_eq "ISO, MDY" "$(sqlite3 s.db "SELECT value FROM dd_meta WHERE key = 'datestyle:us'")"
	snap eu "SELECT 1;"
	assert_eq "SQL, DMY" "$(sqlite3 s.db "SELECT value FROM dd_meta WHERE key = 'datestyle:eu'")"
	# values still arrive as ISO text
	assert_eq "2020-01-01" "$(sqlite3 s.db "SELECT d FROM dd_pristine__ev WHERE id = 1")"
}

t_steps_read_dates_as_a_session_on_the_target_does() {
	local step="UPDATE ev SET d = '01/02/03', ts = 'Jan 08 1999 04:05 PM', t = '8 Jan 1999 16:05:06' WHERE id = 1;
UPDATE ev SET d = 'June 1, 2020' WHERE d < 'Sat Jan 08 2000' OR id = 2;
INSERT INTO ev VALUES (3, '1999-Jan-08', 'J2451187.5', 'January 8, 1999 04:05 PM');"
	for db in us eu ymd; do
		snap "$db" "$step"
		run dd run s.db --plan p
		assert_status 0
		assert_eq "$(pg_rows "$db" "$step")" "$(dd_rows)"
	done
	# the three orders read the first date differently
	snap us "$step"
	dd -q run s.db --plan p
	assert_eq "2003-01-02" "$(sqlite3 s.db "SELECT d FROM ev WHERE id = 1")"
	snap eu "$step"
	dd -q run s.db --plan p
	assert_eq "2003-02-01" "$(sqlite3 s.db "SELECT d FROM ev WHERE id = 1")"
	snap ymd "$step"
	dd -q run s.db --plan p
	assert_eq "2001-02-03" "$(sqlite3 s.db "SELECT d FROM ev WHERE id = 1")"
	# a two-digit year after a month name is a year only in YMD
	step="UPDATE ev SET d = 'Jan 08 99' WHERE id = 1;"
	snap us "$step"
	dd -q run s.db --plan p
	assert_eq "1999-01-08" "$(sqlite3 s.db "SELECT d FROM ev WHERE id = 1")"
	snap ymd "$step"
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains 'date/time field value out of range: "Jan 08 99"'
}

t_an_error_is_postgresqls() {
	local step="UPDATE ev SET d = '13/01/1999' WHERE id = 1;"
	snap us "$step"
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains 'date/time field value out of range: "13/01/1999"'
	pg_psql -d us -c "BEGIN; $step ROLLBACK" 2>"$T/pg.err" >/dev/null || true
	assert_eq 1 "$(grep -c 'date/time field value out of range: "13/01/1999"' "$T/pg.err")"
	# in DMY it is a date
	snap eu "$step"
	run dd run s.db --plan p
	assert_status 0
	assert_eq "1999-01-13" "$(sqlite3 s.db "SELECT d FROM ev WHERE id = 1")"
}

t_a_snapshot_without_the_record_reads_only_what_every_order_reads_alike() {
	snap eu "UPDATE ev SET d = '1999-Jan-08' WHERE id = 1;"
	sqlite3 s.db "DELETE FROM dd_meta WHERE key = 'datestyle:eu'"
	run dd run s.db --plan p
	assert_status 0
	assert_eq "1999-01-08" "$(sqlite3 s.db "SELECT d FROM ev WHERE id = 1")"
	printf '%s\n' "UPDATE ev SET d = '01/02/03' WHERE id = 1;" >p/steps/s.sql
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains 'unsupported input format for type date (not iso): "01/02/03" (DateStyle'"'"'s field order decides it, and the staging file does not record the target'"'"'s: snapshot again)'
}

t_a_fixture_carries_the_datestyle_of_its_server() {
	snap eu "UPDATE ev SET d = '01/02/03' WHERE id = 1;"
	dd -q fixture export s.db -o fx
	assert_eq "SQL, DMY" "$(jq -r '.sources[0].datestyle' fx/fixture.json)"
	dd -q snapshot --plan p --fixture fx -o f.db
	dd -q run f.db --plan p
	assert_eq "2003-02-01" "$(sqlite3 f.db "SELECT d FROM ev WHERE id = 1")"
	# without one, PostgreSQL's default order: MDY
	jq 'del(.sources[0].datestyle)' fx/fixture.json >fx/f.json
	mv fx/f.json fx/fixture.json
	dd -q snapshot --plan p --fixture fx -o g.db
	assert_eq "" "$(sqlite3 g.db "SELECT value FROM dd_meta WHERE key = 'datestyle:eu'")"
	dd -q run g.db --plan p
	assert_eq "2003-01-02" "$(sqlite3 g.db "SELECT d FROM ev WHERE id = 1")"
}

t_check_refuses_pushed_text_an_order_would_decide() {
	# a SQLite-dialect step writes the text as it is: push would send it
	# to a session whose order is not the step's, so check refuses it
	snap us "UPDATE ev SET d = '01/02/03' WHERE id = 1; UPDATE ev SET t = '1999-Jan-08 04:05' WHERE id = 2;" sqlite
	run dd run s.db --plan p
	run dd check s.db
	assert_status 1
	assert_out_contains "unsupported input format for type date"
	assert_out_not_contains "timestamp"
}

run_tests
