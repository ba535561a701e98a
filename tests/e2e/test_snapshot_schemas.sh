#!/usr/bin/env bash
# Schemas as real databases have them (issue 12): every refused table
# reported in one snapshot; partitioned tables snapshotted through the
# parent and pushed through it; generated columns; tables without a
# primary key.  PostgreSQL 15 is the oracle for every row compared.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app <<-'SQL' >/dev/null
		CREATE TABLE customer (id int PRIMARY KEY, name text NOT NULL);
		INSERT INTO customer VALUES (1, 'Ann'), (2, 'Bob');
		CREATE TABLE payment (id int, paid_on date NOT NULL, customer_id int REFERENCES customer,
		    amount numeric(8,2), PRIMARY KEY (id, paid_on)) PARTITION BY RANGE (paid_on);
		CREATE TABLE payment_2024 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
		CREATE TABLE payment_2025 PARTITION OF payment FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
		    PARTITION BY RANGE (paid_on);
		CREATE TABLE payment_2025_h1 PARTITION OF payment_2025 FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');
		CREATE TABLE payment_2025_rest PARTITION OF payment_2025 DEFAULT;
		INSERT INTO payment VALUES (1, '2024-03-01', 1, 10.50), (2, '2024-07-01', 2, 3.00),
		    (3, '2025-02-01', 1, 7.25), (4, '2025-02-02', 2, 1.00), (5, '2025-12-31', 2, 2.00);
		CREATE VIEW recent AS SELECT * FROM payment WHERE paid_on > '2025-01-01';
		CREATE SEQUENCE lonely_seq;
	SQL
}
teardown_file() { pg_stop; }

APP() { echo "dbname=app"; }

plan() { # plan JSON [STEP_SQL]
	mkdir -p p
	printf '%s\n' "$1" >p/plan.json
	if [[ $# -gt 1 ]]; then printf '%s\n' "$2" >p/s.sql; fi
}

# ------------------------------------------------------- all refusals at once

t_every_refused_table_is_reported_in_one_run() {
	plan '{"name": "x", "sources": {"app": {"tables": ["customer", "nosuch", "recent", "payment",
		"payment_2025_h1", "lonely_seq", "payment_2024"]}}}'
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 3
	assert_err_contains "drydock: error: table 'public.nosuch' does not exist in source 'app'"
	assert_err_contains "drydock: error: 'public.recent' in source 'app' is not a table"
	assert_err_contains "drydock: error: 'public.lonely_seq' in source 'app' is not a table"
	assert_err_contains "drydock: error: table 'public.payment_2025_h1' is a partition of 'public.payment', which the plan also lists"
	assert_err_contains "drydock: error: table 'public.payment_2024' is a partition of 'public.payment', which the plan also lists"
	assert_err_contains "hint: List only 'payment' under sources.app.tables (its partitions come with it), or only the partition."
	assert_err_contains "drydock: error: cannot snapshot 5 tables of the plan (above); nothing was written"
	# each refusal has its own error line, then its detail and hint lines
	assert_eq 6 "$(grep -c '^drydock: error:' "$T/err")" "error lines"
	assert_eq 5 "$(grep -c '^hint:' "$T/err")" "hint lines"
	assert_no_file s.db
	assert_no_file s.db.tmp
	# a fixture missing tables: every one reported too
	plan '{"name": "x", "sources": {"app": {"tables": ["customer"]}}}'
	dd -q snapshot --plan p --source "$(APP)" -o ok.db
	dd -q fixture export ok.db -o fx
	plan '{"name": "x", "sources": {"app": {"tables": ["customer", "gone1", "gone2"]}}}'
	run dd snapshot --plan p --fixture fx -o f.db
	assert_status 3
	assert_err_contains "drydock: error: table 'gone1' is not in fixture 'fx' (source 'app')"
	assert_err_contains "drydock: error: table 'gone2' is not in fixture 'fx' (source 'app')"
	assert_err_contains "cannot snapshot 2 tables of the plan (above); nothing was written"
	assert_no_file f.db
	assert_no_file f.db.tmp
}

run_tests
