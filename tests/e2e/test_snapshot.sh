#!/usr/bin/env bash
# Snapshot from a real PostgreSQL and from fixtures; status; fixture export;
# value fidelity; every bad input of the Foundation issue.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_createdb v1
	pg_psql -d app -f "$REPO/tests/e2e/data/types.sql" >/dev/null
	pg_psql -d app -c "CREATE TABLE nokey (a int, b text); INSERT INTO nokey VALUES (1, 'x');" >/dev/null
	pg_psql -d app -c "CREATE TABLE slow (id int PRIMARY KEY, pad text);
		INSERT INTO slow SELECT g, repeat('x', 100) FROM generate_series(1, 3000) g;" >/dev/null
	pg_psql -d v1 -c "CREATE TABLE users (id int PRIMARY KEY, email text);
		INSERT INTO users VALUES (1, 'old@x.com'), (2, 'older@x.com');" >/dev/null
}
teardown_file() { pg_stop; }

APP_URL() { echo "postgresql://postgres@/app?host=$PGHOST&port=$PGPORT"; }

plan() { # plan DIR JSON
	mkdir -p "$1"
	printf '%s\n' "$2" >"$1/plan.json"
}

types_plan() {
	plan p '{"name": "types", "sources": {"app": {"tables": ["everything", "child"]}}}'
}

# Loads a fixture's rows file back into a fresh table of the same shape,
# using only PostgreSQL: each value's text (->>) goes through its column
# type's own input function, exactly as COPY would.
load_fixture_rows() { # DB TABLE FILE
	local select
	select=$(pg_psql -d "$1" -At -c "SELECT string_agg(format('(line::jsonb ->> %L)::%s', attname,
		format_type(atttypid, atttypmod)), ', ' ORDER BY attnum)
		FROM pg_attribute WHERE attrelid = '$2'::regclass AND attnum > 0 AND NOT attisdropped")
	pg_psql -d "$1" -c "CREATE TEMP TABLE raw (line text);" \
		-c "\\copy raw FROM '$3' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" \
		-c "INSERT INTO $2 OVERRIDING SYSTEM VALUE SELECT $select FROM raw;" >/dev/null
}

t_help_and_version() {
	run dd --version
	assert_status 0
	assert_out_contains "drydock "
	run dd --help
	assert_status 0
	assert_out_contains "snapshot"
	run dd snapshot --help
	assert_status 0
	assert_out_contains "--source"
	run dd frobnicate
	assert_status 2
	assert_err_contains "unknown command 'frobnicate'"
}

t_snapshot_records_catalog_and_status() {
	types_plan
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 0
	assert_file_exists s.db
	assert_no_file s.db.tmp
	run dd status s.db
	assert_status 0
	assert_out_contains "app.everything"
	assert_out_contains "PostgreSQL 15"
	run dd status s.db --json
	assert_status 0
	assert_eq "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/out'), '\$.tables[1].rows')")" 6
	# catalog: types, identity + sequence, not null, FK, check, index, enum
	assert_eq "$(sqlite3 s.db "SELECT pg_type FROM dd_column WHERE tbl='everything' AND name='c_numeric_10_2'")" "numeric(10,2)"
	assert_eq "$(sqlite3 s.db "SELECT identity || ' ' || sequence FROM dd_column WHERE tbl='everything' AND name='id'")" "a public.everything_id_seq"
	assert_eq "$(sqlite3 s.db "SELECT count(*) FROM dd_constraint WHERE tbl='child' AND kind='f' AND ref_table='everything'")" 1
	assert_eq "$(sqlite3 s.db "SELECT count(*) FROM dd_constraint WHERE tbl='everything' AND kind='c'")" 1
	assert_eq "$(sqlite3 s.db "SELECT group_concat(label, ',') FROM (SELECT label FROM dd_enum WHERE type_name='mood' ORDER BY position)")" "sad,ok,happy"
	assert_eq "$(sqlite3 s.db "SELECT count(*) FROM dd_index WHERE tbl='everything' AND name='everything_c_text_idx'")" 1
	assert_eq "$(sqlite3 s.db "SELECT count(*) FROM dd_pristine__everything")" 6
}

t_values_survive_exactly() {
	types_plan
	dd -q snapshot --plan p --source "$(APP_URL)" -o s.db
	# storage: exact text, no affinity damage
	assert_eq "$(sqlite3 s.db "SELECT c_numeric_10_2 FROM dd_pristine__everything WHERE id=1")" "1234.50"
	assert_eq "$(sqlite3 s.db "SELECT typeof(c_numeric_10_2) FROM dd_pristine__everything WHERE id=1")" "text"
	assert_eq "$(sqlite3 s.db "SELECT c_text FROM dd_pristine__everything WHERE id=3")" '\N'
	dd -q fixture export s.db -o fx
	assert_file_exists fx/fixture.json
	# back into a fresh database, through PostgreSQL's own input functions
	pg_createdb fresh_$$
	pg_psql -d fresh_$$ -f "$REPO/tests/e2e/data/types.sql" -v only_schema=1 >/dev/null
	pg_psql -d fresh_$$ -c "TRUNCATE everything, child" >/dev/null
	load_fixture_rows fresh_$$ everything "$T/fx/app/everything.jsonl"
	load_fixture_rows fresh_$$ child "$T/fx/app/child.jsonl"
	# compare value by value with the original, column by column
	local cols mismatches
	cols=$(pg_psql -d app -At -c "SELECT string_agg(
		CASE WHEN atttypid IN ('json'::regtype) THEN format('a.%I::text IS NOT DISTINCT FROM b.%I::text', attname, attname)
		     ELSE format('a.%I IS NOT DISTINCT FROM b.%I', attname, attname) END, ' AND ')
		FROM pg_attribute WHERE attrelid = 'everything'::regclass AND attnum > 0 AND NOT attisdropped")
	pg_psql -d app -c "\\copy everything TO '$T/orig.copy'" >/dev/null
	pg_psql -d fresh_$$ -c "CREATE TABLE orig (LIKE everything)" -c "\\copy orig FROM '$T/orig.copy'" >/dev/null
	mismatches=$(pg_psql -d fresh_$$ -At -c "SELECT count(*) FROM orig a FULL JOIN everything b ON a.id = b.id WHERE NOT ($cols)")
	assert_eq "$mismatches" 0 "rows differing after the fixture round trip"
	assert_eq "$(pg_psql -d fresh_$$ -At -c 'SELECT count(*) FROM everything')" 6
}

t_fixture_round_trip_is_byte_identical() {
	types_plan
	dd -q snapshot --plan p --source "$(APP_URL)" -o s.db
	dd -q fixture export s.db -o fx1
	run dd snapshot --plan p --fixture fx1 -o s2.db
	assert_status 0
	dd -q fixture export s2.db -o fx2
	run diff -r fx1 fx2
	assert_status 0
	# and the rows in the two staging files are equal
	assert_eq "$(sqlite3 s.db 'SELECT count(*) FROM dd_pristine__everything')" \
		"$(sqlite3 s2.db 'SELECT count(*) FROM dd_pristine__everything')"
}

t_fixture_rows_limit() {
	types_plan
	dd -q snapshot --plan p --source "$(APP_URL)" -o s.db
	run dd fixture export s.db -o fx --rows 2
	assert_status 0
	assert_eq "$(wc -l <fx/app/everything.jsonl)" 2
	run dd fixture export s.db -o fx
	assert_status 3
	assert_err_contains "already exists"
}

t_where_filter_and_multiple_sources() {
	plan p '{"name": "two", "sources": {
		"v1": {"tables": ["users"]},
		"app": {"target": true, "tables": [{"name": "everything", "where": "id <= 2"}, "child"]}}}'
	run dd snapshot --plan p --source "app=$(APP_URL)" \
		--source "v1=postgresql://postgres@/v1?host=$PGHOST&port=$PGPORT" -o s.db
	assert_status 0
	assert_eq "$(sqlite3 s.db 'SELECT count(*) FROM v1__users')" 2
	assert_eq "$(sqlite3 s.db 'SELECT count(*) FROM dd_pristine__everything')" 2
	run dd status s.db
	assert_out_contains "v1__users (read-only)"
	# several sources need named --source arguments
	run dd snapshot --plan p --source "$(APP_URL)" -o s2.db
	assert_status 2
	assert_err_contains "name the one each --source is for"
}

t_refuses_existing_output_without_force() {
	types_plan
	echo keep >s.db
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 3
	assert_err_contains "already exists"
	assert_eq "$(cat s.db)" keep
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db --force
	assert_status 0
	run dd status s.db
	assert_status 0
}

t_unreachable_source() {
	types_plan
	run dd snapshot --plan p --source "host=$PGHOST port=1 dbname=app connect_timeout=2" -o s.db
	assert_status 3
	assert_err_contains "cannot connect to source 'app'"
	assert_err_contains "hint:"
	assert_no_file s.db
	assert_no_file s.db.tmp
}

t_wrong_password_is_never_printed() {
	types_plan
	run dd snapshot --plan p --source "postgresql://postgres:Sup3rSecretPw@127.0.0.1:$PGPORT/app" -o s.db
	assert_status 3
	assert_err_contains "password authentication failed"
	assert_err_not_contains "Sup3rSecretPw"
	assert_out_not_contains "Sup3rSecretPw"
	assert_no_file s.db
	# the right password works over TCP, and is not recorded anywhere
	run dd snapshot --plan p --source "postgresql://postgres:$DD_PG_PASSWORD@127.0.0.1:$PGPORT/app" -o s.db
	assert_status 0
	if grep -a -q "$DD_PG_PASSWORD" s.db; then fail "the password is in the staging file"; fi
	run dd status s.db
	assert_out_not_contains "$DD_PG_PASSWORD"
}

t_missing_table() {
	plan p '{"name": "x", "sources": {"app": {"tables": ["nosuch"]}}}'
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 3
	assert_err_contains "table 'public.nosuch' does not exist"
	assert_no_file s.db
}

t_table_without_any_key_is_identified_by_whole_rows() {
	# (test_snapshot_schemas.sh: steps, the plan's "key", push)
	plan p '{"name": "x", "sources": {"app": {"tables": ["nokey"]}}}'
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 0
	assert_eq "1|x" "$(sqlite3 s.db 'SELECT a, b FROM dd_pristine__nokey')"
	run dd status s.db
	assert_out_contains "nokey [key: full row]"
}

t_plan_not_json_gives_line_and_column() {
	mkdir p
	printf '{\n  "name": "x",\n  "sources": {"app": {"tables": ["a"]}\n' >p/plan.json
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 3
	assert_err_matches "plan.json:[0-9]+:[0-9]+: invalid JSON"
	printf '{"name": "x", "sources": {"app": {"tables": ["a",]}}}' >p/plan.json
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 3
	assert_err_contains "plan.json:1:"
	printf '{"name": "x", "sources": {"app": {"tables": "users"}}}' >p/plan.json
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 3
	assert_err_contains "sources.app.tables: must be an array, not a string"
	run dd snapshot --plan nosuchdir --source "$(APP_URL)" -o s.db
	assert_status 3
	assert_err_contains "cannot read plan"
}

t_bad_fixtures_are_refused() {
	types_plan
	dd -q snapshot --plan p --source "$(APP_URL)" -o s.db
	dd -q fixture export s.db -o fx
	# a value of the wrong type
	cp -r fx fx_type
	sed -i '1s/"c_int4":[-0-9]*/"c_int4":"twelve"/' fx_type/app/everything.jsonl
	run dd snapshot --plan p --fixture fx_type -o s2.db
	assert_status 3
	assert_err_contains "everything.jsonl:1: column 'c_int4' (integer)"
	assert_no_file s2.db
	# a column the table does not have
	cp -r fx fx_col
	sed -i '2s/"c_text":/"c_txet":/' fx_col/app/everything.jsonl
	run dd snapshot --plan p --fixture fx_col -o s2.db
	assert_status 3
	assert_err_contains "everything.jsonl:2: column 'c_txet' is not in table 'everything'"
	# a truncated rows file
	cp -r fx fx_short
	sed -i '$d' fx_short/app/child.jsonl
	run dd snapshot --plan p --fixture fx_short -o s2.db
	assert_status 3
	assert_err_contains "fixture.json says"
	# a manifest that is not JSON
	cp -r fx fx_bad
	printf '{"drydock_fixture": 1, "sources": [' >fx_bad/fixture.json
	run dd snapshot --plan p --fixture fx_bad -o s2.db
	assert_status 3
	assert_err_contains "fixture.json:1:"
	assert_no_file s2.db
}

t_not_a_staging_file() {
	echo "hello" >notdb
	run dd status notdb
	assert_status 3
	assert_err_contains "is not a drydock staging file"
	sqlite3 other.db "CREATE TABLE t (a)"
	run dd status other.db
	assert_status 3
	assert_err_contains "is not a drydock staging file"
	run dd status nosuch.db
	assert_status 3
	assert_err_contains "does not exist"
}

t_newer_format_version_is_refused() {
	types_plan
	dd -q snapshot --plan p --source "$(APP_URL)" -o s.db
	sqlite3 s.db "PRAGMA user_version = 99"
	run dd status s.db
	assert_status 3
	assert_err_contains "is from a newer drydock"
}

t_killed_snapshot_leaves_nothing_valid() {
	plan p '{"name": "slow", "sources": {"app": {"tables": ["slow"]}}}'
	# SIGKILL half-way through the table's rows (fault point, no timing)
	local st=0
	DD_FAULT=snapshot.row:1500 "$DRYDOCK" snapshot --plan p --source "$(APP_URL)" -o s.db >/dev/null 2>&1 || st=$?
	assert_eq 137 "$st" "the snapshot was not killed at snapshot.row:1500"
	assert_no_file s.db
	assert_file_exists s.db.tmp
	run dd status s.db.tmp
	assert_status 3
	assert_err_contains "drydock: error: staging file 's.db.tmp' is incomplete"
	# and a new snapshot replaces the leftover
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 0
	assert_no_file s.db.tmp
	assert_eq 3000 "$(sqlite3 s.db 'SELECT count(*) FROM dd_pristine__slow')"
}

t_interrupted_snapshot_removes_its_temp_file() {
	plan p '{"name": "slow", "sources": {"app": {"tables": ["slow"]}}}'
	# stopped half-way through the rows, SIGTERM, then let it handle it
	DD_FAULT=snapshot.row:1500:stop "$DRYDOCK" snapshot --plan p --source "$(APP_URL)" -o s.db >/dev/null 2>&1 &
	local pid=$! st=0
	wait_stopped "$pid"
	assert_file_exists s.db.tmp
	kill -TERM "$pid"
	kill -CONT "$pid"
	wait "$pid" || st=$?
	assert_eq 143 "$st" "the snapshot did not end by SIGTERM"
	assert_no_file s.db
	assert_no_file s.db.tmp
}

t_disk_full_leaves_nothing_valid() {
	small_disk small 256k
	types_plan
	plan p '{"name": "slow", "sources": {"app": {"tables": ["slow"]}}}'
	run dd snapshot --plan p --source "$(APP_URL)" -o small/s.db
	local leftover
	leftover=$(ls small)
	umount small 2>/dev/null || true
	assert_status 3
	assert_err_contains "full"
	assert_eq "$leftover" "" "files left on the full disk"
}

run_tests
