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
		CREATE TABLE reading (id int, sensor int, v numeric, PRIMARY KEY (id, sensor)) PARTITION BY LIST (sensor);
		CREATE TABLE reading_low PARTITION OF reading FOR VALUES IN (1, 2);
		CREATE TABLE reading_mid PARTITION OF reading FOR VALUES IN (3) ;
		INSERT INTO reading VALUES (1, 1, 0.5), (2, 3, 1.5);
		CREATE VIEW recent AS SELECT * FROM payment WHERE paid_on > '2025-01-01';
		CREATE SEQUENCE lonely_seq;
		CREATE TABLE item (id int PRIMARY KEY, name text, price numeric(8,2) NOT NULL, qty int NOT NULL,
		    total numeric(10,2) GENERATED ALWAYS AS (price * qty) STORED,
		    label text NOT NULL GENERATED ALWAYS AS (upper(coalesce(name, '?')) || ' x' || qty::text) STORED);
		INSERT INTO item (id, name, price, qty) VALUES (1, 'cup', 3.10, 2), (2, NULL, 0.99, 10);
		CREATE TABLE event_log (at timestamptz NOT NULL, kind text, n int);
		INSERT INTO event_log VALUES ('2025-01-02 11:00+00', 'b', NULL), ('2025-01-01 10:00+00', 'a', 1),
		    ('2025-01-01 10:00+00', 'a', 1);
		CREATE TABLE ukey (a int NOT NULL, b int NOT NULL, c int, d text NOT NULL);
		CREATE UNIQUE INDEX ukey_z_ab ON ukey (a, b);
		CREATE UNIQUE INDEX ukey_y_d ON ukey (d);
		CREATE UNIQUE INDEX ukey_a_lower_d ON ukey (lower(d));
		CREATE UNIQUE INDEX ukey_a_c ON ukey (c);
		CREATE UNIQUE INDEX ukey_a_part ON ukey (a) WHERE b > 0;
		CREATE UNIQUE INDEX ukey_u_b_inc ON ukey (b) INCLUDE (c);
		INSERT INTO ukey VALUES (1, 1, NULL, 'x'), (2, 2, 5, 'y');
		CREATE TABLE tag (code text NOT NULL, lang text NOT NULL, label text);
		INSERT INTO tag VALUES ('red', 'en', 'Red'), ('red', 'fr', 'Rouge'), ('blue', 'en', 'Blue');
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

# ------------------------------------------------------------- partitions

# rows DB QUERY: the rows PostgreSQL holds, one per line
rows() { pg_psql -d "$1" -At -c "$2"; }

PAYMENT_ROWS="SELECT tableoid::regclass, id, paid_on, customer_id, amount FROM payment ORDER BY id, paid_on"

t_partitioned_parent_is_snapshotted_and_pushed_through_the_parent() {
	local step="UPDATE payment SET amount = amount * 2 WHERE id = 1;
UPDATE payment SET paid_on = '2025-09-09' WHERE id = 2;
INSERT INTO payment VALUES (6, '2024-12-31', 1, 4.40), (7, '2025-03-03', 2, 0.10);
DELETE FROM payment WHERE id = 4;"
	plan '{"name": "pay", "sources": {"app": {"tables": ["customer", "payment"]}},
		"steps": [{"name": "s", "sql": "s.sql"}]}' "$step"
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 0
	assert_err_contains "app.payment: 5 rows"
	# one staged table holding every partition's rows, none per partition
	assert_eq 5 "$(sqlite3 s.db 'SELECT count(*) FROM dd_pristine__payment')"
	assert_eq "customer payment" "$(sqlite3 s.db "SELECT group_concat(name, ' ') FROM (SELECT name FROM dd_table ORDER BY name)")"
	assert_eq 1 "$(sqlite3 s.db "SELECT partitioned FROM dd_table WHERE name = 'payment'")"
	run dd run s.db --plan p
	assert_status 0
	run dd changes s.db --table payment
	assert_status 0
	dd -q approve s.db --by Ann
	pg_psql -d postgres -c "CREATE DATABASE pay_target TEMPLATE app STRATEGY FILE_COPY" -c "CREATE DATABASE pay_oracle TEMPLATE app STRATEGY FILE_COPY" >/dev/null
	run dd push s.db --target "dbname=pay_target" --yes
	assert_status 0
	# PostgreSQL routed every row: the same statements on a copy give the same partitions
	pg_psql -d pay_oracle -c "$step" >/dev/null
	assert_eq "$(rows pay_oracle "$PAYMENT_ROWS")" "$(rows pay_target "$PAYMENT_ROWS")"
	assert_eq "payment_2025_rest|2|2025-09-09|2|3.00" "$(rows pay_target "$PAYMENT_ROWS" | grep '|2|2025')"
	# and back
	run dd rollback s.db --target "dbname=pay_target" --yes
	assert_status 0
	assert_eq "$(rows app "$PAYMENT_ROWS")" "$(rows pay_target "$PAYMENT_ROWS")"
}

t_partition_listed_alone_is_a_table() {
	plan '{"name": "pay", "sources": {"app": {"tables": ["payment_2024"]}}}'
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 0
	assert_err_contains "app.payment_2024: 2 rows"
	assert_eq "1 2" "$(sqlite3 s.db "SELECT group_concat(id, ' ') FROM (SELECT id FROM dd_pristine__payment_2024 ORDER BY id)")"
	assert_eq 0 "$(sqlite3 s.db "SELECT partitioned FROM dd_table")"
}

t_row_outside_every_partition_is_caught_offline() {
	plan '{"name": "r", "sources": {"app": {"tables": ["reading"]}},
		"steps": [{"name": "s", "sql": "s.sql"}]}' "INSERT INTO reading VALUES (9, 7, 1), (10, 2, 2);
UPDATE reading SET sensor = 4 WHERE id = 2;"
	dd -q snapshot --plan p --source "$(APP)" -o s.db
	# the bounds, as PostgreSQL states them for each leaf partition
	assert_eq 1 "$(sqlite3 s.db "SELECT count(*) FROM dd_constraint WHERE name = 'reading_partition_bounds' AND kind = 'c'")"
	run dd run s.db --plan p
	assert_status 1
	assert_out_contains "check reading_partition_bounds"
	assert_out_matches "error +fail +2  "
	assert_out_contains "2 rows violate CHECK"
	assert_out_contains "(2, 4), (9, 7)"
	run dd approve s.db --by Ann
	assert_status 1
	# PostgreSQL agrees: both rows fit no partition
	pg_psql -d postgres -c "CREATE DATABASE r_oracle TEMPLATE app STRATEGY FILE_COPY" >/dev/null
	run pg_psql -d r_oracle -c "INSERT INTO reading VALUES (9, 7, 1)"
	assert_err_contains 'no partition of relation "reading" found for row'
	run pg_psql -d r_oracle -c "UPDATE reading SET sensor = 4 WHERE id = 2"
	assert_err_contains 'no partition of relation "reading" found for row'
}

t_row_outside_a_date_partition_fails_offline() {
	# date bounds are compiled by the PostgreSQL-SQL compiler
	plan '{"name": "pay", "sources": {"app": {"tables": ["customer", "payment"]}},
		"steps": [{"name": "s", "sql": "s.sql"}]}' "INSERT INTO payment VALUES (9, '2031-01-01', 1, 1.00), (10, '2024-12-31', 1, 1.00);"
	dd -q snapshot --plan p --source "$(APP)" -o s.db
	run dd run s.db --plan p
	assert_status 1
	assert_out_matches "check payment_partition_bounds +error +fail +1  \(9, 2031-01-01\)"
	run dd approve s.db --by Ann
	assert_status 1
	pg_psql -d postgres -c "CREATE DATABASE date_oracle TEMPLATE app STRATEGY FILE_COPY" >/dev/null
	run pg_psql -d date_oracle -c "INSERT INTO payment VALUES (9, '2031-01-01', 1, 1.00)"
	assert_err_contains 'no partition of relation "payment" found for row'
	run pg_psql -d date_oracle -c "INSERT INTO payment VALUES (10, '2024-12-31', 1, 1.00)"
	assert_status 0
}

t_row_outside_the_targets_partitions_is_refused_at_push() {
	# the snapshot's source has a default partition the target lacks
	plan '{"name": "pay", "sources": {"app": {"tables": ["customer", "payment"]}},
		"steps": [{"name": "s", "sql": "s.sql"}]}' "INSERT INTO payment VALUES (9, '2025-10-10', 1, 1.00);"
	dd -q snapshot --plan p --source "$(APP)" -o s.db
	run dd run s.db --plan p
	assert_status 0
	dd -q approve s.db --by Ann
	pg_psql -d postgres -c "CREATE DATABASE out_target TEMPLATE app STRATEGY FILE_COPY" >/dev/null
	pg_psql -d out_target -c "ALTER TABLE payment_2025 DETACH PARTITION payment_2025_rest" >/dev/null
	run dd push s.db --target "dbname=out_target" --yes
	assert_status 3
	assert_err_contains 'no partition of relation "payment_2025" found for row'
	assert_err_contains "hint: A row the change set writes fits no partition of the table"
	assert_eq 4 "$(rows out_target 'SELECT count(*) FROM payment')"
}

# ------------------------------------------------------- generated columns

ITEM_ROWS="SELECT id, name, price, qty, total, label FROM item ORDER BY id"

item_plan() { # STEP_SQL
	plan '{"name": "gen", "sources": {"app": {"tables": ["item"]}},
		"steps": [{"name": "s", "sql": "s.sql"}]}' "$1"
}

# pg_refusal SQL: PostgreSQL's own error for a statement, on a throwaway copy
pg_refusal() {
	pg_psql -d postgres -c "DROP DATABASE IF EXISTS gen_oracle" -c "CREATE DATABASE gen_oracle TEMPLATE app STRATEGY FILE_COPY" >/dev/null
	{ pg_psql -d gen_oracle -c "$1" 2>&1 >/dev/null || true; } | sed -n 's/^.*ERROR:  //p'
}

t_generated_columns_are_snapshotted_with_their_expression() {
	item_plan "CREATE TABLE got AS SELECT id, total, label FROM item;"
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 0
	assert_eq "$(rows app "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'item'::regclass ORDER BY adnum")" \
		"$(sqlite3 s.db "SELECT generated FROM dd_column WHERE tbl = 'item' AND generated IS NOT NULL ORDER BY ordinal")"
	assert_eq 0 "$(sqlite3 s.db "SELECT count(*) FROM dd_column WHERE tbl = 'item' AND default_expr IS NOT NULL")"
	# readable in steps, with PostgreSQL's values
	run dd run s.db --plan p
	assert_status 0
	assert_eq "$(rows app "SELECT id, total, label FROM item ORDER BY id")" \
		"$(sqlite3 -separator '|' s.db 'SELECT id, total, label FROM got ORDER BY id')"
	# a fixture carries the expression
	dd -q fixture export s.db -o fx
	dd -q snapshot --plan p --fixture fx -o f.db
	assert_eq "$(sqlite3 s.db "SELECT name, generated FROM dd_column WHERE tbl = 'item'")" \
		"$(sqlite3 f.db "SELECT name, generated FROM dd_column WHERE tbl = 'item'")"
}

t_a_step_writing_a_generated_column_is_refused_as_postgresql_refuses_it() {
	local sql msg
	for sql in "UPDATE item SET total = 1 WHERE id = 1;" \
		"INSERT INTO item (id, price, qty, total) VALUES (5, 1, 1, 1);" \
		"INSERT INTO item VALUES (5, 'x', 1, 1, 1, 'x');"; do
		msg=$(pg_refusal "$sql")
		[[ -n $msg ]] || fail "PostgreSQL accepted: $sql"
		item_plan "$sql"
		dd -q snapshot --plan p --source "$(APP)" -o s.db --force
		run dd run s.db --plan p
		assert_status 3
		assert_err_contains "$msg"
		assert_err_contains "is a generated column"
	done
}

t_generated_columns_are_recomputed_offline_and_never_pushed() {
	local step="UPDATE item SET qty = qty + 1 WHERE id = 1;
UPDATE item SET name = 'spoon', total = DEFAULT WHERE id = 2;
INSERT INTO item (id, name, price, qty) VALUES (3, 'pen', 2.50, 4);
INSERT INTO item VALUES (4, NULL, 1.25, 3, DEFAULT, DEFAULT);"
	item_plan "$step"
	dd -q snapshot --plan p --source "$(APP)" -o s.db
	run dd run s.db --plan p
	assert_status 0
	pg_psql -d postgres -c "CREATE DATABASE gen_target TEMPLATE app STRATEGY FILE_COPY" -c "CREATE DATABASE gen_oracle2 TEMPLATE app STRATEGY FILE_COPY" >/dev/null
	pg_psql -d gen_oracle2 -c "$step" >/dev/null
	# the working table holds what PostgreSQL computes
	assert_eq "$(rows gen_oracle2 "$ITEM_ROWS")" "$(sqlite3 -separator '|' s.db 'SELECT id, name, price, qty, total, label FROM item ORDER BY id')"
	dd -q approve s.db --by Ann
	run dd plan s.db
	assert_status 0
	assert_out_not_contains '"total" ='
	run dd push s.db --target "dbname=gen_target" --yes
	assert_status 0
	assert_eq "$(rows gen_oracle2 "$ITEM_ROWS")" "$(rows gen_target "$ITEM_ROWS")"
	run dd rollback s.db --target "dbname=gen_target" --yes
	assert_status 0
	assert_eq "$(rows app "$ITEM_ROWS")" "$(rows gen_target "$ITEM_ROWS")"
}

# ------------------------------------------------- tables without a primary key

TAG_ROWS="SELECT code, lang, label FROM tag ORDER BY code, lang"

t_table_without_a_key_is_identified_by_whole_rows() {
	plan '{"name": "nokey", "sources": {"app": {"tables": ["event_log", "customer"]}},
		"steps": [{"name": "s", "sql": "s.sql"}]}' "CREATE TABLE got AS SELECT kind, count(*) AS n FROM event_log GROUP BY kind;
UPDATE customer SET name = 'Anna' WHERE id = 1;"
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 0
	assert_eq 3 "$(sqlite3 s.db 'SELECT count(*) FROM dd_pristine__event_log')"
	run dd status s.db
	assert_out_contains "event_log [key: full row]"
	run dd status s.db --json
	assert_out_matches '"key":[[:space:]]*"full row"'
	# steps read it; untouched, it has no changes
	run dd run s.db --plan p
	assert_status 0
	assert_eq "$(rows app "SELECT kind, count(*) FROM event_log GROUP BY kind ORDER BY kind")" \
		"$(sqlite3 -separator '|' s.db 'SELECT kind, n FROM got ORDER BY kind')"
	assert_eq 1 "$(sqlite3 s.db "SELECT count(*) FROM dd_change")"
	# a step that changes it: a changed row is a delete of the old row and
	# an insert of the new one (docs/push.md, "Tables without a key")
	printf '%s\n' "UPDATE event_log SET n = 2 WHERE kind = 'a';" >p/s.sql
	run dd run s.db --plan p
	assert_status 0
	assert_eq 'D|["2025-01-01 10:00:00+00","a","1"]
D|["2025-01-01 10:00:00+00","a","1"]
I|["2025-01-01 10:00:00+00","a","2"]
I|["2025-01-01 10:00:00+00","a","2"]' "$(sqlite3 s.db "SELECT op, key FROM dd_change ORDER BY seq")"
	# and so is a run in SQLite SQL (not compiled)
	plan '{"name": "nokey", "sources": {"app": {"tables": ["event_log"]}},
		"steps": [{"name": "s", "sql": "s.sql", "dialect": "sqlite"}]}' "UPDATE event_log SET n = 5 WHERE n IS NULL;"
	run dd run s.db --plan p
	assert_status 0
	assert_eq "D|I" "$(sqlite3 s.db "SELECT group_concat(op, '|') FROM (SELECT op FROM dd_change ORDER BY seq)")"
}

t_unique_index_on_not_null_columns_is_the_key() {
	# not partial, no expression, every key column NOT NULL (INCLUDE
	# columns are not part of it); of those, the fewest columns, then by name
	local step="UPDATE ukey SET d = 'z' WHERE b = 2;
INSERT INTO ukey VALUES (3, 3, NULL, 'w');
DELETE FROM ukey WHERE b = 1;"
	plan '{"name": "u", "sources": {"app": {"tables": ["ukey"]}}, "steps": [{"name": "s", "sql": "s.sql"}]}' "$step"
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 0
	assert_eq '["b"]|ukey_u_b_inc' "$(sqlite3 s.db "SELECT key_columns, key_index FROM dd_table WHERE name = 'ukey'")"
	run dd status s.db
	assert_out_contains "ukey [key: unique index ukey_u_b_inc]"
	# a fixture round trip keeps the key and where it came from
	dd -q fixture export s.db -o fx
	assert_eq '["b"]|ukey_u_b_inc' "$(jq -c -r '.sources[0].tables[] | select(.name == "ukey") | "\(.key)|\(.key_index)"' fx/fixture.json)"
	dd -q snapshot --plan p --fixture fx -o f.db
	assert_eq '["b"]|ukey_u_b_inc' "$(sqlite3 f.db "SELECT key_columns, key_index FROM dd_table WHERE name = 'ukey'")"
	run dd run s.db --plan p
	assert_status 0
	assert_eq "D I U" "$(sqlite3 s.db "SELECT group_concat(op, ' ') FROM (SELECT op FROM dd_change ORDER BY op)")"
	dd -q approve s.db --by Ann
	pg_psql -d postgres -c "CREATE DATABASE ukey_target TEMPLATE app STRATEGY FILE_COPY" -c "CREATE DATABASE ukey_oracle TEMPLATE app STRATEGY FILE_COPY" >/dev/null
	run dd push s.db --target "dbname=ukey_target" --yes
	assert_status 0
	pg_psql -d ukey_oracle -c "$step" >/dev/null
	assert_eq "$(rows ukey_oracle 'SELECT * FROM ukey ORDER BY b')" "$(rows ukey_target 'SELECT * FROM ukey ORDER BY b')"
	run dd rollback s.db --target "dbname=ukey_target" --yes
	assert_status 0
	assert_eq "$(rows app 'SELECT * FROM ukey ORDER BY b')" "$(rows ukey_target 'SELECT * FROM ukey ORDER BY b')"
	# the plan's "key" wins over an index
	plan '{"name": "u", "sources": {"app": {"tables": [{"name": "ukey", "key": ["a", "b"]}]}}}'
	dd -q snapshot --plan p --source "$(APP)" -o k.db
	assert_eq '["a","b"]|' "$(sqlite3 k.db "SELECT key_columns, key_index FROM dd_table WHERE name = 'ukey'")"
	run dd status k.db
	assert_out_contains "ukey [key from the plan]"
}

t_plan_key_identifies_rows_for_the_change_set_and_push() {
	local step="UPDATE tag SET label = 'Rouge vif' WHERE code = 'red' AND lang = 'fr';
INSERT INTO tag VALUES ('blue', 'fr', 'Bleu');
DELETE FROM tag WHERE code = 'blue' AND lang = 'en';"
	plan '{"name": "tags", "sources": {"app": {"tables": [{"name": "tag", "key": ["code", "lang"]}]}},
		"steps": [{"name": "s", "sql": "s.sql"}]}' "$step"
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 0
	run dd status s.db
	assert_out_contains "tag [key from the plan]"
	assert_eq '["code","lang"]' "$(sqlite3 s.db "SELECT key_columns FROM dd_table WHERE name = 'tag'")"
	run dd run s.db --plan p
	assert_status 0
	assert_eq "D I U" "$(sqlite3 s.db "SELECT group_concat(op, ' ') FROM (SELECT op FROM dd_change ORDER BY op)")"
	# the key survives a fixture round trip
	dd -q fixture export s.db -o fx
	dd -q snapshot --plan p --fixture fx -o f.db
	assert_eq '["code","lang"]' "$(sqlite3 f.db "SELECT key_columns FROM dd_table WHERE name = 'tag'")"
	dd -q approve s.db --by Ann
	pg_psql -d postgres -c "CREATE DATABASE tag_target TEMPLATE app STRATEGY FILE_COPY" -c "CREATE DATABASE tag_oracle TEMPLATE app STRATEGY FILE_COPY" >/dev/null
	run dd push s.db --target "dbname=tag_target" --yes
	assert_status 0
	pg_psql -d tag_oracle -c "$step" >/dev/null
	assert_eq "$(rows tag_oracle "$TAG_ROWS")" "$(rows tag_target "$TAG_ROWS")"
	run dd rollback s.db --target "dbname=tag_target" --yes
	assert_status 0
	assert_eq "$(rows app "$TAG_ROWS")" "$(rows tag_target "$TAG_ROWS")"
}

t_plan_key_must_be_unique_and_not_null() {
	plan '{"name": "k", "sources": {"app": {"tables": [{"name": "tag", "key": ["code"]}]}}}'
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 3
	assert_err_matches "table 'tag', row [0-9]+: its \"key\" \\(code\\) = \\(red\\) is not unique"
	assert_no_file s.db
	assert_no_file s.db.tmp
	plan '{"name": "k", "sources": {"app": {"tables": [{"name": "event_log", "key": ["at", "n"]}]}}}'
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 3
	assert_err_contains "column 'n' of its \"key\" is NULL"
	# a key for a table with a primary key, a key naming no column: both, in one run
	plan '{"name": "k", "sources": {"app": {"tables": [{"name": "customer", "key": ["id"]},
		{"name": "tag", "key": ["code", "nosuch"]}]}}}'
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 3
	assert_err_contains "table 'customer' in source 'app' has a primary key; its \"key\" in the plan is not needed"
	assert_err_contains "the \"key\" of table 'tag' in source 'app' names a column it does not have"
	assert_err_contains "cannot snapshot 2 tables of the plan"
	# the plan's "key" is validated like the rest of the plan
	plan '{"name": "k", "sources": {"app": {"tables": [{"name": "tag", "key": []}]}}}'
	run dd snapshot --plan p --source "$(APP)" -o s.db
	assert_status 3
	assert_err_contains "key"
}

run_tests
