#!/usr/bin/env bash
# The plan-level differential test (issue 11): every example's steps are
# applied by PostgreSQL itself, in one transaction, to a copy of the
# example's database, and by drydock (snapshot of the same database, run,
# approve, push to it); every table of the target is compared row by row
# (COPY text, sorted).  now() is PostgreSQL's transaction time on both
# sides (drydock run --clock); UUIDs from gen_random_uuid() are compared
# by shape (tests/examples-pgdiff/expg.sh says how).  Any difference fails,
# and a planted one is caught.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$REPO/tests/examples-pgdiff/expg.sh"

SQL=$REPO/fixtures/sql
EX=$REPO/examples
exec 3>&1  # the per-table lines reach the log of passing tests too

# name, plan, sources: one comparison per line
COMPARISONS="avatars $EX/avatars app=$SQL/avatars.sql
backfill $EX/backfill app=$SQL/backfill.sql
to_cloud $EX/backfill/to-cloud local=$SQL/backfill.sql cloud=$SQL/backfill-cloud.sql
baseline $EX/baseline app=$SQL/baseline.sql
uuid_ids $EX/uuid-ids app=$SQL/uuid-ids.sql
v1_to_v2 $EX/v1-to-v2 v1=$SQL/v1.sql v2=$SQL/v2.sql
one_user $EX/v1-to-v2/one-user v1=$SQL/v1.sql v2=$SQL/v2.sql"

# The comparisons run side by side (each has databases of its own); the
# tests wait for theirs.  The planted one compares baseline again with
# one value changed on PostgreSQL's side after the steps.
setup_file() {
	pg_start || return 1
	W=$T/w
	mkdir -p "$W"
	export W
	local name plan srcs
	while read -r name plan srcs; do
		# shellcheck disable=SC2086  # one word per source
		(cd "$W" && expg_compare "$name" "$plan" $srcs >"$W/$name.out" 2>&1
		 echo $? >"$W/$name.rc") &
	done <<<"$COMPARISONS"
	(cd "$W" && EXPG_DDL=baseline EXPG_PG_EXTRA="UPDATE media SET mime_type = mime_type || '!' WHERE id = (SELECT min(id) FROM media);" \
		expg_compare planted "$EX/baseline" "app=$SQL/baseline.sql" >"$W/planted.out" 2>&1
	 echo $? >"$W/planted.rc") &
}
teardown_file() {
	wait
	pg_stop
}

# result NAME: waits for comparison NAME; its lines on fd 3 and in $T/out,
# its status in $T/rc
result() {
	local i
	for ((i = 0; i < 3000; i++)); do
		[[ -f $W/$1.rc ]] && break
		sleep 0.2
	done
	[[ -f $W/$1.rc ]] || fail "comparison $1 did not finish"
	cp "$W/$1.out" "$T/out"
	cp "$W/$1.rc" "$T/rc"
	sed "s/^/# $1: /" "$T/out" >&3
}

# equal NAME: the comparison found every table equal
equal() {
	result "$1"
	[[ $(<"$T/rc") == 0 ]] || fail "$1: PostgreSQL and drydock differ:
$(cat "$T/out")"
	grep -q ' rows equal$' "$T/out" || fail "$1: no table compared"
}

t_avatars() { equal avatars; }
t_backfill() { equal backfill; }
t_backfill_to_cloud() { equal to_cloud; }
t_baseline() { equal baseline; }
t_uuid_ids() { equal uuid_ids; }
t_v1_to_v2() {
	equal v1_to_v2
	# the retired drill: the plan's fix ran on both sides
	grep -q '^fixes applied on both sides: checks/fix_drop_unmapped_drills.sql$' "$T/out" || fail "no fix applied"
}

t_v1_to_v2_one_user() {
	equal one_user
	# Jonas alone: his stale user gone, a fresh one in
	grep -q '^users: 66 rows equal$' "$T/out" || fail "not 66 users"
}

t_a_planted_difference_is_caught() {
	result planted
	assert_eq 1 "$(<"$T/rc")" "the planted difference was not caught"
	grep -q '^media: differs' "$T/out" || fail "media not reported"
	grep -c '^    [<>] media	' "$T/out" | grep -qx 2 || fail "not exactly the planted row"
	grep -qE '^    < media	.*!	' "$T/out" || fail "the planted value is not shown"
	grep -q '^objects: 200 rows equal$' "$T/out" || fail "objects not equal"
}

run_tests
