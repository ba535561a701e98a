#!/usr/bin/env bash
# snapshot writes a table's B-tree pages itself (src/stage/btbuild.c):
# the file must pass SQLite's integrity check and hold exactly what
# SQLite's own inserts give (DD_SNAPSHOT_BULK=0), for rows out of key
# order, keys at the integer limits, values spilling onto overflow pages,
# trees of several levels, ranges of one table read by several backends,
# keys that are not the rowid, and tables whose failing rows are named.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
export DRYDOCK_MASK_SECRET=pages

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app -c "
		-- updated rows move to the heap's end: COPY gives them out of key order
		CREATE TABLE ord (id bigint PRIMARY KEY, small int, flag boolean, raw bytea, note text);
		INSERT INTO ord SELECT g, g % 3 - 1, CASE WHEN g % 5 = 0 THEN NULL ELSE g % 2 = 0 END,
			CASE WHEN g % 4 = 0 THEN ''::bytea ELSE decode(md5(g::text), 'hex') END,
			CASE WHEN g % 9 = 0 THEN NULL ELSE 'n' || g END
			FROM generate_series(1, 6000) g;
		UPDATE ord SET note = note || '+' WHERE id % 7 = 0 OR id < 40;
		-- keys at the ends of each varint and serial-type size, in no order
		CREATE TABLE edge (k bigint PRIMARY KEY, v bigint, i2 smallint);
		INSERT INTO edge SELECT k, k / 3, (k % 32768)::smallint FROM unnest(ARRAY[
			9223372036854775807, -9223372036854775808, 0, 1, -1, 127, 128, -128, -129,
			16383, 16384, 32767, 32768, -32768, -32769, 8388607, 8388608, -8388609,
			2147483647, 2147483648, -2147483649, 140737488355327, 140737488355328,
			-140737488355329, 72057594037927935, 72057594037927936, -72057594037927937,
			2097151, 2097152, 268435455, 268435456]::bigint[]) AS k ORDER BY md5(k::text);
		-- records around the leaf's limit (16349 bytes) and far past it
		CREATE TABLE longv (id int PRIMARY KEY, t text, b bytea);
		INSERT INTO longv SELECT g, repeat('x', 16300 + g * 7), NULL FROM generate_series(1, 30) g;
		INSERT INTO longv VALUES (100, repeat('y', 200000), decode(repeat('ab', 70000), 'hex')),
			(101, '', ''::bytea), (102, NULL, decode(repeat('cd', 20000), 'hex'));
		-- four rows a leaf, 2500 leaves: two levels of interior pages
		CREATE TABLE wide (id int PRIMARY KEY, t text);
		INSERT INTO wide SELECT g, repeat(chr(65 + g % 26), 3900) FROM generate_series(1, 10000) g;
		ALTER TABLE wide ALTER COLUMN t SET STORAGE EXTERNAL;
		-- keys that are not the rowid
		CREATE TABLE textkey (k text PRIMARY KEY, n int);
		INSERT INTO textkey SELECT md5(g::text), g FROM generate_series(1, 3000) g;
		CREATE TABLE pair (a int, b text, c int, PRIMARY KEY (a, b));
		INSERT INTO pair SELECT g % 50, 'b' || g, g FROM generate_series(1, 3000) g;
		-- no primary key: a unique index over NOT NULL columns is the key
		CREATE TABLE uidx (code int NOT NULL, v text);
		CREATE UNIQUE INDEX uidx_code ON uidx (code);
		INSERT INTO uidx SELECT g, 'v' || g FROM generate_series(1, 2000) g ORDER BY md5(g::text);
		CREATE TABLE nokey (a int, b text);
		INSERT INTO nokey SELECT g % 10, 'dup' FROM generate_series(1, 3000) g;
		-- a plan's key and a masked column: rows written one by one
		CREATE TABLE declared (code int NOT NULL, label text);
		INSERT INTO declared SELECT g, 'l' || g FROM generate_series(1, 2000) g;
		CREATE TABLE people (id int PRIMARY KEY, email text);
		INSERT INTO people SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 2000) g;
		CREATE TABLE dupkey (code int, label text);
		INSERT INTO dupkey VALUES (1, 'a'), (2, 'b'), (1, 'c');" >/dev/null
	pg_psql -d app -c "VACUUM ANALYZE" >/dev/null
}
teardown_file() { pg_stop; }

APP_URL() { echo "postgresql://postgres@/app?host=$PGHOST&port=$PGPORT"; }

PLAN='{"name": "pages", "sources": {"app": {"tables": ["ord", "edge", "longv", "wide",
	"textkey", "pair", "nokey", "uidx", {"name": "declared", "key": ["code"]},
	{"name": "people", "mask": {"email": "hash"}}]}}}'

plan() { # plan DIR JSON
	mkdir -p "$1"
	printf '%s\n' "$2" >"$1/plan.json"
}


# same_as_sqlite FILE REF: FILE passes the integrity check and holds what REF holds
same_as_sqlite() {
	assert_eq "$(sqlite3 "$1" "PRAGMA integrity_check")" "ok" "integrity of $1"
	dump_stage "$1" >"$1.txt"
	dump_stage "$2" >"$2.txt"
	cmp -s "$1.txt" "$2.txt" || fail "$1 holds other content than $2: $(diff "$2.txt" "$1.txt" | head -5)"
}

t_pages_hold_what_sqlite_inserts() {
	plan p "$PLAN"
	DD_SNAPSHOT_BULK=0 run dd snapshot --plan p --source "$(APP_URL)" -o ref.db --jobs 1
	assert_status 0
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db --jobs 1
	assert_status 0
	# the updated rows came last (written through SQLite), the rest as pages
	assert_err_contains "app.ord: 6000 rows ($(pg_psql -d app -At -c "SELECT count(*) FROM ord
		WHERE id % 7 = 0 OR id < 40") out of key order)"
	assert_err_contains "app.edge: 31 rows ("
	assert_err_contains "app.uidx: 2000 rows ("
	assert_err_contains "app.wide: 10000 rows"
	same_as_sqlite s.db ref.db
	# the rowid is the key, the out-of-order rows are in place
	assert_eq "$(sqlite3 s.db "SELECT count(*) FROM dd_pristine__ord WHERE rowid = id AND note LIKE '%+'")" \
		"$(pg_psql -d app -At -c "SELECT count(*) FROM ord WHERE note LIKE '%+'")" "updated rows of ord"
	assert_eq "$(sqlite3 s.db "SELECT min(k), max(k), count(*) FROM dd_pristine__edge")" \
		"-9223372036854775808|9223372036854775807|31" "edge keys"
	assert_eq "$(sqlite3 s.db "SELECT length(t), length(b) FROM dd_pristine__longv WHERE id = 100")" \
		"200000|70000" "an overflowing row"
	# a tree of three levels: the root's children are interior pages
	local depth
	depth=$(sqlite3 s.db "SELECT max(length(path) - length(replace(path, '/', ''))) FROM dbstat
		WHERE name = 'dd_pristine__wide'")
	[[ $depth -ge 2 ]] || fail "wide's tree has depth $depth, expected 2 or more below its root"
}

t_pages_fill_the_key_index_of_other_keys() {
	plan p '{"name": "pages", "sources": {"app": {"tables": ["textkey", "pair"]}}}'
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db --jobs 1
	assert_status 0
	assert_eq "$(sqlite3 s.db "PRAGMA integrity_check")" "ok" "integrity"
	# the index answers lookups: the plan uses it, and it holds every row
	[[ $(sqlite3 s.db "EXPLAIN QUERY PLAN SELECT n FROM dd_pristine__textkey WHERE k = 'x'") == \
		*sqlite_autoindex_dd_pristine__textkey_1* ]] || fail "a lookup by textkey's key does not use its index"
	assert_eq "$(sqlite3 s.db "SELECT n FROM dd_pristine__textkey WHERE k = '$(printf 77 | md5sum | cut -c1-32)'")" \
		77 "a row found through the index"
	assert_eq "$(sqlite3 s.db "SELECT count(*) FROM dd_pristine__pair INDEXED BY sqlite_autoindex_dd_pristine__pair_1
		WHERE a >= 0")" 3000 "rows in pair's index"
	run sqlite3 s.db "INSERT INTO dd_pristine__pair VALUES (3, 'b3', 0)"
	assert_status 19
	assert_err_contains "UNIQUE constraint failed"
}

t_pages_of_ranges_read_by_several_backends() {
	plan p "$PLAN"
	DD_SNAPSHOT_BULK=0 run dd snapshot --plan p --source "$(APP_URL)" -o ref.db --jobs 1
	assert_status 0
	DD_SNAPSHOT_CHUNK_BLOCKS=8 run dd snapshot --plan p --source "$(APP_URL)" -o s.db --jobs 4
	assert_status 0
	same_as_sqlite s.db ref.db
}

t_pages_name_a_failing_row_as_before() {
	plan p '{"name": "pages", "sources": {"app": {"tables": ["ord", {"name": "dupkey", "key": ["code"]}]}}}'
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 3
	assert_err_contains "table 'dupkey', row 3: its \"key\" (code) = (1) is not unique"
	assert_no_file s.db
	assert_no_file s.db.tmp
}

t_pages_keep_the_file_free_of_unused_pages_after_side_rows() {
	# every row out of order: all go through the side table, none are lost
	pg_psql -d app -c "CREATE TABLE rev (id int PRIMARY KEY, v text);
		INSERT INTO rev SELECT g, 'v' || g FROM generate_series(3000, 1, -1) g" >/dev/null
	plan p '{"name": "pages", "sources": {"app": {"tables": ["rev"]}}}'
	DD_SNAPSHOT_BULK=0 run dd snapshot --plan p --source "$(APP_URL)" -o ref.db
	assert_status 0
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db
	assert_status 0
	assert_err_contains "app.rev: 3000 rows (2999 out of key order)"
	same_as_sqlite s.db ref.db
	assert_eq "$(sqlite3 s.db "PRAGMA freelist_count")" 0 "free pages"
	assert_eq "$(sqlite3 s.db "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'dd_side%'")" 0 \
		"side tables in the file"
}

t_rows_out_of_order_wait_on_the_staging_files_disk() {
	# the temp table holding them (past SQLite's 2 MB cache of it) is a
	# file SQLite unlinks once open: in the output's folder, not in /tmp
	# (a small tmpfs on many machines)
	pg_psql -d app -c "CREATE TABLE rev2 (id int PRIMARY KEY, v text);
		INSERT INTO rev2 SELECT g, repeat('v', 200) || g FROM generate_series(30000, 1, -1) g" >/dev/null
	plan p '{"name": "pages", "sources": {"app": {"tables": ["rev2"]}}}'
	mkdir -p dest
	DD_FAULT=snapshot.row:25000:stop "$DRYDOCK" snapshot --plan p --source "$(APP_URL)" -o dest/s.db \
		>/dev/null 2>&1 &
	local pid=$! st=0 held
	wait_stopped "$pid"
	held=$(for fd in /proc/"$pid"/fd/*; do readlink "$fd"; done | grep -c "^$PWD/dest/etilqs_.* (deleted)$" || true)
	kill -CONT "$pid"
	wait "$pid" || st=$?
	assert_eq 0 "$st" "the snapshot's exit status"
	[[ $held -ge 1 ]] || fail "no unlinked temp file of SQLite's in dest/ while rows were out of order"
	assert_eq "$(sqlite3 dest/s.db "SELECT count(*), sum(id) FROM dd_pristine__rev2")" "30000|450015000" "rows"
	assert_eq "$(ls dest)" "s.db" "files left in dest/"
}

t_a_scan_left_half_way_does_not_change_the_order() {
	# PostgreSQL starts a scan of a table over a quarter of shared_buffers
	# (16 MB here) where the last scan of it stopped; drydock's sessions
	# turn that off, as pg_dump does, so rows come in the heap's order
	pg_psql -d app -c "CREATE TABLE sync (id int PRIMARY KEY, pad text);
		INSERT INTO sync SELECT g, repeat('p', 100) || g FROM generate_series(1, 60000) g" >/dev/null
	pg_psql -d app -c "VACUUM ANALYZE sync" >/dev/null
	local first
	pg_psql -d app -c "SELECT * FROM sync OFFSET 40000 LIMIT 1" >/dev/null
	first=$(pg_psql -d app -At -c "COPY (SELECT id FROM sync) TO STDOUT" | sed -n 1p)
	[[ $first != 1 ]] || fail "this server's scans start at the first block: the test shows nothing"
	pg_psql -d app -c "SELECT * FROM sync OFFSET 40000 LIMIT 1" >/dev/null
	plan p '{"name": "pages", "sources": {"app": {"tables": ["sync"]}}}'
	run dd snapshot --plan p --source "$(APP_URL)" -o s.db --jobs 1
	assert_status 0
	assert_err_contains "app.sync: 60000 rows"$'\n'
	assert_eq "$(sqlite3 s.db "PRAGMA integrity_check")" "ok" "integrity"
}

run_tests
