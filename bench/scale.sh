#!/usr/bin/env bash
# Scale benchmark (issue 15), opt-in: `make bench-scale`, never part of
# `make test` or `make bench` (it takes minutes and gigabytes).  A table of
# BENCH_SCALE_ROWS rows (default 10,000,000; bigint key, int, two texts,
# numeric, timestamptz, a nullable text; one secondary index) through the
# whole cycle, each command's wall time and peak RSS printed:
#
#   snapshot   default --jobs, from a server of its own (tests/lib/pg.sh)
#   run        one step: updates 1%, deletes 0.1%, inserts 0.1% (the change
#              set's own time is its run-log entry)
#   report     JSON, Markdown and HTML
#   push       to a copy of the source database (CREATE DATABASE ... TEMPLATE)
#   rollback   of that push
#
# and the staging file's size against pg_total_relation_size of the table.
# Target: every command's peak RSS < 64 MB.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$REPO/tests/lib/pg.sh"

N=${BENCH_SCALE_ROWS:-10000000}
W=$(mktemp -d)
pg_start >/dev/null
trap 'pg_stop; rm -rf "$W"' EXIT
psql_() { pg_psql -v ON_ERROR_STOP=1 "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

section "scale: $N rows through snapshot, run, report, push and rollback ($(nproc) cores)"
pg_createdb base
items_table base "$N"
mkdir -p "$W/plan"
cat >"$W/plan/plan.json" <<'JSON'
{"name": "bench-scale", "sources": {"app": {"tables": ["items"]}},
 "steps": [{"name": "change", "sql": "change.sql"}]}
JSON
cat >"$W/plan/change.sql" <<SQL
UPDATE items SET status = 'migrated', note = 'batch ' || (id % 7) WHERE id % 100 = 0;
DELETE FROM items WHERE id % 1000 = 1;
INSERT INTO items SELECT id + $N, account, 'new ' || id, amount, 'open', updated_at, 'new'
    FROM items WHERE id % 1000 = 2;
SQL
src="postgresql://postgres@/base?host=$PGHOST&port=$PGPORT"
tgt="postgresql://postgres@/target?host=$PGHOST&port=$PGPORT"
psql -X -q -d "$src" -c "COPY items TO STDOUT" >/dev/null # warm the cache

printf '  load average before: %s\n' "$(load)"
measure SNAP "$DRYDOCK" -q snapshot --plan "$W/plan" --source "$src" -o "$W/s.db"
snap_b=$(stat -c %s "$W/s.db")
measure COPY psql -X -q -d "$src" -c "COPY items TO STDOUT"
measure RUN "$DRYDOCK" -q run "$W/s.db" --plan "$W/plan"
cs_ms=$(sqlite3 "$W/s.db" "SELECT duration_ms FROM dd_run_log WHERE step = 'changeset'")
changes=$(sqlite3 "$W/s.db" "SELECT inserts + updates + deletes FROM dd_changeset")
measure REPORT "$DRYDOCK" -q report "$W/s.db" -o "$W/report"
hash=$(sqlite3 "$W/s.db" "SELECT hash FROM dd_changeset")
if [[ -z $(sqlite3 "$W/s.db" "SELECT 1 FROM dd_check_run WHERE changeset_hash = '$hash' AND errors = 0") ]]; then
	"$DRYDOCK" -q check "$W/s.db" --plan "$W/plan" >/dev/null
fi
"$DRYDOCK" -q approve "$W/s.db" --by bench
psql_ -d postgres -c "CREATE DATABASE target TEMPLATE base" >/dev/null
measure PUSH "$DRYDOCK" -q push "$W/s.db" --target "$tgt" --yes
measure ROLLBACK "$DRYDOCK" -q rollback "$W/s.db" --target "$tgt" --yes
printf '  load average after: %s\n' "$(load)"

stage_b=$(stat -c %s "$W/s.db")
pg_b=$(psql_ -At -d base -c "SELECT pg_total_relation_size('items')")
row "drydock snapshot ($N rows)" "$SNAP_S" "$(rate "$N" "$SNAP_S")" "$(mb "$SNAP_KB")"
row "  psql COPY TO STDOUT > /dev/null" "$COPY_S" "$(rate "$N" "$COPY_S")" "$(mb "$COPY_KB")"
row "drydock run (1 step + change set)" "$RUN_S" "$(rate "$changes" "$RUN_S")" "$(mb "$RUN_KB")"
row "  of which the change set" "$(awk -v m="$cs_ms" 'BEGIN { printf "%.3f", m / 1000 }')" "-" "-"
row "drydock report ($changes changed rows)" "$REPORT_S" "$(rate "$changes" "$REPORT_S")" "$(mb "$REPORT_KB")"
row "drydock push" "$PUSH_S" "$(rate "$changes" "$PUSH_S")" "$(mb "$PUSH_KB")"
row "drydock rollback" "$ROLLBACK_S" "$(rate "$changes" "$ROLLBACK_S")" "$(mb "$ROLLBACK_KB")"
mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
printf '  snapshot / COPY rate: %sx   peak RSS target < 64 MB each\n' "$(ratio "$COPY_S" "$SNAP_S")"
printf '  pg_total_relation_size(items) %s MB; staging file after the snapshot %s MB (%sx), after the run %s MB (%sx)\n' \
	"$(mib "$pg_b")" "$(mib "$snap_b")" "$(ratio "$snap_b" "$pg_b")" "$(mib "$stage_b")" "$(ratio "$stage_b" "$pg_b")"
