#!/usr/bin/env bash
# Checks benchmark (Checks and gates issue): every built-in check of
# `drydock check` on a 1,000,000-row table with two foreign keys and
# 100,000 changed rows, against the bare SELECT statements that find the
# same violations, run by the sqlite3 shell on the same file.
# Target: drydock under 2x the bare SELECTs' time.
#
#   bench/checks.sh [ROWS] [CHANGED]        (defaults 1000000 100000)
#
# Environment: DRYDOCK (default build/drydock), DD_BENCH_RUNS (timed
# repetitions, the best counts; default 3), DD_BENCH_DIR (keep the data in
# this folder instead of a temp dir).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROWS=${1:-${BENCH_CHECKS_ROWS:-1000000}}
CHANGED=${2:-$((ROWS / 10))}
RUNS=${DD_BENCH_RUNS:-3}
PARENTS=$((ROWS / 10))
STEP=$((ROWS / CHANGED))
[[ $DRYDOCK == /* ]] || DRYDOCK=$PWD/$DRYDOCK

[[ -x $DRYDOCK ]] || { echo "bench/checks.sh: no drydock binary at $DRYDOCK (run make)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench/checks.sh: the sqlite3 shell is needed" >&2; exit 2; }
[[ -x $RSS_BIN ]] || gcc -O2 -o "$RSS_BIN" "$BENCH_DIR/rss.c"

if [[ -n ${DD_BENCH_DIR:-} ]]; then
	W=$DD_BENCH_DIR
	mkdir -p "$W"
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/dd-bench-checks.XXXXXX")
	trap 'rm -rf "$W"' EXIT
fi
cd "$W"
rm -rf fx plan stage.db

section "checks: drydock check vs the bare SELECTs ($ROWS rows, $CHANGED changed)"

# ---------------------------------------------------------------- the data
# A fixture with one row per table gives the schema; the sqlite3 shell
# then fills the pristine copies (much faster than a 1M-line fixture).
mkdir -p fx/app plan
cat >fx/fixture.json <<'EOF'
{"drydock_fixture": 1,
 "sources": [{"name": "app", "schema": "public", "snapshot_at": "2026-01-01 00:00:00+00",
  "tables": [
   {"name": "users", "file": "app/users.jsonl", "rows": 1,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "email", "type": "character varying(100)", "not_null": true}],
    "constraints": [{"name": "users_pkey", "type": "primary key", "columns": ["id"]}]},
   {"name": "avatars", "file": "app/avatars.jsonl", "rows": 1,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "owner_user_id", "type": "integer", "not_null": true}],
    "constraints": [{"name": "avatars_pkey", "type": "primary key", "columns": ["id"]},
                    {"name": "avatars_owner_user_id_fkey", "type": "foreign key",
                     "columns": ["owner_user_id"], "references": {"table": "users", "columns": ["id"]}}]},
   {"name": "posts", "file": "app/posts.jsonl", "rows": 1,
    "columns": [{"name": "id", "type": "bigint", "not_null": true},
                {"name": "user_id", "type": "integer", "not_null": true},
                {"name": "avatar_id", "type": "integer"},
                {"name": "title", "type": "character varying(200)", "not_null": true},
                {"name": "score", "type": "integer"},
                {"name": "body", "type": "text"}],
    "constraints": [{"name": "posts_pkey", "type": "primary key", "columns": ["id"]},
                    {"name": "posts_user_id_fkey", "type": "foreign key", "columns": ["user_id"],
                     "references": {"table": "users", "columns": ["id"]}},
                    {"name": "posts_avatar_id_fkey", "type": "foreign key", "columns": ["avatar_id"],
                     "references": {"table": "avatars", "columns": ["id"]}},
                    {"name": "posts_score_check", "type": "check", "columns": ["score"],
                     "definition": "CHECK ((score >= 0))"}]}]}]}
EOF
echo '{"id": 1, "email": "u1@example.com"}' >fx/app/users.jsonl
echo '{"id": 1, "owner_user_id": 1}' >fx/app/avatars.jsonl
echo '{"id": 1, "user_id": 1, "avatar_id": 1, "title": "post 1", "score": 1, "body": "b"}' >fx/app/posts.jsonl
cat >plan/plan.json <<'EOF'
{"name": "bench-checks", "sources": {"app": {"tables": ["users", "avatars", "posts"]}},
 "steps": [{"name": "touch", "sql": "touch.sql", "dialect": "sqlite"}]}
EOF
# CHANGED rows change two columns; a handful of them break a foreign key,
# NOT NULL and the CHECK constraint, so every check has something to find.
# The step is marked "dialect": "sqlite" because PostgreSQL SQL refuses a
# NULL written to a NOT NULL column at the statement, as PostgreSQL does:
# the benchmark needs the broken rows to measure the checks that find them.
cat >plan/touch.sql <<EOF
UPDATE posts SET avatar_id = (id * 7) % $PARENTS + 1, title = title || ' (edited)'
 WHERE id % $STEP = 0;
UPDATE posts SET avatar_id = $PARENTS + 17 WHERE id IN ($STEP, $((STEP * 2)), $((STEP * 3)));
UPDATE posts SET score = -1 WHERE id IN ($((STEP * 4)), $((STEP * 5)));
UPDATE posts SET title = NULL WHERE id = $((STEP * 6));
EOF

t0=$(date +%s.%N)
"$DRYDOCK" -q snapshot --plan plan --fixture fx -o stage.db
sqlite3 stage.db >/dev/null <<EOF
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
DELETE FROM dd_pristine__users; DELETE FROM dd_pristine__avatars; DELETE FROM dd_pristine__posts;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PARENTS)
INSERT INTO dd_pristine__users SELECT i, 'user' || i || '@example.com' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $PARENTS)
INSERT INTO dd_pristine__avatars SELECT i, i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
INSERT INTO dd_pristine__posts
  SELECT i, i % $PARENTS + 1, CASE WHEN i % 3 = 0 THEN NULL ELSE i % $PARENTS + 1 END,
         'post number ' || i, i % 1000, 'body of post ' || i FROM n;
UPDATE dd_table SET row_count = (SELECT count(*) FROM dd_pristine__users) WHERE name = 'users';
UPDATE dd_table SET row_count = (SELECT count(*) FROM dd_pristine__avatars) WHERE name = 'avatars';
UPDATE dd_table SET row_count = (SELECT count(*) FROM dd_pristine__posts) WHERE name = 'posts';
COMMIT;
EOF
"$DRYDOCK" -q run stage.db --plan plan --no-check
t1=$(date +%s.%N)
printf '  data: %d posts, %d users and avatars, %d changed rows (set up in %.1f s)\n' \
	"$ROWS" "$PARENTS" "$(sqlite3 stage.db "SELECT updates FROM dd_changeset")" \
	"$(echo "$t1 - $t0" | bc)"

# ------------------------------------------------------- the bare SELECTs
# What a person would run by hand to find the same violations: NOT NULL,
# the two foreign keys, the CHECK constraint, and the types of the changed
# values (integers in range, varchar length) read from the change set.
cat >bare.sql <<'EOF'
SELECT id FROM posts WHERE user_id IS NULL OR title IS NULL;
SELECT id FROM posts WHERE user_id IS NOT NULL AND user_id NOT IN (SELECT id FROM users);
SELECT id FROM posts WHERE avatar_id IS NOT NULL AND avatar_id NOT IN (SELECT id FROM avatars);
SELECT id FROM posts WHERE NOT (score >= 0);
SELECT key FROM dd_change WHERE tbl = 'posts' AND op <> 'D' AND (
  json_extract(new_row, '$[0]') IS NOT CAST(CAST(json_extract(new_row, '$[0]') AS INTEGER) AS TEXT)
  OR CAST(json_extract(new_row, '$[1]') AS INTEGER) NOT BETWEEN -2147483648 AND 2147483647
  OR CAST(json_extract(new_row, '$[2]') AS INTEGER) NOT BETWEEN -2147483648 AND 2147483647
  OR length(json_extract(new_row, '$[3]')) > 200
  OR CAST(json_extract(new_row, '$[4]') AS INTEGER) NOT BETWEEN -2147483648 AND 2147483647
  OR json_extract(new_row, '$[5]') IS NOT json_extract(new_row, '$[5]'));
EOF

bare_run() { sqlite3 stage.db <bare.sql; }
check_run() { # exit 1 is expected: the planted violations are found
	"$DRYDOCK" check stage.db --plan plan || [[ $? -eq 1 ]]
}

# best PREFIX FUNCTION: the best of RUNS measurements into PREFIX_S, PREFIX_KB
best() {
	local b="" kb="" r
	for ((r = 0; r < RUNS; r++)); do
		measure ONE bash -c "$(declare -f "$2"); DRYDOCK='$DRYDOCK'; $2"
		if [[ -z $b ]] || awk -v x="$ONE_S" -v y="$b" 'BEGIN { exit !(x < y) }'; then
			b=$ONE_S
			kb=$ONE_KB
		fi
	done
	printf -v "${1}_S" '%s' "$b"
	printf -v "${1}_KB" '%s' "$kb"
}

# the violations are really there, and drydock finds them
check_run >/dev/null
found=$(sqlite3 stage.db "SELECT group_concat(name || ': ' || count, ', ') FROM dd_check_result
	WHERE check_run = (SELECT max(id) FROM dd_check_run) AND status = 'fail'")
printf '  found: %s\n' "$found"

best BARE bare_run
best CHECK check_run
row "drydock check (all built-in checks)" "$CHECK_S" "$(rate "$ROWS" "$CHECK_S")" "$(mb "$CHECK_KB")"
row "bare SELECTs in the sqlite3 shell" "$BARE_S" "$(rate "$ROWS" "$BARE_S")" "$(mb "$BARE_KB")"
printf '  drydock / bare SELECTs time: %sx (target < 2)\n' "$(ratio "$CHECK_S" "$BARE_S")"
