#!/usr/bin/env bash
# snapshot --jobs: several COPY streams on one exported snapshot, over
# tables and over block ranges of one table, give the same staging content
# as one stream -- also while the source is being written to.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app -f "$REPO/tests/e2e/data/types.sql" >/dev/null
	pg_psql -d app -c "CREATE TABLE big (id bigint PRIMARY KEY, x int, t text, d jsonb);
		INSERT INTO big SELECT g, 0, 'row ' || g || E'\\ttab\\\\', jsonb_build_object('g', g)
		FROM generate_series(1, 20000) g;
		CREATE TABLE textkey (k text PRIMARY KEY, n numeric);
		INSERT INTO textkey SELECT md5(g::text), g / 7.0 FROM generate_series(1, 3000) g;
		CREATE TABLE nokey (a int, b text);
		INSERT INTO nokey SELECT g % 10, 'dup' FROM generate_series(1, 3000) g;
		CREATE TABLE acct_a (id int PRIMARY KEY, v int);
		CREATE TABLE acct_b (id int PRIMARY KEY, v int);
		INSERT INTO acct_a SELECT g, 100 FROM generate_series(1, 5000) g;
		INSERT INTO acct_b SELECT g, 100 FROM generate_series(1, 5000) g;
		CREATE TABLE twin_a (id bigint PRIMARY KEY, t text);
		CREATE TABLE twin_b (id bigint PRIMARY KEY, t text);
		INSERT INTO twin_a SELECT g, repeat('a', 100) FROM generate_series(1, 5000) g;
		INSERT INTO twin_b SELECT g, repeat('b', 100) FROM generate_series(1, 5000) g;
		CREATE TABLE churn_count (n bigint);
		INSERT INTO churn_count VALUES (0);" >/dev/null
	pg_psql -d app -c "VACUUM ANALYZE" >/dev/null
	# moves one unit from acct_a to acct_b, and one between the two ends
	# of big, per transaction: sums that only hold on one snapshot
	pg_psql -d app -c "CREATE PROCEDURE churn(times int) LANGUAGE plpgsql AS \$\$
		DECLARE k int;
		BEGIN
			FOR i IN 1..times LOOP
				k := 1 + i % 5000;
				UPDATE acct_a SET v = v - 1 WHERE id = k;
				UPDATE acct_b SET v = v + 1 WHERE id = k;
				UPDATE big SET x = x + 1 WHERE id = 1 + i % 50;
				UPDATE big SET x = x - 1 WHERE id = 20000 - i % 50;
				UPDATE churn_count SET n = n + 1;
				COMMIT;
			END LOOP;
		END \$\$" >/dev/null
	# every statement in the server log with its backend's pid
	pg_psql -d app -c "ALTER DATABASE app SET log_statement = 'all'" >/dev/null
}
teardown_file() { pg_stop; }

APP_URL() { echo "postgresql://postgres@/app?host=$PGHOST&port=$PGPORT"; }

plan() { # plan DIR JSON
	mkdir -p "$1"
	printf '%s\n' "$2" >"$1/plan.json"
}

ALL_TABLES='["everything", "child", "big", "textkey", "nokey", "acct_a", "acct_b"]'


# pids of the backends that ran a COPY of TABLE split by ctid, since log offset FROM
copy_pids() { # FROM TABLE
	tail -c +"$(($1 + 1))" "$DD_PG_LOG" | grep -a "COPY (SELECT .* FROM \"public\".\"$2\" WHERE ctid" |
		sed -n 's/^[^[]*\[\([0-9]*\)\].*/\1/p' | sort -u
}

log_size() { stat -c %s "$DD_PG_LOG"; }

t_jobs_option_is_documented_and_checked() {
	run dd snapshot --help
	assert_status 0
	assert_out_contains "--jobs N"
	plan p '{"name": "j", "sources": {"app": {"tables": ["big"]}}}'
	for bad in 0 65 two; do
		run dd snapshot --plan p --source "$(APP_URL)" -o s.db --jobs "$bad"
		assert_status 2
		assert_err_contains "--jobs takes a number from 1 to 64, not '$bad'"
	done
	assert_no_file s.db
}

t_jobs_give_the_same_content_as_one_stream() {
	plan p "{\"name\": \"j\", \"sources\": {\"app\": {\"tables\": $ALL_TABLES}}}"
	run dd snapshot --plan p --source "$(APP_URL)" -o one.db --jobs 1
	assert_status 0
	local from
	from=$(log_size)
	DD_SNAPSHOT_CHUNK_BLOCKS=8 run dd snapshot --plan p --source "$(APP_URL)" -o four.db --jobs 4
	assert_status 0
	assert_err_contains "app.big: 20000 rows"
	assert_err_contains "app.nokey: 3000 rows"
	# big was read in block ranges, by more than one backend (how many of
	# the four take a range of it depends on how fast each finishes its
	# other tables: 3 under load and the sanitizer build, 4 when quiet)
	local readers
	readers=$(copy_pids "$from" big | wc -l)
	[[ $readers -ge 2 ]] || fail "big was read by $readers backend(s) by ctid ranges, expected 2 or more"
	dump_stage one.db >one.txt
	dump_stage four.db >four.txt
	assert_eq "$(grep -c . one.txt)" "$(grep -c . four.txt)" "lines of the dumps"
	cmp -s one.txt four.txt || fail "--jobs 4 staged other content than --jobs 1: $(diff one.txt four.txt | head -5)"
	# and the values are still PostgreSQL's text, as with one stream
	assert_eq "$(sqlite3 four.db "SELECT t FROM dd_pristine__big WHERE id = 7")" "$(printf 'row 7\ttab\\')" \
		"an escaped value read through a range"
}

# pids of the backends that ran a COPY of all of TABLE, since log offset FROM
whole_copy_pids() { # FROM TABLE
	tail -c +"$(($1 + 1))" "$DD_PG_LOG" | grep -a "COPY (SELECT .* FROM \"public\".\"$2\") TO STDOUT" |
		sed -n 's/^[^[]*\[\([0-9]*\)\].*/\1/p' | sort -u
}

t_jobs_split_only_a_table_bigger_than_a_connections_share() {
	# two tables of about the same size on two connections: each read whole,
	# one by each backend (split, their rows would interleave in SQLite)
	plan p '{"name": "j", "sources": {"app": {"tables": ["twin_a", "twin_b"]}}}'
	local from a b
	from=$(log_size)
	DD_SNAPSHOT_CHUNK_BLOCKS=8 run dd snapshot --plan p --source "$(APP_URL)" -o s.db --jobs 2
	assert_status 0
	assert_eq "$(copy_pids "$from" twin_a)$(copy_pids "$from" twin_b)" "" "ctid ranges of the twins"
	a=$(whole_copy_pids "$from" twin_a)
	b=$(whole_copy_pids "$from" twin_b)
	assert_eq "$(printf '%s\n' "$a" | grep -c .) $(printf '%s\n' "$b" | grep -c .)" "1 1" "backends reading each twin whole"
	[[ $a != "$b" ]] || fail "both twins were read by backend $a"
	assert_eq "$(sqlite3 s.db "SELECT count(*) FROM dd_pristine__twin_a") $(sqlite3 s.db "SELECT count(*) FROM dd_pristine__twin_b")" \
		"5000 5000" "rows staged"
	# a table holding most of the blocks is still split (t_jobs_give_the_same_content_as_one_stream)
}

t_jobs_small_data_is_read_on_one_connection() {
	# under 16 chunks' worth of blocks in all, another connection costs more
	# than it gains: one backend reads every table (a chunk of 100,000
	# blocks makes this small source small)
	plan p "{\"name\": \"j\", \"sources\": {\"app\": {\"tables\": $ALL_TABLES}}}"
	local from t pids=""
	from=$(log_size)
	DD_SNAPSHOT_CHUNK_BLOCKS=100000 run dd snapshot --plan p --source "$(APP_URL)" -o s.db --jobs 4
	assert_status 0
	for t in big textkey nokey acct_a acct_b; do
		pids+="$(whole_copy_pids "$from" "$t")"$'\n'
	done
	assert_eq 1 "$(grep . <<<"$pids" | sort -u | wc -l)" "backends reading the tables"
	assert_eq "" "$(copy_pids "$from" big)" "ctid ranges of big"
}

t_jobs_read_one_snapshot_while_the_source_is_written() {
	plan p '{"name": "j", "sources": {"app": {"tables": ["acct_a", "big", "acct_b", "churn_count"]}}}'
	pg_psql -d app -c "CALL churn(100000000)" >/dev/null 2>&1 &
	local churn=$! before after
	for _ in $(seq 50); do
		[[ $(pg_psql -d app -At -c "SELECT n FROM churn_count") -gt 100 ]] && break
		sleep 0.1
	done
	before=$(pg_psql -d app -At -c "SELECT n FROM churn_count")
	DD_SNAPSHOT_CHUNK_BLOCKS=8 run dd snapshot --plan p --source "$(APP_URL)" -o s.db --jobs 4
	after=$(pg_psql -d app -At -c "SELECT n FROM churn_count")
	pg_psql -d app -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
		WHERE query LIKE 'CALL churn%'" >/dev/null
	wait "$churn" || true
	assert_status 0
	[[ $after -gt $before ]] || fail "the source was not written during the snapshot ($before, $after)"
	# one snapshot: each transfer is in both tables or in neither, and
	# big's two ends (read by different backends) still cancel out
	assert_eq "$(sqlite3 s.db "SELECT count(*) FROM dd_pristine__acct_a a JOIN dd_pristine__acct_b b USING (id)
		WHERE a.v + b.v <> 200")" 0 "rows whose transfer is half seen"
	assert_eq "$(sqlite3 s.db "SELECT sum(x) FROM dd_pristine__big")" 0 "sum of big.x"
	local moved staged
	moved=$(sqlite3 s.db "SELECT sum(v) FROM dd_pristine__acct_b") # 100 * 5000 + transfers seen
	staged=$(sqlite3 s.db "SELECT n FROM dd_pristine__churn_count")
	assert_eq "$moved" "$((500000 + staged))" "transfers in acct_b against the counter"
	[[ $staged -ge $before && $staged -le $after ]] ||
		fail "the counter ($staged) is not between $before and $after"
}

t_jobs_never_take_more_connections_than_the_server_has() {
	pg_createdb tight
	pg_psql -d tight -c "CREATE TABLE big (id int PRIMARY KEY, t text);
		INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g;
		ALTER DATABASE tight CONNECTION LIMIT 1;
		ALTER DATABASE tight SET log_statement = 'all'" >/dev/null
	plan p '{"name": "j", "sources": {"app": {"tables": ["big"]}}}'
	local from
	from=$(log_size)
	DD_SNAPSHOT_CHUNK_BLOCKS=8 run dd snapshot --plan p \
		--source "postgresql://postgres@/tight?host=$PGHOST&port=$PGPORT" -o s.db --jobs 4
	assert_status 0
	assert_err_contains "source 'app': reading with 1 connection (the server has room for 0 more connections)"
	assert_err_contains "app.big: 5000 rows"
	assert_eq "$(copy_pids "$from" big | wc -l)" 1 "backends reading big"
}

t_jobs_say_when_the_server_has_room_for_fewer() {
	# room for one more (a limit of 3, one connection in use, one left for
	# others): two connections where four were asked, and one line says why
	pg_createdb roomy
	pg_psql -d roomy -c "CREATE TABLE big (id int PRIMARY KEY, t text);
		INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g;
		ALTER DATABASE roomy CONNECTION LIMIT 3" >/dev/null
	plan p '{"name": "j", "sources": {"app": {"tables": ["big"]}}}'
	DD_SNAPSHOT_CHUNK_BLOCKS=8 run dd snapshot --plan p \
		--source "postgresql://postgres@/roomy?host=$PGHOST&port=$PGPORT" -o s.db --jobs 4
	assert_status 0
	assert_err_contains "source 'app': reading with 2 connections (the server has room for 1 more connection)"
	assert_err_contains "app.big: 5000 rows"
}

t_rows_that_come_in_bursts_and_rows_bigger_than_the_socket() {
	# the reader sleeps while the socket is empty (copypipe.c, pace_wait):
	# a source that pauses every 40 rows (a filter that sleeps) and rows
	# of 1 MB (five times what the socket holds) arrive whole and in order
	pg_psql -d app -c "CREATE TABLE IF NOT EXISTS huge (id int PRIMARY KEY, t text);
		TRUNCATE huge;
		INSERT INTO huge SELECT g, repeat(md5(g::text), 32768) FROM generate_series(1, 6) g" >/dev/null
	plan fast '{"name": "j", "sources": {"app": {"tables": ["big", "huge"]}}}'
	plan slow '{"name": "j", "sources": {"app": {"tables": [
		{"name": "big", "where": "id % 40 <> 0 OR pg_sleep(0.001) IS NOT NULL"}, "huge"]}}}'
	run dd snapshot --plan fast --source "$(APP_URL)" -o fast.db
	assert_status 0
	run dd snapshot --plan slow --source "$(APP_URL)" -o slow.db
	assert_status 0
	assert_err_contains "app.big: 20000 rows"
	assert_err_contains "app.huge: 6 rows"
	local q="SELECT id, x, t, d FROM dd_pristine__big ORDER BY id"
	assert_eq "$(sqlite3 slow.db "$q" | md5sum)" "$(sqlite3 fast.db "$q" | md5sum)" "big's rows read in bursts"
	assert_eq "$(sqlite3 slow.db "SELECT count(*), sum(length(t)) FROM dd_pristine__huge")" "6|6291456" \
		"huge's rows"
	assert_eq "$(sqlite3 slow.db "SELECT t FROM dd_pristine__huge WHERE id = 5")" \
		"$(pg_psql -d app -At -c "SELECT t FROM huge WHERE id = 5")" "a 1 MB value"
}

run_tests
