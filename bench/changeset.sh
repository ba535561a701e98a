#!/usr/bin/env bash
# Change set benchmark (Plans and runs issue): a 1,000,000-row staging table
# of which a step updates 10%, deletes 1% and inserts 1%; the time drydock
# takes to compute the change set (its "changeset" run-log entry) against
# `sqldiff --changeset` between the pristine and working copies.
# drydock's time is the best of BENCH_CHANGESET_RUNS runs (default 3), with
# the steps' writes tracked and, for reference, with the full comparison
# (DRYDOCK_CHANGESET_FULL=1); the two must give the same hash.
# Targets (issue 15): <= 0.8x sqldiff's time, peak RSS < 128 MB.
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
RUNS=${BENCH_CHANGESET_RUNS:-3}
# best_cs VAR [ENV=VALUE]: the best "changeset" time of $RUNS runs (seconds)
# into VAR_S, the change set's hash into VAR_HASH, peak RSS into VAR_KB
best_cs() {
	local var=$1 i ms best="" kb=0
	shift
	for ((i = 1; i <= RUNS; i++)); do
		cp "$W/s.db" "$W/r.db"	# each run from the fresh snapshot
		measure RUN env "$@" "$DRYDOCK" -q run "$W/r.db" --plan "$W/p" --no-check
		ms=$(sqlite3 "$W/r.db" "SELECT duration_ms FROM dd_run_log WHERE step = 'changeset'")
		if [[ -z $best ]] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$ms; fi
		((RUN_KB > kb)) && kb=$RUN_KB
	done
	printf -v "${var}_S" '%s' "$(awk -v m="$best" 'BEGIN { printf "%.3f", m / 1000 }')"
	printf -v "${var}_KB" '%s' "$kb"
	printf -v "${var}_HASH" '%s' "$(sqlite3 "$W/r.db" "SELECT hash FROM dd_changeset")"
}
best_cs FULL DRYDOCK_CHANGESET_FULL=1
best_cs DD DRYDOCK_CHANGESET_FULL=
changes=$(sqlite3 "$W/r.db" "SELECT inserts + updates + deletes FROM dd_changeset")
if [[ $DD_HASH != "$FULL_HASH" ]]; then
	echo "  the tracked change set ($DD_HASH) differs from the full comparison's ($FULL_HASH)" >&2
	exit 1
fi

# the same two states as separate files, for sqldiff
for side in a b; do
	src=$([[ $side == a ]] && echo dd_pristine__t || echo t)
	sqlite3 "$W/$side.db" "ATTACH '$W/r.db' AS s;
		CREATE TABLE t (id INTEGER PRIMARY KEY, email, name, created, n INTEGER, doc);
		INSERT INTO t SELECT * FROM s.$src;"
done
SQLDIFF_S=""
for ((i = 1; i <= RUNS; i++)); do
	measure ONE sqldiff --changeset "$W/out.changeset" "$W/a.db" "$W/b.db"
	if [[ -z $SQLDIFF_S ]] || awk -v a="$ONE_S" -v b="$SQLDIFF_S" 'BEGIN { exit !(a < b) }'; then
		SQLDIFF_S=$ONE_S SQLDIFF_KB=$ONE_KB
	fi
done
printf '  %d changed rows; best of %d; load average %s\n' "$changes" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
row "drydock change set (tracked writes)" "$DD_S" "$(rate "$changes" "$DD_S")" "$(mb "$DD_KB")"
row "drydock change set (full comparison)" "$FULL_S" "$(rate "$changes" "$FULL_S")" "$(mb "$FULL_KB")"
row "sqldiff --changeset" "$SQLDIFF_S" "$(rate "$changes" "$SQLDIFF_S")" "$(mb "$SQLDIFF_KB")"
printf '  drydock / sqldiff time: %sx (target <= 0.8; full comparison %sx)   peak RSS of the whole run %s MB (target < 128)\n' \
	"$(ratio "$DD_S" "$SQLDIFF_S")" "$(ratio "$FULL_S" "$SQLDIFF_S")" "$(mb "$DD_KB")"
