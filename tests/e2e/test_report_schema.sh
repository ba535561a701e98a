#!/usr/bin/env bash
# report.json matches its documented layout (schema/report.schema.json,
# checked with drydock's own JSON Schema validator, build/jsoncheck): every
# golden report, and fresh reports in the states the golden ones do not
# show (before any run, a failed run, JSON diffs, histograms, a column
# added by a schema change, replaced rows by equal values).
source "$(dirname "$0")/../lib/testlib.sh"

JSONCHECK=$REPO/build/jsoncheck
SCHEMA=$REPO/schema/report.schema.json

# conforms FILE...: each is a report.json of the documented layout
conforms() {
	run "$JSONCHECK" "$SCHEMA" "$@"
	[[ $status == 0 ]] || fail "not the layout of schema/report.schema.json: $(cat "$T/out" "$T/err")"
}

setup_file() {
	[[ -x $JSONCHECK ]] || { echo "no $JSONCHECK: run make"; return 1; }
	export W=$T/shared
	mkdir -p "$W/fx/app" "$W/p"
	cat >"$W/fx/fixture.json" <<'EOF'
{"drydock_fixture": 1, "sources": [{"name": "app", "snapshot_at": "2026-01-01 00:00:00+00", "tables": [
 {"name": "acc", "file": "app/acc.jsonl", "rows": 30,
  "columns": [{"name": "id", "type": "integer"}, {"name": "kind", "type": "text"},
   {"name": "amount", "type": "numeric(10,2)"}, {"name": "doc", "type": "jsonb"}],
  "constraints": [{"name": "acc_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
EOF
	for i in $(seq 1 30); do
		printf '{"id":%d,"kind":"%s","amount":"%d.50","doc":"{\\"n\\": %d, \\"tags\\": [\\"a\\", \\"b\\"]}"}\n' \
			"$i" "$([[ $((i % 2)) == 0 ]] && echo buy || echo sell)" "$i" "$i"
	done >"$W/fx/app/acc.jsonl"
	cat >"$W/p/plan.json" <<'EOF'
{"name": "shapes", "sources": {"app": {"tables": [{"name": "acc", "natural_key": ["kind", "amount"]}]}},
 "schema_changes": [{"op": "add_column", "table": "acc", "column": "note", "type": "text", "nullable": true}],
 "steps": [{"name": "reshape", "sql": "s.sql"}]}
EOF
	echo "UPDATE acc SET kind = 'purchase', amount = amount * 3, note = 'n' || id WHERE kind = 'buy';
UPDATE acc SET doc = jsonb_set(doc, '{tags}', '[\"a\", \"c\"]') WHERE id % 3 = 0;
INSERT INTO acc SELECT id + 100, kind, amount, doc, note FROM acc WHERE id IN (1, 3);
DELETE FROM acc WHERE id IN (1, 3, 5);" >"$W/p/s.sql"
}

t_golden_reports_match_the_schema() {
	local f n=0
	for f in "$REPO"/reports/*/report.json "$REPO"/reports/*/*/report.json; do
		[[ -f $f ]] || continue
		conforms "$f"
		n=$((n + 1))
	done
	((n >= 5)) || fail "only $n golden reports found"
}

t_reports_of_every_state_match_the_schema() {
	dd -q snapshot --plan "$W/p" --fixture "$W/fx" -o s.db >/dev/null || fail "snapshot failed"
	dd -q report s.db -o before --format json >/dev/null || fail "report before the run failed"
	assert_eq '"not run"' "$(jq '.comparable.status' before/report.json)"
	conforms before/report.json
	dd -q run s.db --plan "$W/p" --no-check >/dev/null || fail "run failed"
	dd -q report s.db -o after --format json >/dev/null || fail "report failed"
	# the shapes this report must hold for the check to mean something
	assert_eq 'true true true 2' "$(jq -r '.comparable.tables.acc |
		"\(.sample.updates | map(has("json_diff")) | any) \(.value_changes.amount | has("histogram")) \(.profile.note.before == null) \(.replaced.count)"' after/report.json)"
	conforms after/report.json
	# a failed run
	cp s.db f.db
	echo "UPDATE acc SET id = 2 WHERE id = 4;" >"$W/p/s.sql"
	dd -q run f.db --plan "$W/p" --no-check >/dev/null 2>&1 && fail "the failing run passed"
	dd -q report f.db -o failed --format json >/dev/null || fail "report of a failed run failed"
	assert_eq '"run failed"' "$(jq '.comparable.status' failed/report.json)"
	conforms failed/report.json
}

t_schema_refuses_a_wrong_report() {
	# the schema can fail: a wrong status, a replaced count of 0, a key
	# that is not an array, a missing section
	dd -q snapshot --plan "$W/p" --fixture "$W/fx" -o w.db >/dev/null
	dd -q report w.db -o w --format json >/dev/null
	jq '.comparable.status = "done"' w/report.json >bad1.json
	jq 'del(.timings)' w/report.json >bad2.json
	jq '.comparable.totals.rows_before = -1' w/report.json >bad3.json
	for f in bad1 bad2 bad3; do
		run "$JSONCHECK" "$SCHEMA" $f.json
		assert_status 1
	done
	assert_out_contains 'comparable.totals.rows_before: must be 0 or more'
}

run_tests
