#!/usr/bin/env bash
# Sequences (issue 12): snapshot records every sequence a target column
# takes values from (a default's nextval, serial/OWNED BY, identity) with
# its state; a fixture carries them; runs draw from a per-run copy with
# PostgreSQL's nextval/currval/setval rules, so values match the server's.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb shop
	pg_psql -d shop -f "$REPO/tests/pgdiff/shop.schema.sql" >/dev/null
	pg_psql -d shop <<-'SQL'
		CREATE SEQUENCE unused_seq;
		CREATE SEQUENCE "Odd Seq" INCREMENT -2 MINVALUE -5 MAXVALUE 3 START 3;
		CREATE SEQUENCE tiny_seq MAXVALUE 2;
		CREATE TABLE odd (id integer PRIMARY KEY DEFAULT nextval('"Odd Seq"'),
		    t integer DEFAULT nextval('tiny_seq'));
		SELECT nextval('tiny_seq');
	SQL
	PLAN=$T/plan
	mkdir -p "$PLAN"
	cat >"$PLAN/plan.json" <<-'JSON'
		{"name": "seq", "dialect": "sqlite", "sources": {"db": {"tables": ["customers", "orders", "order_lines", "audit", "odd"]}},
		 "steps": [{"name": "s", "sql": "s.sql"}]}
	JSON
	: >"$PLAN/s.sql"
	dd -q snapshot --plan "$PLAN" -o "$T/s.db" --source "dbname=shop"
	export PLAN SDB=$T/s.db
}
teardown_file() { pg_stop; }

seqs() { sqlite3 "$1" "SELECT schema || '.' || name || ' ' || last_value || ' ' || is_called || ' ' || increment || ' ' || min_value || ' ' || max_value || ' ' || start_value || ' ' || cycle FROM dd_sequence ORDER BY name"; }

t_snapshot_records_the_sequences_of_defaults_serial_and_identity() {
	assert_eq "public.Odd Seq 3 0 -2 -5 3 3 0
public.audit_id_seq 1000 1 1 1 9223372036854775807 1000 0
public.customers_id_seq 5 1 1 1 2147483647 1 0
public.line_seq 140 1 10 1 9223372036854775807 100 0
public.orders_id_seq 5 1 1 1 2147483647 1 0
public.tiny_seq 1 1 1 1 2 1 0" "$(seqs "$SDB")"
}

t_fixture_carries_the_sequences() {
	dd -q fixture export "$SDB" -o fx
	grep -q '"sequences"' fx/fixture.json || fail "no sequences in the manifest"
	dd -q snapshot --plan "$PLAN" --fixture fx -o f.db
	assert_eq "$(seqs "$SDB")" "$(seqs f.db)" "sequences after a fixture round trip"
	dd -q fixture export f.db -o fx2
	cmp fx/fixture.json fx2/fixture.json || fail "manifest changed on a second export"
}

# draws STEP_SQL: run a step and print what it stored in audit.what
draws() {
	cp "$SDB" d.db
	printf '%s\n' "$1" >"$PLAN/s.sql"
	run dd -q run d.db --plan "$PLAN" --no-check
}

t_nextval_gives_what_postgresql_gives() {
	# one value per statement: SQLite does not promise an order of evaluation
	# of the columns of a row, PostgreSQL evaluates left to right
	local calls=(
		"nextval('line_seq')" "nextval('customers_id_seq')" "currval('line_seq')"
		"nextval('public.line_seq')" "nextval('\"Odd Seq\"')" "nextval('\"Odd Seq\"')"
		"nextval('\"Odd Seq\"')" "setval('orders_id_seq', 41)" "nextval('ORDERS_ID_SEQ')"
		"setval('line_seq', 7, false)" "nextval('line_seq')" "nextval('line_seq')"
		"nextval('audit_id_seq')" "nextval('tiny_seq')"
	) c step="CREATE TABLE got (n INTEGER PRIMARY KEY, v);" expected
	for c in "${calls[@]}"; do
		step+=" INSERT INTO got (v) VALUES (pg_${c/false/0});"
	done
	draws "$step"
	assert_status 0
	# the same calls, by PostgreSQL, on a copy
	pg_psql -d postgres -c "CREATE DATABASE shop2 TEMPLATE shop STRATEGY FILE_COPY"
	expected=$(for c in "${calls[@]}"; do echo "SELECT $c;"; done | pg_psql -At -d shop2)
	assert_eq "$expected" "$(sqlite3 d.db "SELECT v FROM got ORDER BY n")"
}

t_sequence_errors_read_like_postgresql() {
	draws "SELECT pg_nextval('tiny_seq'), pg_nextval('tiny_seq');"
	assert_status 3
	assert_err_contains 'nextval: reached maximum value of sequence "tiny_seq" (2)'
	draws "SELECT pg_nextval('unused_seq');"
	assert_status 3
	assert_err_contains 'relation "unused_seq" does not exist'
	draws "SELECT pg_currval('line_seq');"
	assert_status 3
	assert_err_contains 'currval of sequence "line_seq" is not yet defined in this session'
	draws "SELECT pg_setval('\"Odd Seq\"', 4);"
	assert_status 3
	assert_err_contains 'setval: value 4 is out of bounds for sequence "Odd Seq" (-5..3)'
}

t_every_run_starts_from_the_snapshot_state() {
	draws "INSERT INTO audit (id, at, what) VALUES (pg_nextval('line_seq'), '2024-01-01', 'x');"
	assert_status 0
	run dd -q run d.db --plan "$PLAN" --no-check
	assert_status 0
	assert_eq "150" "$(sqlite3 d.db "SELECT id FROM audit WHERE what = 'x'")" "a second run draws the same value"
	assert_eq "150 1" "$(sqlite3 d.db "SELECT last_value || ' ' || is_called FROM dd_sequence_state WHERE name = 'line_seq'")"
	assert_eq "140 1" "$(sqlite3 d.db "SELECT last_value || ' ' || is_called FROM dd_sequence WHERE name = 'line_seq'")" "the snapshot's state never changes"
}

run_tests
