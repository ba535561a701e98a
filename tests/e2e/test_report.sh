#!/usr/bin/env bash
# drydock report and drydock diff: canonical JSON, Markdown, HTML, every
# kind of difference, bad input.  No PostgreSQL: the staging files come
# from a small fixture written here.
source "$(dirname "$0")/../lib/testlib.sh"

# make_fixture DIR: two tables, one value that looks like markup.
make_fixture() {
	local d=$1
	mkdir -p "$d/app"
	cat >"$d/fixture.json" <<'EOF'
{"drydock_fixture": 1,
 "sources": [{"name": "app", "snapshot_at": "2026-01-01 00:00:00+00",
  "tables": [
   {"name": "users", "file": "app/users.jsonl", "rows": 4,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "email", "type": "text"},
                {"name": "active", "type": "boolean"}],
    "constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]},
   {"name": "posts", "file": "app/posts.jsonl", "rows": 3,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "user_id", "type": "integer"},
                {"name": "title", "type": "text"}],
    "constraints": [{"name": "posts_pkey", "type": "primary key", "columns": ["id"]},
                    {"name": "posts_user_id_fkey", "type": "foreign key", "columns": ["user_id"],
                     "references": {"table": "users", "columns": ["id"]}}]}
  ]}]}
EOF
	printf '%s\n' '{"id":1,"email":"a@x","active":true}' \
		'{"id":2,"email":"b@x","active":false}' \
		'{"id":3,"email":"<script>alert(1)</script>","active":true}' \
		'{"id":4,"email":null,"active":true}' >"$d/app/users.jsonl"
	printf '%s\n' '{"id":1,"user_id":1,"title":"hello"}' \
		'{"id":2,"user_id":2,"title":"bye"}' \
		'{"id":3,"user_id":9,"title":"orphan | *stars*"}' >"$d/app/posts.jsonl"
}

# make_plan DIR [VARIANT]: upper-cases emails, adds a user, deletes the
# orphan post.  Variant 2 updates fewer rows and inserts one more.
make_plan() {
	local d=$1 variant=${2:-1}
	mkdir -p "$d"
	cat >"$d/plan.json" <<'EOF'
{"name": "demo", "dialect": "sqlite", "description": "Upper-case emails & clean up orphans",
 "sources": {"app": {"tables": ["users", "posts"]}},
 "steps": [{"name": "upper", "sql": "upper.sql"}, {"name": "cleanup", "sql": "cleanup.sql"}]}
EOF
	if [[ $variant == 1 ]]; then
		echo "UPDATE users SET email = upper(email), active = 1 WHERE email IS NOT NULL;
INSERT INTO users VALUES (5, 'new@x', 0);" >"$d/upper.sql"
	else
		echo "UPDATE users SET email = upper(email) WHERE id < 3;
INSERT INTO users VALUES (5, 'new@x', 0), (6, 'z@x', 1);" >"$d/upper.sql"
	fi
	echo "DELETE FROM posts WHERE user_id NOT IN (SELECT id FROM users);" >"$d/cleanup.sql"
}

# stage OUT FIXTURE PLAN: snapshot and run (without checks: the tests that
# need check results plant their own).
stage() {
	dd -q snapshot --plan "$3" --fixture "$2" -o "$1" >/dev/null &&
		dd -q run "$1" --plan "$3" --no-check >/dev/null
}

setup_file() {
	export W=$T/shared
	mkdir -p "$W"
	make_fixture "$W/fix"
	make_plan "$W/plan"
	make_plan "$W/plan2" 2
	stage "$W/a.db" "$W/fix" "$W/plan"
	stage "$W/a2.db" "$W/fix" "$W/plan"
	stage "$W/b.db" "$W/fix" "$W/plan2"
	dd -q snapshot --plan "$W/plan" --fixture "$W/fix" -o "$W/norun.db" >/dev/null
}

# json_num FILE KEY: the first number after "KEY": in a canonical report.
json_num() {
	grep -m1 -o "\"$2\": [0-9.]*" "$1" | sed 's/.*: //'
}

# ------------------------------------------------------------ report

t_report_writes_three_files_beside_the_staging_file() {
	cp "$W/a.db" s.db
	run dd report s.db
	assert_status 0
	assert_out_contains "wrote s-report/report.json"
	assert_file_exists s-report/report.json
	assert_file_exists s-report/report.md
	assert_file_exists s-report/report.html
	assert_no_file reports
	[[ -z $(find s-report -name '*.tmp') ]] || fail "temporary files left behind"
	grep -q '^  "drydock_report": 1,$' s-report/report.json || fail "no format version"
}

t_report_output_folder_and_formats() {
	# (not "out": testlib's run keeps stdout in ./out)
	run dd report "$W/a.db" -o rep/x --format json,html
	assert_status 0
	assert_file_exists rep/x/report.json
	assert_file_exists rep/x/report.html
	assert_no_file rep/x/report.md
	run dd report "$W/a.db" -o rep/y --format md
	assert_status 0
	assert_file_exists rep/y/report.md
	assert_no_file rep/y/report.json
}

t_report_content_matches_the_change_set() {
	run dd report "$W/a.db" -o r
	assert_status 0
	run dd changes "$W/a.db"
	hash=$(sed -n '1s/^change set \([0-9a-f]*\):.*/\1/p' "$T/out")
	[[ ${#hash} == 64 ]] || fail "no hash from drydock changes"
	grep -q "\"hash\": \"$hash\"" r/report.json || fail "report hash differs from the change set's"
	# users: 4 before, 5 after, 1 insert, 3 updates; email changed in 3 rows
	users=$(sed -n '/^    "tables": {/,/^    },/p' r/report.json | sed -n '/^      "users": {/,/^      }/p')
	[[ $users == *'"rows_before": 4,'* && $users == *'"rows_after": 5,'* ]] || fail "users row counts: $users"
	[[ $users == *'"inserts": 1,'* && $users == *'"updates": 3'* && $users == *'"deletes": 0,'* ]] ||
		fail "users change counts"
	[[ $users == *'"email": 3'* && $users == *'"active": 1'* ]] || fail "per-column counts"
	grep -q '"columns_after": \["id", "email", "active"\]' r/report.json || fail "column list"
	# seed 000 completion, seed 004 validation summary, seed 002 row counts per source table
	assert_eq 100 "$(json_num r/report.json percent)"
	grep -q '"totalChecks": 0' r/report.json || fail "no validation summary"
	grep -q '"overallStatus": "not checked"' r/report.json || fail "no overall status"
	grep -q '"migrated": 4' r/report.json || fail "no per-table migrated count"
	# values in PostgreSQL text form: booleans as t/f, integers as text
	grep -q '"new": \["5", "new@x", "f"\]' r/report.json || fail "insert sample not in PostgreSQL text"
	# steps with their rows; durations only under timings
	grep -q '"name": "upper",' r/report.json || fail "no step"
	comparable=$(sed -n '/^  "comparable": {/,/^  },/p' r/report.json)
	[[ $comparable != *duration* && $comparable != *_at\"* ]] || fail "wall-clock data in the comparable part"
	grep -q '"duration_ms":' r/report.json || fail "no timings"
}

t_report_json_is_canonical() {
	run dd report "$W/a.db" -o r1
	assert_status 0
	run dd report "$W/a.db" -o r2
	assert_status 0
	# only the time of writing may differ (the same second or not)
	diff r1/report.json r2/report.json >d.txt || true
	case $(grep -c '^[<>]' d.txt) in
	0) ;;
	2) grep -q '^< *"at": ' d.txt && grep -q '^> *"at": ' d.txt || fail "unexpected difference: $(cat d.txt)" ;;
	*) fail "reports differ in more than the time written: $(cat d.txt)" ;;
	esac
	run dd diff r1/report.json r2/report.json
	assert_status 0
	assert_out_contains "reports are equal"
	# keys sorted at every level: the sections, and a table's members
	assert_eq "comparable context drydock_report generated timings" \
		"$(grep -o '^  "[a-z_]*"' r1/report.json | tr -d ' "' | tr '\n' ' ' | sed 's/ $//')"
	keys=$(sed -n '/^      "users": {/,/^      }/p' r1/report.json | grep -o '^        "[a-z_]*"' | tr -d ' "')
	assert_eq "$(sort <<<"$keys")" "$keys" "table keys are not sorted"
}

t_report_same_plan_two_staging_files_equal() {
	run dd report "$W/a.db" -o ra
	run dd report "$W/a2.db" -o rb
	run dd diff ra rb --ignore timings,context
	assert_status 0
	assert_out_contains "reports are equal"
	assert_out_contains "ignored: context timings"
	# context (staging file, times) is compared unless ignored
	run dd diff ra rb --ignore timings
	assert_status 1
	assert_out_contains "context: staging_file"
}

t_report_samples_limit() {
	run dd report "$W/a.db" -o r --samples 2 --format json
	assert_status 0
	n=$(sed -n '/^      "users": {/,/^      }/p' r/report.json | sed -n '/"updates": \[/,/^          \]/p' | grep -c '"key":')
	assert_eq 2 "$n" "updates sampled"
	run dd report "$W/a.db" -o r0 --samples 0 --format json
	[ "$(jq '[.comparable.tables[] | (.sample // {})[] | length] | add // 0' r0/report.json)" = 0 ] ||
		fail "--samples 0 still samples rows"
	grep -q '"updates": 3' r0/report.json || fail "counts must not depend on samples"
}

t_report_before_any_run() {
	run dd report "$W/norun.db" -o r
	assert_status 0
	grep -q '"status": "not run"' r/report.json || fail "status not 'not run'"
	grep -q '"hash": null' r/report.json || fail "hash should be null"
	grep -q 'data-before="4"' r/report.html || fail "no chart of the snapshot"
	assert_out_contains "report.md"
}

t_report_escapes_values() {
	run dd report "$W/a.db" -o r
	assert_status 0
	grep -q '<script>alert' r/report.html && fail "HTML holds a raw <script> from the data"
	grep -q 'script&gt;alert(1)&lt;/script' r/report.html || fail "value not escaped in HTML"
	grep -q '<script' r/report.html && fail "the page has a script element"
	grep -q 'http-equiv="Content-Security-Policy"' r/report.html || fail "no CSP"
	grep -Eq '(src|href)="https?:' r/report.html && fail "the page loads from the network"
	grep -q '\\<script\\>alert(1)\\</script\\>' r/report.md || fail "value not escaped in Markdown"
	grep -q 'orphan \\| \\\*stars\\\*' r/report.md || fail "table cell not escaped in Markdown"
	grep -q '^| users | primary key (id) | 4 | 5 | 1 | 3 | 0 | email (3), active (1) |$' r/report.md ||
		fail "Markdown table row: $(grep '^| users' r/report.md)"
}

t_report_checks_approval_and_push_sections() {
	cp "$W/a.db" s.db
	h=$(sqlite3 s.db 'SELECT hash FROM dd_changeset')
	sqlite3 s.db "
INSERT INTO dd_check_run VALUES (1, '2026-01-02T00:00:00Z', 1, '$h', 'all', 1, 0, 1);
INSERT INTO dd_check_result VALUES (1, 1, 'fk posts_user_id_fkey', 'builtin', 'error', 'fail', 2, '[[\"3\"],[\"7\"]]', 'posts.user_id references no user', 1.25);
INSERT INTO dd_check_result VALUES (1, 2, 'at most 5000 rows touched', 'gate', 'error', 'pass', 0, '[]', NULL, 0.5);
INSERT INTO dd_approval VALUES (1, '$h', 'alice', 'ok <b>', '2026-01-03T00:00:00Z', 1);
INSERT INTO dd_push VALUES (1, 'push', 'host=db dbname=app user=deploy', '$h', 7, '2026-01-04T00:00:00Z', '2026-01-04T00:00:02Z', 'applied', '{\"users\":{\"inserted\":1,\"updated\":3,\"deleted\":0}}', NULL);
INSERT INTO dd_schema_change VALUES (1, 'before', 'add_column', 'users', '{\"op\":\"add_column\"}', 0, 'ALTER TABLE public.users ADD COLUMN nick text;', 'CREATE INDEX users_nick_idx ON public.users (nick);', '', 'ALTER TABLE public.users DROP COLUMN nick;', NULL);"
	run dd report s.db -o r
	assert_status 0
	grep -q '"status": "checks failed"' r/report.json || fail "status should be 'checks failed'"
	grep -q '"totalChecks": 2' r/report.json || fail "totalChecks"
	posts=$(sed -n '/^    "validation": {/,/^    }/p' r/report.json | sed -n '/^        "posts": {/,/^        }/p')
	[[ $posts == *'"failed": 2,'* ]] || fail "failed rows not attributed to posts (fk constraint): $posts"
	grep -q '"approved_by": "alice"' r/report.json || fail "approval missing"
	grep -q '"current": true' r/report.json || fail "approval should be current"
	grep -q '"ledger_id": 7' r/report.json || fail "push missing"
	grep -q '"ddl": "ALTER TABLE public.users ADD COLUMN nick text;"' r/report.json || fail "schema change DDL"
	grep -q 'data-lifecycle="pushed"' r/report.html || fail "no pushed badge"
	grep -q 'data-status="checks failed"' r/report.html || fail "no checks-failed badge"
	grep -q 'fk posts_user_id_fkey' r/report.html || fail "check missing from HTML"
	grep -q 'ok &lt;b&gt;' r/report.html || fail "approval note not escaped"
	grep -q 'ALTER TABLE public.users ADD COLUMN nick text;' r/report.html || fail "DDL missing from HTML"
	grep -q '"ddl_post": "CREATE INDEX users_nick_idx ON public.users (nick);"' r/report.json || fail "DDL after the data"
	grep -q 'after the data</div><pre class="ddl">CREATE INDEX users_nick_idx' r/report.html || fail "DDL after the data in HTML"
	grep -q '^| \*\*error\*\* | fk posts\\_user\\_id\\_fkey' r/report.md || fail "check missing from Markdown"
	# what blocks approval comes first in every format: JSON, Markdown, HTML, stdout
	sed -n 3,4p r/report.json | grep -q '"blockers": {' || fail "blockers not first in report.json: $(sed -n 1,5p r/report.json)"
	grep -q '"reason": "error-severity checks failed"' r/report.json || fail "blocking reason"
	grep -q '"approvable": false' r/report.json || fail "approvable"
	[[ $(sed -n 3p r/report.md) == '## ⛔ Blocks approval: error-severity checks failed' ]] ||
		fail "Markdown does not open with what blocks approval: $(sed -n 1,4p r/report.md)"
	grep -q '^| \*\*fk posts\\_user\\_id\\_fkey\*\*: posts.user\\_id references no user | builtin | 2 | 3 |$' r/report.md ||
		fail "failed check with count and sample key: $(sed -n 5,8p r/report.md)"
	first=$(grep -o 'id="blockers"\|class="hero"\|id="tables"' r/report.html | head -1)
	assert_eq 'id="blockers"' "$first" "first block of the HTML page"
	grep -q 'data-approvable="false"' r/report.html || fail "HTML blockers not marked"
	assert_out_contains "blocks approval: error-severity checks failed"
	assert_out_contains "  failed builtin 'fk posts_user_id_fkey': 2 violations, e.g. [\"3\"]"
	[[ $(head -1 "$T/out") == "blocks approval: error-severity checks failed" ]] || fail "stdout does not open with the blockers"
	# passing checks are summarised in one folded line, not one line each
	grep -q '^<details><summary>1 passed</summary>$' r/report.md || fail "passing checks not summarised"
	# no empty header row, no absolute paths
	grep -q '^| | |' r/report.md && fail "empty header row in Markdown"
	grep -q "$T" r/report.md && fail "an absolute path of this machine in the Markdown"
	grep -q '^```sql$' r/report.md || fail "DDL not fenced in Markdown"
	grep -q '^## Push and rollback' r/report.md || fail "no push section in Markdown"
}

t_report_markdown_fits_a_pull_request_comment() {
	cp "$W/a.db" s.db
	h=$(sqlite3 s.db 'SELECT hash FROM dd_changeset')
	# 3000 checks with long names (30 failing) and a failed push without a message
	{
		echo "BEGIN; INSERT INTO dd_check_run VALUES (1, '2026-01-02T00:00:00Z', 1, '$h', 'all', 30, 0, 1);"
		for i in $(seq 1 3000); do
			st=pass n=0
			((i % 100 == 0)) && st=fail n=1
			echo "INSERT INTO dd_check_result VALUES (1, $i, 'check number $i with a rather long name that says what it verifies in words', 'plan', 'error', '$st', $n, '[[\"$i\"]]', NULL, 1);"
		done
		# 400 schema changes with long DDL: more than a comment holds
		for i in $(seq 1 400); do
			echo "INSERT INTO dd_schema_change VALUES ($i, 'before', 'add_column', 'users', '{}', 0, 'ALTER TABLE public.users ADD COLUMN c$i text DEFAULT ''a default long enough to take some room in the comment'';', '', '', 'ALTER TABLE public.users DROP COLUMN c$i;', '');"
		done
		echo "INSERT INTO dd_push VALUES (1, 'push', 'host=db dbname=app', '$h', NULL, '2026-01-04T00:00:00Z', '2026-01-04T00:00:02Z', 'failed', NULL, NULL); COMMIT;"
	} | sqlite3 s.db
	run dd report s.db -o r --format md
	assert_status 0
	size=$(wc -c <r/report.md)
	((size < 65536)) || fail "report.md is $size bytes, over GitHub's comment limit"
	grep -q '^\*\*Truncated\*\*: [0-9,]* more characters did not fit in a pull-request comment; see the HTML report (report.html) for the rest.$' r/report.md ||
		fail "no truncation line"
	# the failures survive the cut: first in the blockers (20 of 30), then in their section
	grep -q '^| \*\*check number 100 with' r/report.md || fail "first failed check missing"
	grep -q '^| and 10 more failed checks (see below) | | | |$' r/report.md || fail "blockers not bounded"
	assert_eq 30 "$(grep -c '^| \*\*error\*\* | check number' r/report.md)" "failed checks in their section"
	grep -q '^<details><summary>2970 passed</summary>$' r/report.md || fail "passing checks not summarised"
	grep -q '; and 2770 more in the HTML report$' r/report.md || fail "passing check names not bounded"
	grep -q '^## Schema changes' r/report.md && fail "the schema changes should not fit"
	grep -q '^## Push and rollback' r/report.md || fail "push section cut"
	grep -q 'no message recorded; the error is in the output of that push' r/report.md ||
		fail "failed push shows an empty message"
	tail -1 r/report.md | grep -q '^\*Written by drydock' || fail "footer missing"
}

t_changes_escapes_values_and_says_what_is_left() {
	mkdir -p q
	cat >q/plan.json <<'EOF'
{"name": "quotes", "dialect": "sqlite", "sources": {"app": {"tables": ["users", "posts"]}},
 "steps": [{"name": "names", "sql": "names.sql"}]}
EOF
	printf '%s\n' "UPDATE users SET email = 'O''Brien' WHERE id = 1;" \
		"UPDATE users SET email = 'two' || char(10) || 'lines \\ here' WHERE id = 2;" \
		"UPDATE users SET email = 'x' || id WHERE id > 2;" >q/names.sql
	stage s.db "$W/fix" q
	run dd changes s.db --table users --limit 2
	assert_status 0
	assert_out_contains "  email 'a@x' -> 'O''Brien'"
	assert_out_contains "  email 'b@x' -> E'two\\nlines \\\\ here'"
	assert_out_contains "... 2 more changes not shown (4 in all); --limit 0 shows every one"
	run dd changes s.db --table users --limit 0
	assert_status 0
	grep -q 'more changes not shown' "$T/out" && fail "all rows shown, yet more announced"
	# a table that is not there: an error with the closest name, not an empty list
	run dd changes s.db --table user
	assert_status 2
	assert_err_contains "no table 'user' in the change set"
	assert_err_contains "Did you mean 'users'?"
	# a target table without changes is no error
	run dd changes s.db --table posts
	assert_status 0
}

t_report_bad_input() {
	run dd report nothere.db
	assert_status 3
	assert_err_contains "does not exist"
	echo "not sqlite" >junk.db
	run dd report junk.db
	assert_status 3
	assert_err_contains "not a drydock staging file"
	run dd report "$W/a.db" --format pdf
	assert_status 2
	assert_err_contains "--format"
	run dd report "$W/a.db" --samples -1
	assert_status 2
	assert_err_contains "drydock: error: --samples needs a number from 0 to 1000"
	run dd report
	assert_status 2
	assert_err_contains "drydock: error: give one staging file"
	assert_err_contains "hint: Run 'drydock report --help' for usage."
}

t_report_unwritable_output_folder() {
	echo x >afile
	run dd report "$W/a.db" -o afile/sub
	assert_status 3
	assert_err_contains "cannot create report folder 'afile/sub'"
	assert_err_contains "hint:"
	run dd report "$W/a.db" -o afile
	assert_status 3
	assert_err_contains "not a folder"
	assert_eq x "$(cat afile)"
	if [[ $(id -u) != 0 ]]; then
		mkdir ro && chmod 555 ro
		run dd report "$W/a.db" -o ro
		assert_status 3
		assert_err_contains "ro"
	fi
	[[ -z $(find . -name '*.tmp') ]] || fail "temporary files left behind"
}

# ------------------------------------------------------------- diff

t_diff_reports_each_difference() {
	run dd report "$W/a.db" -o ra
	run dd report "$W/b.db" -o rb
	run dd diff ra/report.json rb/report.json --ignore timings,context
	assert_status 1
	assert_out_contains "reports differ"
	assert_out_contains "  table users: rows_after 5 -> 6"
	assert_out_contains "  table users: inserts 1 -> 2"
	assert_out_contains "  table users: column email, rows changed 3 -> 2"
	assert_out_contains "  table users: column active, rows changed 1 -> 0"
	assert_out_contains "  table users: the sample of changed rows differs"
	assert_out_matches "^  hash: [0-9a-f]{12}\.\. -> [0-9a-f]{12}\.\.$"
	assert_out_matches "^  plan: hash "
	# then what is equal, in one line, last before "ignored"
	assert_out_matches "^equal: .*1 of 2 tables"
	assert_out_not_contains "table posts:"
	[[ $(grep -n '^equal:' "$T/out" | cut -d: -f1) -gt $(grep -n 'rows_after' "$T/out" | head -1 | cut -d: -f1) ]] ||
		fail "differences must come before the equal line"
	# --ignore samples leaves the samples out
	run dd diff ra rb --ignore timings,context,samples
	assert_status 1
	assert_out_not_contains "sample of changed rows"
}

t_diff_table_added_and_removed() {
	run dd report "$W/a.db" -o ra --format json
	mkdir rb
	sed 's/"posts"/"articles"/' ra/report.json >rb/report.json
	run dd diff ra rb --ignore timings,context
	assert_status 1
	assert_out_contains "table posts: only in A"
	assert_out_contains "table articles: only in B"
	assert_out_contains "source app: tables.posts only in A"
}

t_diff_check_results_and_schema_changes() {
	cp "$W/a.db" a.db
	cp "$W/a.db" b.db
	for f in a b; do
		st=pass n=0
		[[ $f == b ]] && st=fail n=3
		sqlite3 $f.db "INSERT INTO dd_check_run VALUES (1, 'x', 1, NULL, 'all', 0, 0, 1);
INSERT INTO dd_check_result VALUES (1, 1, 'no deletes from posts', 'gate', 'error', '$st', $n, NULL, NULL, 1);"
	done
	sqlite3 b.db "INSERT INTO dd_schema_change VALUES (1, 'before', 'add_column', 'users', '{}', 0, 'ALTER TABLE users ADD COLUMN x int;', '', 'ALTER TABLE users DROP COLUMN x;', '', NULL);"
	run dd report a.db -o ra --format json
	run dd report b.db -o rb --format json
	run dd diff ra rb --ignore timings,context
	assert_status 1
	assert_out_contains "check 'no deletes from posts': status pass -> fail"
	assert_out_contains "check 'no deletes from posts': count 0 -> 3"
	assert_out_contains "schema change 1 add_column users: only in B"
	assert_out_contains "validation: overallStatus passed -> failed"
	assert_out_contains 'status: ready -> "checks failed"'
	# a check run on one side only: each check is only in B
	run dd report "$W/a.db" -o rn --format json
	run dd diff rn rb --ignore timings,context
	assert_status 1
	assert_out_contains "check 'no deletes from posts': only in B"
	assert_out_contains 'validation: overallStatus "not checked" -> failed'
}

t_diff_json_output() {
	run dd report "$W/a.db" -o ra --format json
	run dd report "$W/b.db" -o rb --format json
	run dd diff --json ra rb --ignore timings,context
	assert_status 1
	assert_out_contains '"equal": false'
	assert_out_contains '"path": "comparable.tables.users.rows_after"'
	assert_out_contains '"subject": "table users"'
	assert_out_contains '"ignored": ["context", "timings"]'
	run dd diff --json ra ra
	assert_status 0
	assert_out_contains '"equal": true'
	assert_out_contains '"differences": []'
}

t_diff_timings_compared_unless_ignored() {
	run dd report "$W/a.db" -o ra --format json
	mkdir rb
	sed 's/"duration_ms": [0-9.]*/"duration_ms": 12345/' ra/report.json >rb/report.json
	run dd diff ra rb
	assert_status 1
	assert_out_contains "timings: steps[upper].duration_ms"
	run dd diff ra rb --ignore timings
	assert_status 0
}

t_diff_bad_input() {
	run dd report "$W/a.db" -o ra --format json
	good=ra/report.json
	printf '{\n  "drydock_report": 1,\n  "comparable": {oops}\n}\n' >notjson.json
	run dd diff notjson.json $good
	assert_status 3
	assert_err_contains "notjson.json:3:"
	assert_err_contains "invalid JSON"
	head -c 300 $good >trunc.json
	run dd diff $good trunc.json
	assert_status 3
	assert_err_contains "trunc.json:"
	assert_err_contains "ends before the JSON value is complete"
	echo '{"name": "x"}' >other.json
	run dd diff $good other.json
	assert_status 3
	assert_err_contains "'other.json' is not a drydock report"
	sed 's/"drydock_report": 1/"drydock_report": 2/' $good >v2.json
	run dd diff $good v2.json
	assert_status 3
	assert_err_contains "format version 2"
	assert_err_contains "newer drydock"
	sed 's/"drydock_report": 1/"drydock_report": "one"/' $good >vx.json
	run dd diff vx.json $good
	assert_status 3
	assert_err_contains "unknown report format version"
	echo '{"drydock_report": 1, "comparable": {}, "context": {}}' >partial.json
	run dd diff partial.json $good
	assert_status 3
	assert_err_contains '"timings" section is missing'
	: >empty.json
	run dd diff empty.json $good
	assert_status 3
	assert_err_contains "empty"
	run dd diff missing.json $good
	assert_status 3
	assert_err_contains "cannot read report 'missing.json'"
	run dd diff $good
	assert_status 2
	assert_err_contains "drydock: error: give two reports"
	run dd diff $good $good --ignore bogus
	assert_status 2
	assert_err_contains "drydock: error: --ignore takes a list of timings, context, samples"
}

t_disk_full_while_writing_a_report() {
	small_disk small 64k
	"$DRYDOCK" -q snapshot --plan "$REPO/examples/avatars" --fixture "$REPO/fixtures/avatars" -o s.db
	"$DRYDOCK" -q run s.db --plan "$REPO/examples/avatars" --no-check
	# fill the disk but for a few kilobytes: the report cannot fit
	head -c 50000 /dev/zero >small/filler 2>/dev/null || true
	run dd report s.db -o small/rep
	local left
	left=$(cd small && ls -A rep 2>/dev/null | tr '\n' ' ')
	umount small 2>/dev/null || true
	assert_status 3
	assert_err_contains "drydock: error: cannot write 'small/rep/report."
	assert_err_contains "No space left on device"
	assert_err_contains "hint: Check that 'small/rep' is writable and its disk has room."
	# nothing that looks like a finished report is left (no report.* file)
	[[ $left != *report.json* && $left != *report.html* && $left != *report.md* ]] ||
		fail "a report file was left on the full disk: $left"
}

run_tests
