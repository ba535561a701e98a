#!/usr/bin/env bash
# Identifiers with quotes, spaces, unicode and reserved words, in a schema
# whose name needs quoting too, end to end: snapshot, run, change set,
# fixture round trip, checks, push and rollback.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app >/dev/null <<'SQL'
CREATE SCHEMA "Sales & Co";
CREATE TABLE "Sales & Co"."Order Items" (
    "select"       int PRIMARY KEY,
    "naïve col"    text NOT NULL,
    "quote""d"     text,
    "UPPER"        numeric(8,2) DEFAULT 0,
    "user"         text UNIQUE
);
CREATE TABLE "Sales & Co"."from" (
    "order"  int PRIMARY KEY,
    "item"   int REFERENCES "Sales & Co"."Order Items" ("select"),
    "group"  text
);
INSERT INTO "Sales & Co"."Order Items" VALUES
  (1, 'café', 'a"b', 1.50, 'u1'), (2, 'thé', NULL, 2.00, 'u2'), (3, 'Zoë''s', 'x', 3.25, NULL);
INSERT INTO "Sales & Co"."from" VALUES (10, 1, 'g'), (11, 2, NULL);
SQL
}
teardown_file() { pg_stop; }

URL() { echo "postgresql://postgres@/app?host=$PGHOST&port=$PGPORT"; }

write_plan() {
	mkdir -p p/steps
	cat >p/plan.json <<'EOF'
{"name": "weird names", "dialect": "sqlite", "sources": {"app": {"schema": "Sales & Co",
	"tables": ["Order Items", {"name": "from", "where": "\"order\" > 0"}]}},
 "schema_changes": [
	{"op": "add_column", "table": "Order Items", "column": "end", "type": "text", "nullable": true},
	{"op": "add_index", "table": "from", "columns": ["group"], "name": "from group idx"}
 ],
 "steps": [{"name": "edit", "sql": "steps/edit.sql",
            "batch": {"table": "Order Items", "size": 2}}]}
EOF
	cat >p/steps/edit.sql <<'EOF'
UPDATE "Order Items" SET "naïve col" = "naïve col" || ' ✓', "end" = 'fin'
 WHERE "select" IN (SELECT key FROM dd_batch);
INSERT INTO "from" ("order", "item", "group")
SELECT "select" + 100, "select", 'new "group"' FROM "Order Items"
 WHERE "select" IN (SELECT key FROM dd_batch) AND "select" = 3;
DELETE FROM "from" WHERE "order" = 11;
EOF
}

t_snapshot_run_and_fixture_with_awkward_names() {
	write_plan
	run dd snapshot --plan p --source "$(URL)" -o s.db
	assert_status 0
	run dd run s.db --plan p
	assert_status 0
	assert_out_contains "1 insert, 3 updates, 1 delete, 2 schema changes"
	assert_eq "café ✓|fin" "$(sqlite3 s.db 'SELECT "naïve col", "end" FROM "Order Items" WHERE "select" = 1')"
	run dd changes s.db --table "from" --op I --json
	assert_status 0
	assert_out_contains 'new \"group\"'
	# the rendered DDL quotes every name
	local ddl
	ddl=$(sqlite3 s.db "SELECT group_concat(ddl || ddl_post, ' ') FROM dd_schema_change")
	[[ $ddl == *'"Sales & Co"."Order Items" ADD COLUMN "end" text'* ]] || fail "unquoted DDL: $ddl"
	[[ $ddl == *'"from group idx" ON "Sales & Co"."from"'* ]] || fail "unquoted index DDL: $ddl"
	dd -q fixture export s.db -o fx
	run dd snapshot --plan p --fixture fx -o s2.db
	assert_status 0
	dd -q run s2.db --plan p
	assert_eq "$(sqlite3 s.db 'SELECT hash FROM dd_changeset')" "$(sqlite3 s2.db 'SELECT hash FROM dd_changeset')"
}

t_plan_sql_quotes_every_name() {
	write_plan
	dd -q snapshot --plan p --source "$(URL)" -o s.db
	dd -q run s.db --plan p
	run dd plan s.db
	assert_status 0
	assert_out_contains '"Sales & Co"."Order Items"'
	assert_out_contains '"naïve col"'
	assert_out_not_contains 'Sales & Co.Order'
}

t_push_and_rollback_with_awkward_names() {
	write_plan
	dd -q snapshot --plan p --source "$(URL)" -o s.db
	dd -q run s.db --plan p
	run dd check s.db
	assert_status 0
	dd -q approve s.db --by tester
	local before
	before=$(pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres --data-only -n '"Sales & Co"' app | grep -v '^\\restrict\|^\\unrestrict' | sort)
	run dd push s.db --target "$(URL)" --yes
	assert_status 0
	assert_eq "café ✓|fin" "$(pg_psql -d app -At -c 'SELECT "naïve col", "end" FROM "Sales & Co"."Order Items" WHERE "select" = 1')"
	assert_eq 'new "group"' "$(pg_psql -d app -At -c 'SELECT "group" FROM "Sales & Co"."from" WHERE "order" = 103')"
	assert_eq 1 "$(pg_psql -d app -At -c "SELECT count(*) FROM pg_indexes WHERE indexname = 'from group idx'")"
	run dd rollback s.db --target "$(URL)" --yes
	assert_status 0
	assert_eq 0 "$(pg_psql -d app -At -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'Order Items' AND column_name = 'end'")"
	assert_eq "$before" "$(pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres --data-only -n '"Sales & Co"' app | grep -v '^\\restrict\|^\\unrestrict' | sort)"
}

run_tests
