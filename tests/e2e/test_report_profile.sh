#!/usr/bin/env bash
# The report's column profiles and value-change summaries, with PostgreSQL
# as the oracle: the same data and the same statements in a real server,
# whose count(), count(DISTINCT), min(), max() (C collation for text) and
# sum() must give what the report says, before and after.  Samples that
# show the change, JSON diffs and replaced rows too.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

# The statements of the plan's step, run by drydock offline and by
# PostgreSQL itself (on a copy) for the expected values.
STEP="UPDATE acc SET kind = 'purchase' WHERE kind = 'buy';
UPDATE acc SET balance = balance * 2 + 0.125, big = big + 1 WHERE id % 7 = 0;
UPDATE acc SET note = 'O''Brien' WHERE note IS NULL AND id % 2 = 0;
UPDATE acc SET created = created + interval '400 days' WHERE id % 11 = 0;
UPDATE acc SET doc = doc || '{\"tier\": \"gold\"}' WHERE id % 13 = 0;
UPDATE acc SET doc = doc - 'legacy' WHERE id % 17 = 0;
INSERT INTO acc SELECT id + 100000, kind, balance, big, score, created, note, doc FROM acc WHERE id IN (5, 10);
DELETE FROM acc WHERE id IN (5, 10, 8);"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app >/dev/null <<'SQL'
CREATE TABLE acc (
    id      int PRIMARY KEY,
    kind    text,
    balance numeric(30,4),
    big     numeric,
    score   double precision,
    created timestamptz,
    note    text,
    doc     jsonb
);
INSERT INTO acc
SELECT i,
       CASE WHEN i % 3 = 0 THEN 'buy' WHEN i % 3 = 1 THEN 'sell' ELSE NULL END,
       CASE WHEN i % 10 = 0 THEN NULL ELSE (i % 97 - 40) * 1.5 + (i % 4) * 0.0025 END,
       CASE WHEN i % 5 = 0 THEN 123456789012345678901234567890123456789.5 * (i % 3 - 1)
            ELSE (i % 13) * 0.1 END,
       (i % 31) * 0.5 - 3,
       timestamptz '2019-03-01 00:00:00+00' + (i % 700) * interval '1 day' + (i % 24) * interval '1 hour',
       CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN 'Zoë' ELSE 'note ' || (i % 50) END,
       jsonb_build_object('n', i % 5, 'legacy', true, 'tags', jsonb_build_array('a', i % 3))
FROM generate_series(1, 3000) AS i;
SQL
	# the oracle: a copy of the data before, and the step applied in PostgreSQL
	pg_psql -d app >/dev/null -c "CREATE TABLE acc_before AS SELECT * FROM acc"
	export W=$T/shared
	mkdir -p "$W/p/steps"
	cat >"$W/p/plan.json" <<'EOF'
{"name": "profiles", "sources": {"app": {"tables": ["acc"]}},
 "steps": [{"name": "reshape", "sql": "steps/reshape.sql"}]}
EOF
	echo "$STEP" >"$W/p/steps/reshape.sql"
	dd -q snapshot --plan "$W/p" --source "postgresql://postgres@/app?host=$PGHOST&port=$PGPORT" -o "$W/s.db" >/dev/null &&
		dd -q run "$W/s.db" --plan "$W/p" --no-check >/dev/null &&
		dd -q report "$W/s.db" -o "$W/r" --samples 12 >/dev/null || return 1
	pg_psql -d app -v ON_ERROR_STOP=1 >/dev/null -c "$STEP"
}
teardown_file() { pg_stop; }

# oracle SQL: one value from PostgreSQL, in UTC
pgv() { pg_psql -d app -At -c "SET TimeZone = 'UTC'; $1" | tail -1; }
# numeq A B WHAT: equal as numbers (5.0 and 5)
numeq() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 == b + 0) }' || fail "$3: expected $1, got $2"; }
# the report's value at a jq path
rj() { jq -r "$1" "$W/r/report.json"; }

P='.comparable.tables.acc.profile'
V='.comparable.tables.acc.value_changes'

# Every figure of the profiles against PostgreSQL's own, in one query.
t_profiles_match_postgresql() {
	local sql=() jqs=() labels=()
	add() { sql+=("($1)::text"); jqs+=("($2 | tostring)"); labels+=("$3"); }
	for side in before after; do
		tbl=acc
		[[ $side == before ]] && tbl=acc_before
		for col in id kind balance big score created note doc; do
			add "SELECT count(*) FROM $tbl" "$P.$col.$side.rows" "$col $side rows"
			add "SELECT count(*) - count($col) FROM $tbl" "$P.$col.$side.nulls" "$col $side nulls"
		done
		for col in kind balance big score note doc; do
			add "SELECT count(DISTINCT $col) FROM $tbl" "$P.$col.$side.distinct" "$col $side distinct"
			add "SELECT true" "$P.$col.$side.distinct_exact" "$col $side distinct is exact"
		done
		# min and max in PostgreSQL's order for the type (text: C collation)
		for col in id balance big score created; do
			add "SELECT min($col) FROM $tbl" "$P.$col.$side.min" "$col $side min"
			add "SELECT max($col) FROM $tbl" "$P.$col.$side.max" "$col $side max"
		done
		for col in kind note; do
			add "SELECT min($col COLLATE \"C\") FROM $tbl" "$P.$col.$side.min" "$col $side min"
			add "SELECT max($col COLLATE \"C\") FROM $tbl" "$P.$col.$side.max" "$col $side max"
			add "SELECT round(avg(length($col)), 1)::float8 FROM $tbl" "$P.$col.$side.mean_length" "$col $side mean length"
		done
		# exact sums, beyond 128 bits for big
		for col in id balance big; do
			add "SELECT sum($col) FROM $tbl" "$P.$col.$side.sum" "$col $side sum"
		done
	done
	local q="SET TimeZone = 'UTC'; SELECT concat_ws(E'\n'" jq="[" k
	for k in "${!sql[@]}"; do
		q+=", coalesce(${sql[$k]}, 'null')"
		jq+="${k:+$([[ $k == 0 ]] || echo ,)}${jqs[$k]}"
	done
	q+=")"
	jq+="] | .[]"
	pg_psql -d app -At -c "$q" >expected.txt
	jq -r "$jq" "$W/r/report.json" >actual.txt
	assert_eq "${#labels[@]}" "$(wc -l <expected.txt)" "expected values"
	paste -d'\t' expected.txt actual.txt | awk -F'\t' '$1 != $2 { print NR": "$1" vs "$2 }' >diffs.txt
	while IFS= read -r d; do
		fail "${labels[$((${d%%:*} - 1))]}: PostgreSQL ${d#*: }"
	done <diffs.txt
	# more distinct values than the exact bound: an estimate, said so
	for side in before after; do
		tbl=acc
		[[ $side == before ]] && tbl=acc_before
		for col in id created; do
			assert_eq false "$(rj "$P.$col.$side.distinct_exact")"
			exact=$(pgv "SELECT count(DISTINCT $col) FROM $tbl")
			est=$(rj "$P.$col.$side.distinct")
			((est * 100 > exact * 96 && est * 100 < exact * 104)) || fail "$col distinct estimate $est, exact $exact"
		done
	done
}

t_value_changes_match_postgresql() {
	# kind: buy N -> 0, purchase 0 -> N, from the whole table
	n=$(pgv "SELECT count(*) FROM acc_before WHERE kind = 'buy'")
	assert_eq "buy $n 0" "$(rj "$V.kind.values[] | select(.value == \"buy\") | \"\(.value) \(.before) \(.after)\"")"
	n2=$(pgv "SELECT count(*) FROM acc WHERE kind = 'purchase'")
	assert_eq "purchase 0 $n2" "$(rj "$V.kind.values[] | select(.value == \"purchase\") | \"\(.value) \(.before) \(.after)\"")"
	assert_eq "1 1" "$(rj "$V.kind.appeared") $(rj "$V.kind.disappeared")" "kind: values appeared, disappeared"
	# transitions: old -> new with counts, as a join of before and after says
	expected=$(pgv "SELECT string_agg(o || '>' || n || ':' || c, ',' ORDER BY c DESC, o, n)
		FROM (SELECT coalesce(b.kind, 'NULL') o, coalesce(a.kind, 'NULL') n, count(*) c
		      FROM acc_before b JOIN acc a USING (id) WHERE b.kind IS DISTINCT FROM a.kind GROUP BY 1, 2) x")
	assert_eq "$expected" "$(rj "[$V.kind.transitions[] | \"\(.old // \"NULL\")>\(.new // \"NULL\"):\(.rows)\"] | join(\",\")")"
	assert_eq "$(pgv "SELECT count(*) FROM acc_before b JOIN acc a USING (id) WHERE b.note IS NULL AND a.note IS NOT NULL")" \
		"$(rj "$V.note.null_to_value")" "note NULL -> value"
	# numeric sums before and after, exact
	assert_eq "$(pgv "SELECT sum(balance) FROM acc_before")" "$(rj "$V.balance.sum_before")"
	assert_eq "$(pgv "SELECT sum(balance) FROM acc")" "$(rj "$V.balance.sum_after")"
	# histogram: every non-null value in one bin, on one scale
	assert_eq "$(pgv "SELECT count(balance) FROM acc_before")" "$(rj "$V.balance.histogram.before | add")"
	assert_eq "$(pgv "SELECT count(balance) FROM acc")" "$(rj "$V.balance.histogram.after | add")"
	assert_eq 20 "$(rj "$V.balance.histogram.after | length")"
}

t_samples_show_the_change() {
	# at most --samples rows per operation; every sampled row says why
	(($(rj '.comparable.tables.acc.sample.updates | length') == 12)) || fail "12 update samples"
	assert_eq 0 "$(rj '[.comparable.tables.acc.sample.updates[] | select(.why == null)] | length')"
	# edge cases: NULL -> value, the largest numeric change, a frequent transition
	rj '.comparable.tables.acc.sample.updates[].why' | grep -q 'note: NULL → value' || fail "no NULL -> value sample"
	rj '.comparable.tables.acc.sample.updates[].why' | grep -q 'balance: the largest change' || fail "no largest-change sample"
	rj '.comparable.tables.acc.sample.updates[].why' | grep -q "kind: 'buy' → 'purchase' ([0-9,]* rows)" || fail "no transition sample"
	rj '.comparable.tables.acc.sample.updates[].why' | grep -q '^random$' || fail "no random sample"
	# the largest change is the row PostgreSQL finds
	key=$(pgv "SELECT a.id FROM acc_before b JOIN acc a USING (id) WHERE a.balance <> b.balance ORDER BY abs(a.balance - b.balance) DESC, a.id LIMIT 1")
	assert_eq "$key" "$(rj '.comparable.tables.acc.sample.updates[] | select(.why | test("balance: the largest change")) | .key[0]')"
	# reproducible: the same rows in a second report
	dd -q report "$W/s.db" -o again --samples 12 >/dev/null
	assert_eq "$(jq -c '.comparable.tables.acc.sample' "$W/r/report.json")" "$(jq -c '.comparable.tables.acc.sample' again/report.json)"
}

t_json_columns_diff_by_key() {
	d=$(rj '[.comparable.tables.acc.sample.updates[] | select(.json_diff.doc) | .json_diff.doc[] | "\(.op) \(.path) \(.old // "") \(.new // "")"] | unique | join("|")')
	[[ $d == *'added $.tier  "gold"'* || $d == *'removed $.legacy true '* ]] || fail "no key-level JSON diff: $d"
}

t_replaced_rows_are_paired() {
	# ids 5 and 10 deleted and inserted again as 100005 and 100010 with the same values
	assert_eq 2 "$(rj '.comparable.tables.acc.replaced.count')"
	assert_eq '5>100005,10>100010' "$(rj '[.comparable.tables.acc.replaced.sample[] | "\(.old_key[0])>\(.new_key[0])"] | join(",")')"
	# without samples the count stays
	dd -q report "$W/s.db" -o none --samples 0 --format json >/dev/null
	assert_eq '2 0 0' "$(jq -r '.comparable.tables.acc | "\(.replaced.count) \(.replaced.sample | length) \(.sample.updates | length)"' none/report.json)"
}

t_replaced_rows_paired_by_natural_key() {
	# users 1 and 2 move to new ids 101 and 102 keyed by email (1 renamed);
	# user 3 leaves; 4 (NULL email) is deleted and inserted as 104: a NULL
	# names nothing, so it is no pair
	mkdir -p fx/app nk
	cat >fx/fixture.json <<'EOF2'
{"drydock_fixture": 1, "sources": [{"name": "app", "snapshot_at": "2026-01-01 00:00:00+00", "tables": [
 {"name": "users", "file": "app/users.jsonl", "rows": 4,
  "columns": [{"name": "id", "type": "integer"}, {"name": "email", "type": "text"}, {"name": "name", "type": "text"}],
  "constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
EOF2
	printf '%s\n' '{"id":1,"email":"a@x","name":"Ann"}' '{"id":2,"email":"b@x","name":"Bob"}' \
		'{"id":3,"email":"c@x","name":"Cy"}' '{"id":4,"email":null,"name":"Dee"}' >fx/app/users.jsonl
	cat >nk/plan.json <<'EOF2'
{"name": "nk", "sources": {"app": {"tables": [{"name": "users", "natural_key": ["email"]}]}},
 "steps": [{"name": "move", "sql": "move.sql"}]}
EOF2
	echo "INSERT INTO users SELECT id + 100, email, CASE WHEN id = 1 THEN 'Anna' ELSE name END FROM users WHERE id <> 3;
DELETE FROM users WHERE id < 100;" >nk/move.sql
	dd -q snapshot --plan nk --fixture fx -o nk.db >/dev/null && dd -q run nk.db --plan nk --no-check >/dev/null &&
		dd -q report nk.db -o nkr >/dev/null || fail "the dry run failed"
	r=nkr/report.json
	assert_eq '2 ["email"]' "$(jq -c '.comparable.tables.users.replaced | "\(.count) \(.natural_key)"' -r $r)"
	assert_eq '1>101:name|2>102:' "$(jq -r '[.comparable.tables.users.replaced.sample[] | "\(.old_key[0])>\(.new_key[0]):\(.changed | join(","))"] | join("|")' $r)"
	assert_eq '"Ann" "Anna"' "$(jq -r '.comparable.tables.users.replaced.sample[0] | "\(.old[2] | tojson) \(.new[2] | tojson)"' $r)"
	# one replacement a row in Markdown and HTML, with what else differs
	grep -q '^| a@x | 1 | 101 | name: `Ann` → `Anna` |$' nkr/report.md || fail "Markdown has no replaced row 1 -> 101"
	grep -q 'paired by the natural key email' nkr/report.md || fail "Markdown does not name the natural key"
	grep -q '<table class="grid replaced" data-replaced>' nkr/report.html || fail "HTML has no replaced rows"
	grep -q 'paired by the natural key <span class="mono">email</span>' nkr/report.html || fail "HTML does not name the natural key"
	# a pair is one replaced row, not also an insert and a delete: 104 is
	# the one other insert, 3 and 4 the other deletes, in every format
	assert_eq '104|3,4|1 2' "$(jq -r '.comparable.tables.users | "\([.sample.inserts[].key[0]] | join(","))|\([.sample.deletes[].key[0]] | join(","))|\(.replaced.other_inserts) \(.replaced.other_deletes)"' $r)"
	assert_eq '4 3 3 4' "$(jq -r '.comparable.tables.users | "\(.rows_before) \(.rows_after) \(.inserts) \(.deletes)"' $r)"
	grep -q '^| users | primary key (id) | 4 | 3 | 1 | 0 | 2 | 2 |  |$' nkr/report.md || fail "Markdown tables row: $(grep '^| users' nkr/report.md)"
	grep -q '^| \*\*total\*\* | | 4 | 3 | 1 | 0 | 2 | 2 | |$' nkr/report.md || fail "Markdown total row: $(grep 'total' nkr/report.md)"
	grep -q '<summary>users: 0 updates, 1 inserts, 2 deletes, 2 replaced</summary>' nkr/report.md || fail "Markdown sample summary"
	grep -q '^Inserts (1 of 1):' nkr/report.md && grep -q '^Deletes (2 of 2):' nkr/report.md || fail "Markdown sample counts"
	grep -q '2 replaced (delete + insert under a new key, paired by the natural key email); besides them 1 insert and 2 deletes' nkr/report.md ||
		fail "Markdown value-change line"
	grep -q 'data-k="inserts">+1 insert</span>' nkr/report.html && grep -q 'data-k="deletes">&minus;2 deletes</span>' nkr/report.html &&
		grep -q 'data-k="replaced"[^>]*>2 replaced</span>' nkr/report.html || fail "HTML counts"
	grep -q '<div class="value c-ins">1</div><div class="note">besides 2 replaced</div>' nkr/report.html || fail "HTML totals"
	# the bar chart draws the 2 replaced rows as such on both bars (236 px
	# for 4 rows): before 2 replaced + 2 deleted, after 2 replaced + 1 inserted
	chart=$(grep -o '<svg class="chart" data-table="users".*</svg>' nkr/report.html | sed 's|</svg>.*|</svg>|')
	[[ $chart == *'<rect class="bar-before bar-rep" x="56.0" y="8.0" width="118.0"'* &&
		$chart == *'<rect class="bar-before bar-del" x="174.0" y="8.0" width="118.0"'* &&
		$chart == *'<rect class="bar-after bar-rep" x="56.0" y="42.0" width="118.0"'* &&
		$chart == *'<rect class="bar-after bar-ins" x="174.0" y="42.0" width="59.0"'* ]] || fail "chart bars: $chart"
	[[ $chart != *'bar-upd'* && $chart != *'class="bar-before" '* ]] || fail "chart has updated or unchanged rows: $chart"
	grep -q '</i>replaced</span>' nkr/report.html || fail "chart legend has no replaced"
	# a natural key the table does not have is refused by nothing but pairs nothing
	sed -i 's/"natural_key": \["email"\]/"natural_key": ["mail"]/' nk/plan.json
	dd -q snapshot --plan nk --fixture fx -o nk2.db >/dev/null && dd -q run nk2.db --plan nk --no-check >/dev/null &&
		dd -q report nk2.db -o nkr2 --format json >/dev/null || fail "the second dry run failed"
	assert_eq null "$(jq -c '.comparable.tables.users.replaced.natural_key' nkr2/report.json)"
	# an unknown key in the table object is still refused
	sed -i 's/"natural_key"/"natural_keys"/' nk/plan.json
	dd -q snapshot --plan nk --fixture fx -o nk3.db >/dev/null 2>err.txt && fail "natural_keys accepted"
	grep -q 'unknown key "natural_keys"' err.txt || fail "no unknown-key error: $(cat err.txt)"
}

t_replaced_rows_not_sampled_again() {
	# 40 users: 30 move to new ids by email, 5 leave, 5 new ones come.
	# With 4 samples drawn at random from the others, no sampled insert or
	# delete may be half of a pair (before, 4 of 35 inserts drawn from all
	# of them were mostly replacements).
	mkdir -p fx2/app nk4
	cat >fx2/fixture.json <<'EOF2'
{"drydock_fixture": 1, "sources": [{"name": "app", "snapshot_at": "2026-01-01 00:00:00+00", "tables": [
 {"name": "users", "file": "app/users.jsonl", "rows": 40,
  "columns": [{"name": "id", "type": "integer"}, {"name": "email", "type": "text"}],
  "constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
EOF2
	for i in $(seq 1 40); do printf '{"id":%d,"email":"u%d@x"}\n' "$i" "$i"; done >fx2/app/users.jsonl
	cat >nk4/plan.json <<'EOF2'
{"name": "nk", "sources": {"app": {"tables": [{"name": "users", "natural_key": ["email"]}]}},
 "steps": [{"name": "move", "sql": "move.sql"}]}
EOF2
	echo "INSERT INTO users SELECT id + 100, email FROM users WHERE id <= 30;
INSERT INTO users SELECT id + 200, 'new' || id || '@x' FROM users WHERE id <= 5;
DELETE FROM users WHERE id <= 35;" >nk4/move.sql
	dd -q snapshot --plan nk4 --fixture fx2 -o nk4.db >/dev/null && dd -q run nk4.db --plan nk4 --no-check >/dev/null &&
		dd -q report nk4.db -o nk4r --samples 4 >/dev/null || fail "the dry run failed"
	r=nk4r/report.json
	assert_eq '30 5 5' "$(jq -r '.comparable.tables.users.replaced | "\(.count) \(.other_inserts) \(.other_deletes)"' $r)"
	assert_eq 4 "$(jq '.comparable.tables.users.sample.inserts | length' $r)"
	assert_eq 4 "$(jq '.comparable.tables.users.sample.deletes | length' $r)"
	# the others: inserts 201-205, deletes 31-35
	assert_eq 0 "$(jq '[.comparable.tables.users.sample.inserts[].key[0] | tonumber | select(. < 201 or . > 205)] | length' $r)"
	assert_eq 0 "$(jq '[.comparable.tables.users.sample.deletes[].key[0] | tonumber | select(. < 31 or . > 35)] | length' $r)"
	# seeded: the same rows again
	dd -q report nk4.db -o nk4r2 --samples 4 --format json >/dev/null
	assert_eq "$(jq -c '.comparable.tables.users.sample' $r)" "$(jq -c '.comparable.tables.users.sample' nk4r2/report.json)"
	grep -q '^Inserts (4 of 5):' nk4r/report.md && grep -q '^Deletes (4 of 5):' nk4r/report.md || fail "Markdown sample counts"
}

t_one_read_equals_two_scans() {
	# The report reads the working table beside the change set and derives
	# the snapshot's figures; reading both tables (and each changed numeric
	# column again for its histogram) must give the same report.
	DD_REPORT_FULL_SCAN=1 dd -q report "$W/s.db" -o full --samples 12 >/dev/null
	out=$(dd diff "$W/r/report.json" full/report.json --ignore timings) || fail "the two ways differ: $out"
	# a float column's sum does not depend on the order rows are read in
	assert_eq "$(rj "$P.score.after.sum")" "$(jq -r "$P.score.after.sum" full/report.json)"
}

t_a_change_set_that_does_not_match_is_refused() {
	# the working table and the change set are read side by side, each by
	# a thread of its own: a change the working table does not hold, or an
	# old row of another width, stops the report with the reason
	local sql
	for sql in "UPDATE dd_change SET key = '[\"77777\"]' WHERE tbl = 'acc' AND seq = (SELECT max(seq) FROM dd_change WHERE tbl = 'acc' AND op = 'U')" \
		"UPDATE dd_change SET old_row = '[\"1\"]' WHERE tbl = 'acc' AND seq = (SELECT min(seq) FROM dd_change WHERE tbl = 'acc' AND op = 'D')"; do
		cp "$W/s.db" bad.db
		sqlite3 bad.db "$sql"
		run dd -q report bad.db -o bad --format json
		assert_eq 3 "$status" "exit status of a report of a change set that does not match"
		grep -q "the change set of table 'acc' does not match its working table" "$T/err" || fail "no reason: $(cat "$T/err")"
	done
	# unchanged, the same file reports again (the readers leave nothing behind)
	dd -q report "$W/s.db" -o again --samples 12 --format json >/dev/null || fail "the report failed"
	out=$(dd diff "$W/r/report.json" again/report.json --ignore timings) || fail "the second report differs: $out"
}

t_array_columns_diff_by_element() {
	# PostgreSQL arrays of a sampled update say which elements were added
	# and removed; PostgreSQL gives the expected ones (old EXCEPT ALL new,
	# new EXCEPT ALL old, each element as array_out quotes it)
	local steps="UPDATE tg SET tags = array_append(tags, 'new tag') WHERE id = 1;
UPDATE tg SET tags = array_remove(tags, 'c d') WHERE id = 2;
UPDATE tg SET tags = ARRAY['x'] || tags WHERE id = 3;
UPDATE tg SET tags = array_replace(tags, 'c', NULL) WHERE id = 4;
UPDATE tg SET grid = '{{1,2},{3,5}}' WHERE id = 5;"
	pg_createdb arrs
	pg_psql -d arrs -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || fail "cannot make the table"
CREATE TABLE tg (id int PRIMARY KEY, tags text[], grid int[]);
INSERT INTO tg VALUES (1, '{a,b,c}', NULL), (2, '{a,b,"c d"}', NULL), (3, '{a}', NULL),
    (4, '{c,"quo\"te"}', NULL), (5, '{}', '{{1,2},{3,4}}');
CREATE TABLE tg_before AS SELECT * FROM tg;
SQL
	mkdir -p ap
	echo '{"name": "arrays", "sources": {"app": {"tables": ["tg"]}}, "steps": [{"name": "edit", "sql": "edit.sql"}]}' >ap/plan.json
	echo "$steps" >ap/edit.sql
	dd -q snapshot --plan ap --source "postgresql://postgres@/arrs?host=$PGHOST&port=$PGPORT" -o a.db >/dev/null &&
		dd -q run a.db --plan ap --no-check >/dev/null && dd -q report a.db -o ar >/dev/null || fail "the dry run failed"
	pg_psql -d arrs -v ON_ERROR_STOP=1 >/dev/null -c "$steps" || fail "PostgreSQL refused the steps"
	local id expect got
	for id in 1 2 3 4; do
		expect=$(pg_psql -d arrs -At -c "SELECT
  (SELECT coalesce(string_agg(trim(both '{}' FROM ARRAY[x]::text), ',' ORDER BY trim(both '{}' FROM ARRAY[x]::text) COLLATE \"C\"), '')
     FROM (SELECT unnest(b.tags) EXCEPT ALL SELECT unnest(a.tags)) s(x)) || '|' ||
  (SELECT coalesce(string_agg(trim(both '{}' FROM ARRAY[x]::text), ',' ORDER BY trim(both '{}' FROM ARRAY[x]::text) COLLATE \"C\"), '')
     FROM (SELECT unnest(a.tags) EXCEPT ALL SELECT unnest(b.tags)) s(x))
  FROM tg a JOIN tg_before b USING (id) WHERE id = $id")
		got=$(jq -r --argjson id "$id" '.comparable.tables.tg.sample.updates[] | select(.key[0] == ($id | tostring)) | .array_diff.tags |
			"\([.[] | select(.op == "removed") | .old] | sort | join(","))|\([.[] | select(.op == "added") | .new] | sort | join(","))"' ar/report.json)
		assert_eq "$expect" "$got" "elements removed|added of row $id"
	done
	# where: PostgreSQL subscripts, from 1 (row 3: 'x' put in front is one
	# element added at [1], the others kept); a two-dimensional array by cell
	assert_eq 'added [1] x' "$(jq -r '.comparable.tables.tg.sample.updates[] | select(.key[0] == "3") | .array_diff.tags[] | "\(.op) \(.path) \(.new)"' ar/report.json)"
	assert_eq 'removed [2][2] 4|added [2][2] 5' "$(jq -r '[.comparable.tables.tg.sample.updates[] | select(.key[0] == "5") | .array_diff.grid[] | "\(.op) \(.path) \(.old // .new)"] | join("|")' ar/report.json)"
	assert_eq 'removed [3] "c d"' "$(jq -r '.comparable.tables.tg.sample.updates[] | select(.key[0] == "2") | .array_diff.tags[] | "\(.op) \(.path) \(.old)"' ar/report.json)"
	[[ $(jq '[.comparable.tables.tg.sample.updates[] | select(.json_diff)] | length' ar/report.json) == 0 ]] || fail "arrays taken for JSON"
	# the JSON report is valid against its schema; Markdown and HTML list the elements
	"$REPO/build/jsoncheck" "$REPO/schema/report.schema.json" ar/report.json >/dev/null || fail "report.json is not of its schema"
	grep -qxF '| 1 | tags | added \[4\] | \[4\] `"new tag"` |' ar/report.md || fail "Markdown row 1: $(grep '^| 1 |' ar/report.md)"
	grep -q '<li data-op="added"><span class="mono">\[1\]</span> <mark>x</mark>' ar/report.html || fail "HTML has no element diff"
}

t_report_renders_value_changes() {
	md=$W/r/report.md html=$W/r/report.html
	grep -q 'kind.*buy.*→.*purchase' "$md" || fail "Markdown has no transitions"
	grep -q '<svg class="hist"' "$html" || fail "HTML has no histogram"
	grep -q 'data-profile="balance"' "$html" || fail "HTML has no profile of balance"
	grep -q 'replaced' "$html" || fail "HTML does not show replaced rows"
}

t_long_values_keep_memory_bounded() {
	# 900 distinct 10 kB values: under the count bound (1,000) but over the
	# 8 MB the table's value maps may keep, so the counts stop being exact
	# and say so; the distinct figure becomes an estimate
	mkdir -p lfx/app lp
	awk 'BEGIN { for (i = 1; i <= 900; i++) { v = sprintf("%09d", i); s = "";
		while (length(s) < 10000) s = s v "-";
		printf "{\"id\": %d, \"body\": \"%s\"}\n", i, substr(s, 1, 10000) } }' >lfx/app/docs.jsonl
	cat >lfx/fixture.json <<-'JSON'
	{"drydock_fixture": 1, "sources": [{"name": "app", "schema": "public", "enums": {}, "tables": [
	 {"name": "docs", "file": "app/docs.jsonl", "rows": 900,
	  "columns": [{"name": "id", "type": "bigint", "not_null": true}, {"name": "body", "type": "text"}],
	  "constraints": [{"name": "docs_pkey", "type": "primary key", "columns": ["id"]}]}]}]}
	JSON
	echo '{"name": "long", "sources": {"app": {"tables": ["docs"]}}, "steps": [{"name": "s", "sql": "s.sql"}]}' >lp/plan.json
	echo "UPDATE docs SET body = upper(body) || '!';" >lp/s.sql
	dd -q snapshot --plan lp --fixture lfx -o l.db
	dd -q run l.db --plan lp --no-check
	dd -q report l.db -o lr --format json
	local p='.comparable.tables.docs'
	assert_eq "false false false" "$(jq -r "$p | [.profile.body.before.distinct_exact, .profile.body.after.distinct_exact, .value_changes.body.transitions_exact] | map(tostring) | join(\" \")" lr/report.json)"
	assert_eq "900 900 10000 10001" "$(jq -r "$p.profile.body | [.before.rows, .after.rows, .before.mean_length, .after.mean_length] | map(tostring) | join(\" \")" lr/report.json)"
	local d
	for d in $(jq -r "$p.profile.body | .before.distinct, .after.distinct" lr/report.json); do
		((d >= 855 && d <= 945)) || fail "distinct estimate $d is not within 5% of 900"
	done
}

run_tests
