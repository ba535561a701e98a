#!/usr/bin/env bash
# Report benchmark (Reports issue): `drydock report` (JSON, Markdown and
# HTML) on a staging file whose change set holds 1,000,000 rows: a step
# updates every row of a 1,000,000-row table (plan, email, and balance of
# every tenth row), inserts 50 and deletes 10.  The report profiles every
# column of the changed tables before and after (two table scans), makes
# histograms of the changed numeric columns and reads the change set once
# for transitions, edge cases and seeded random samples.
# Targets: < 1 s, peak RSS < 64 MB.
# BENCH_REPORT_BASELINE=/path/to/drydock also times that binary on the same
# staging file (the report before a change, for a before/after figure).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

N=${BENCH_REPORT_ROWS:-1000000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

section "report: drydock report on a change set of $N updated rows"
mkdir -p "$W/fx/app" "$W/p/steps"
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++)
	printf "{\"id\":%d,\"email\":\"user%d@example.com\",\"plan\":\"basic\",\"balance\":\"%d.%02d\",\"created\":\"2025-%02d-%02d 10:00:00+00\"}\n", i, i, i % 5000, i % 100, i % 12 + 1, i % 28 + 1 }' \
	>"$W/fx/app/accounts.jsonl"
printf '%s\n' '{"code":"basic","seats":1}' '{"code":"team","seats":5}' '{"code":"pro","seats":20}' >"$W/fx/app/plans.jsonl"
cat >"$W/fx/fixture.json" <<JSON
{"drydock_fixture": 1, "sources": [{"name": "app", "schema": "public", "enums": {}, "tables": [
 {"name": "accounts", "file": "app/accounts.jsonl", "rows": $N,
  "columns": [{"name": "id", "type": "bigint", "not_null": true}, {"name": "email", "type": "text"},
   {"name": "plan", "type": "text"}, {"name": "balance", "type": "numeric(12,2)"},
   {"name": "created", "type": "timestamp with time zone"}],
  "constraints": [{"name": "accounts_pkey", "type": "primary key", "columns": ["id"]}]},
 {"name": "plans", "file": "app/plans.jsonl", "rows": 3,
  "columns": [{"name": "code", "type": "text"}, {"name": "seats", "type": "integer"}],
  "constraints": [{"name": "plans_pkey", "type": "primary key", "columns": ["code"]}]}]}]}
JSON
cat >"$W/p/plan.json" <<'JSON'
{"name": "bench-report", "sources": {"app": {"tables": ["accounts", "plans"]}},
 "steps": [{"name": "team plan for everyone", "sql": "steps/team.sql"},
           {"name": "retire pro", "sql": "steps/pro.sql"}]}
JSON
cat >"$W/p/steps/team.sql" <<SQL
UPDATE accounts SET plan = 'team', email = upper(email);
UPDATE accounts SET balance = balance * 2 WHERE id % 10 = 0;
INSERT INTO accounts SELECT id + $N, email, 'team', balance, created FROM accounts WHERE id <= 50;
DELETE FROM accounts WHERE id % ($N / 10) = 0;
SQL
echo "DELETE FROM plans WHERE code = 'pro';" >"$W/p/steps/pro.sql"
"$DRYDOCK" -q snapshot --plan "$W/p" --fixture "$W/fx" -o "$W/s.db"
"$DRYDOCK" -q run "$W/s.db" --plan "$W/p" --no-check
changes=$(sqlite3 "$W/s.db" "SELECT inserts + updates + deletes FROM dd_changeset")

if [[ -n ${BENCH_REPORT_BASELINE:-} ]]; then
	measure BASE "$BENCH_REPORT_BASELINE" -q report "$W/s.db" -o "$W/base"
	row "baseline drydock report" "$BASE_S" "$(rate "$changes" "$BASE_S")" "$(mb "$BASE_KB")"
fi
measure REPORT "$DRYDOCK" -q report "$W/s.db" -o "$W/out"
measure DIFF "$DRYDOCK" diff "$W/out/report.json" "$W/out/report.json"
printf '  %d changed rows; report.json %d bytes, report.html %d bytes\n' "$changes" \
	"$(stat -c %s "$W/out/report.json")" "$(stat -c %s "$W/out/report.html")"
row "drydock report (json, md, html)" "$REPORT_S" "$(rate "$changes" "$REPORT_S")" "$(mb "$REPORT_KB")"
row "drydock diff of two such reports" "$DIFF_S" "-" "$(mb "$DIFF_KB")"
printf '  report time %s s (target < 1)   peak RSS %s MB (target < 64)\n' "$REPORT_S" "$(mb "$REPORT_KB")"

# Long values: 3,000 rows of two 5 kB text columns, all updated.  The
# value maps keep at most 8 MB of values per table and the blocks read
# ahead about 1 MB of text each, so peak RSS stays under the target.
mkdir -p "$W/lfx/app" "$W/lp"
awk 'BEGIN { for (i = 1; i <= 3000; i++) { v = sprintf("%09d", i); s = "";
	while (length(s) < 5000) s = s v "-";
	printf "{\"id\":%d,\"body\":\"%s\",\"note\":\"%s\"}\n", i, substr(s, 1, 5000), substr(s, 2, 5000) } }' \
	>"$W/lfx/app/docs.jsonl"
cat >"$W/lfx/fixture.json" <<'JSON'
{"drydock_fixture": 1, "sources": [{"name": "app", "schema": "public", "enums": {}, "tables": [
 {"name": "docs", "file": "app/docs.jsonl", "rows": 3000,
  "columns": [{"name": "id", "type": "bigint", "not_null": true}, {"name": "body", "type": "text"},
   {"name": "note", "type": "text"}],
  "constraints": [{"name": "docs_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
JSON
echo '{"name": "long", "sources": {"app": {"tables": ["docs"]}}, "steps": [{"name": "s", "sql": "s.sql"}]}' >"$W/lp/plan.json"
echo "UPDATE docs SET body = upper(body), note = note || 'x';" >"$W/lp/s.sql"
"$DRYDOCK" -q snapshot --plan "$W/lp" --fixture "$W/lfx" -o "$W/l.db"
"$DRYDOCK" -q run "$W/l.db" --plan "$W/lp" --no-check
measure LONG "$DRYDOCK" -q report "$W/l.db" -o "$W/lout"
row "drydock report, 3,000 rows of 2 x 5 kB text" "$LONG_S" "-" "$(mb "$LONG_KB")"
printf '  peak RSS %s MB (target < 64)\n' "$(mb "$LONG_KB")"
