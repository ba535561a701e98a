#!/usr/bin/env bash
# The plan-level differential test (issue 11): every example's steps are
# applied by PostgreSQL itself, in one transaction, to a copy of the
# example's database, and by drydock (snapshot of the same database, run,
# approve, push to it); every table of the target is compared row by row
# (COPY text, sorted).
# now() is PostgreSQL's transaction time on both sides (drydock run
# --clock); UUIDs from gen_random_uuid() are compared by shape
# (tests/examples-pgdiff/expg.sh says how).  Any difference fails.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$REPO/tests/examples-pgdiff/expg.sh"

SQL=$REPO/fixtures/sql
EX=$REPO/examples
exec 3>&1  # the per-table lines reach the log of passing tests too

setup_file() {
	pg_start
}
teardown_file() { pg_stop; }

# compare NAME PLAN SOURCE=FILE...: expg_compare, its lines on fd 3
compare() {
	local out rc=0
	out=$(expg_compare "$@") || rc=$?
	sed "s/^/# $1: /" <<<"$out" >&3
	((rc == 0)) || fail "$1: PostgreSQL and drydock differ:
$out"
}

t_avatars() { compare avatars "$EX/avatars" "app=$SQL/avatars.sql"; }
t_backfill() { compare backfill "$EX/backfill" "app=$SQL/backfill.sql"; }
t_backfill_to_cloud() { compare to_cloud "$EX/backfill/to-cloud" "local=$SQL/backfill.sql" "cloud=$SQL/backfill-cloud.sql"; }
t_baseline() { compare baseline "$EX/baseline" "app=$SQL/baseline.sql"; }
t_uuid_ids() { compare uuid_ids "$EX/uuid-ids" "app=$SQL/uuid-ids.sql"; }
t_v1_to_v2() { compare v1_to_v2 "$EX/v1-to-v2" "v1=$SQL/v1.sql" "v2=$SQL/v2.sql"; }

# The comparison fails when one value differs: the same avatars
# comparison with one PostgreSQL-side change planted after the steps.
t_a_planted_difference_is_caught() {
	local out rc=0
	out=$(EXPG_PG_EXTRA="UPDATE posts SET body = body || '!' WHERE id = (SELECT min(id) FROM posts);" \
		expg_compare planted "$EX/avatars" "app=$SQL/avatars.sql") || rc=$?
	assert_eq 1 "$rc" "the planted difference was not caught"
	grep -q '^posts: differs' <<<"$out" || fail "posts not reported: $out"
	grep -q '^users: [0-9]* rows equal' <<<"$out" || fail "users not equal: $out"
}

run_tests
