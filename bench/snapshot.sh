#!/usr/bin/env bash
# Snapshot benchmark (Foundation issue): drydock snapshot of a table of
# N rows (bigint pk, text email and name, timestamptz, int, ~200-byte jsonb)
# against raw COPY to /dev/null (the server's limit) and a psql CSV export +
# sqlite3 .import (what a user does by hand), in one run.
# Targets: >= 0.85x the raw COPY rate, >= 2x the CSV pipeline, peak RSS
# < 64 MB and the same at 100,000 and 1,000,000 rows.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$REPO/tests/lib/pg.sh"

SIZES=${BENCH_SNAPSHOT_ROWS:-"100000 1000000"}
W=$(mktemp -d)
pg_start
trap 'pg_stop; rm -rf "$W"' EXIT

section "snapshot: drydock vs COPY vs CSV + sqlite3 .import"
for n in $SIZES; do
	db=b$n
	pg_createdb "$db"
	pg_psql -d "$db" -c "CREATE TABLE t (id bigint PRIMARY KEY, email text, name text,
		created timestamptz, n int, doc jsonb)" >/dev/null
	pg_psql -d "$db" -c "INSERT INTO t SELECT g, 'user' || g || '@example.com',
		'Name ' || md5(g::text), timestamptz '2019-01-01' + g * interval '17 minutes', g % 1000,
		jsonb_build_object('id', g, 'tags', jsonb_build_array('alpha', 'beta', 'gamma'),
		  'profile', jsonb_build_object('bio', repeat('lorem ipsum ', 10), 'score', g % 97,
		  'active', g % 2 = 0))
		FROM generate_series(1, $n) g" >/dev/null
	pg_psql -d "$db" -c "VACUUM ANALYZE t" >/dev/null
	mkdir -p "$W/p$n"
	echo '{"name": "bench", "sources": {"app": {"tables": ["t"]}}}' >"$W/p$n/plan.json"
	url="postgresql://postgres@/$db?host=$PGHOST&port=$PGPORT"

	# warm the server's cache once so every variant reads from memory
	psql -X -q -d "$url" -c "COPY t TO STDOUT" >/dev/null

	measure DD "$DRYDOCK" -q snapshot --plan "$W/p$n" --source "$url" -o "$W/s$n.db" --force
	measure COPY psql -X -q -d "$url" -c "COPY t TO STDOUT"
	rm -f "$W/csv.db"
	measure_sh CSV "psql -X -q -d '$url' -c \"\\copy t TO '$W/t.csv' CSV\" &&
		sqlite3 '$W/csv.db' 'CREATE TABLE t (id INTEGER PRIMARY KEY, email, name, created, n INTEGER, doc)' \
		'.import --csv $W/t.csv t'"
	rows=$(sqlite3 "$W/s$n.db" "SELECT count(*) FROM dd_pristine__t")
	[[ $rows == "$n" ]] || { echo "snapshot holds $rows rows, expected $n" >&2; exit 1; }
	printf '  %d rows\n' "$n"
	row "drydock snapshot" "$DD_S" "$(rate "$n" "$DD_S")" "$(mb "$DD_KB")"
	row "psql COPY TO STDOUT > /dev/null" "$COPY_S" "$(rate "$n" "$COPY_S")" "$(mb "$COPY_KB")"
	row "psql \\copy CSV + sqlite3 .import" "$CSV_S" "$(rate "$n" "$CSV_S")" "$(mb "$CSV_KB")"
	printf '  drydock / COPY rate: %sx (target >= 0.85)   drydock / CSV pipeline rate: %sx (target >= 2)   peak RSS %s MB (target < 64)\n' \
		"$(ratio "$COPY_S" "$DD_S")" "$(ratio "$CSV_S" "$DD_S")" "$(mb "$DD_KB")"
	rm -f "$W/t.csv" "$W/csv.db"
done
