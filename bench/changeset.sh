#!/usr/bin/env bash
# Change set benchmark (Plans and runs issue): a 1,000,000-row staging table
# of which a step updates 10%, deletes 1% and inserts 1%; the time drydock
# takes to compute the change set (its "changeset" run-log entry) against
# `sqldiff --changeset` between the pristine and working copies.
# Targets: <= 1.2x sqldiff's time, peak RSS < 128 MB.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

N=${BENCH_CHANGESET_ROWS:-1000000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

section "change set: drydock diff vs sqldiff --changeset ($N rows)"
mkdir -p "$W/fx/app" "$W/p/steps"
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++)
	printf "{\"id\":%d,\"email\":\"user%d@example.com\",\"name\":\"Name %d\",\"created\":\"2020-01-01 00:00:00+00\",\"n\":%d,\"doc\":\"{\\\"k\\\": %d}\"}\n", i, i, i, i % 1000, i }' \
	>"$W/fx/app/t.jsonl"
cat >"$W/fx/fixture.json" <<JSON
{"drydock_fixture": 1, "sources": [{"name": "app", "schema": "public", "enums": {}, "tables": [
 {"name": "t", "file": "app/t.jsonl", "rows": $N,
  "columns": [{"name": "id", "type": "bigint", "not_null": true}, {"name": "email", "type": "text"},
   {"name": "name", "type": "text"}, {"name": "created", "type": "timestamp with time zone"},
   {"name": "n", "type": "integer"}, {"name": "doc", "type": "jsonb"}],
  "constraints": [{"name": "t_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
JSON
cat >"$W/p/plan.json" <<'JSON'
{"name": "bench", "sources": {"app": {"tables": ["t"]}},
 "steps": [{"name": "change", "sql": "steps/change.sql"}]}
JSON
cat >"$W/p/steps/change.sql" <<SQL
UPDATE t SET name = name || ' (updated)', n = n + 1 WHERE id % 10 = 0;
DELETE FROM t WHERE id % 100 = 1;
INSERT INTO t SELECT id + $N, email, name, created, n, doc FROM t WHERE id % 100 = 2;
SQL
"$DRYDOCK" -q snapshot --plan "$W/p" --fixture "$W/fx" -o "$W/s.db"
measure RUN "$DRYDOCK" -q run "$W/s.db" --plan "$W/p" --no-check
cs_ms=$(sqlite3 "$W/s.db" "SELECT duration_ms FROM dd_run_log WHERE step = 'changeset'")
DD_S=$(awk -v m="$cs_ms" 'BEGIN { printf "%.3f", m / 1000 }')
changes=$(sqlite3 "$W/s.db" "SELECT inserts + updates + deletes FROM dd_changeset")

# the same two states as separate files, for sqldiff
for side in a b; do
	src=$([[ $side == a ]] && echo dd_pristine__t || echo t)
	sqlite3 "$W/$side.db" "ATTACH '$W/s.db' AS s;
		CREATE TABLE t (id INTEGER PRIMARY KEY, email, name, created, n INTEGER, doc);
		INSERT INTO t SELECT * FROM s.$src;"
done
measure SQLDIFF sqldiff --changeset "$W/out.changeset" "$W/a.db" "$W/b.db"
printf '  %d changed rows\n' "$changes"
row "drydock change set computation" "$DD_S" "$(rate "$changes" "$DD_S")" "$(mb "$RUN_KB")"
row "sqldiff --changeset" "$SQLDIFF_S" "$(rate "$changes" "$SQLDIFF_S")" "$(mb "$SQLDIFF_KB")"
printf '  drydock / sqldiff time: %sx (target <= 1.2)   peak RSS of the whole run %s MB (target < 128)\n' \
	"$(ratio "$DD_S" "$SQLDIFF_S")" "$(mb "$RUN_KB")"
