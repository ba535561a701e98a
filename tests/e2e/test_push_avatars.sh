#!/usr/bin/env bash
# The avatars example (seed 000) pushed to a real PostgreSQL: snapshot of
# fixtures/sql/avatars.sql, run, approve, push; the target's contents
# checked in PostgreSQL; then a rollback that leaves schema and data as
# they were.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$TESTLIB_DIR/exlib.sh"

TABLES=(users avatars posts follows)

setup_file() {
	pg_start || return 1
	pg_load src "$REPO/fixtures/sql/avatars.sql"
	dd -q snapshot --plan "$REPO/examples/avatars" --source "$(pg_url src)" -o "$T/s.db"
	dd -q run "$T/s.db" --plan "$REPO/examples/avatars" >/dev/null
	# the checks find warnings only: the change set can be approved
	dd -q check "$T/s.db" --plan "$REPO/examples/avatars" >/dev/null
	dd -q approve "$T/s.db" --by "e2e tester"
	FIXDB=$T/s.db
	export FIXDB
}

teardown_file() { pg_stop; }

newdb() { pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE src STRATEGY FILE_COPY" >/dev/null; }

t_push_the_avatars_example() {
	newdb t_avatars
	cp "$FIXDB" s.db
	local inserts
	inserts=$(sq s.db "SELECT inserts FROM dd_changeset")
	run dd push s.db --target "$(pg_url t_avatars)" --yes
	assert_status 0
	assert_out_contains "pushed change set"
	# every user acts through an avatar of their own
	assert_eq 0 "$(pgq t_avatars "SELECT count(*) FROM users u WHERE active_avatar_id IS NULL
		OR NOT EXISTS (SELECT 1 FROM avatars a WHERE a.id = u.active_avatar_id AND a.owner_user_id = u.id)")"
	assert_eq 240 "$(pgq t_avatars "SELECT count(*) FROM users")"
	assert_eq "$((52 + inserts))" "$(pgq t_avatars "SELECT count(*) FROM avatars")" "the new default avatars"
	assert_eq 240 "$(pgq t_avatars "SELECT count(DISTINCT owner_user_id) FROM avatars a
		WHERE is_default AND EXISTS (SELECT 1 FROM users u WHERE u.id = a.owner_user_id)")"
	# posts without an avatar point at their author's active avatar
	assert_eq 0 "$(pgq t_avatars "SELECT count(*) FROM posts p JOIN users u ON u.id = p.user_id
		WHERE p.avatar_id IS DISTINCT FROM u.active_avatar_id AND p.avatar_id IS NULL")"
	# follows are avatar-to-avatar, through the follower's active avatar
	assert_eq 0 "$(pgq t_avatars "SELECT count(*) FROM follows f JOIN users u ON u.id = f.follower_user_id
		WHERE f.follower_avatar_id IS DISTINCT FROM u.active_avatar_id")"
	# the schema changes: the new column with its foreign key, and the one
	# added after the data
	assert_eq "f|avatars" "$(pgq t_avatars "SELECT contype, confrelid::regclass FROM pg_constraint
		WHERE conname = 'users_active_avatar_id_fkey'")"
	assert_eq "uuid" "$(pgq t_avatars "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
		WHERE attrelid = 'follows'::regclass AND attname = 'follower_avatar_id'")"
	assert_eq "applied|e2e tester|2" "$(pgq t_avatars "SELECT l.status || '|' || l.approved_by || '|' ||
		(SELECT count(*) FROM drydock.ledger_ddl d WHERE d.ledger_id = l.id) FROM drydock.ledger l")"
}

t_rollback_the_avatars_example() {
	newdb t_avatars_rb
	cp "$FIXDB" s.db
	pg_image t_avatars_rb "${TABLES[@]}" >before.txt
	dd -q push s.db --target "$(pg_url t_avatars_rb)" --yes
	pg_image t_avatars_rb "${TABLES[@]}" >pushed.txt
	! cmp -s before.txt pushed.txt || fail "the push changed nothing"
	run dd rollback s.db --target "$(pg_url t_avatars_rb)" --yes
	assert_status 0
	pg_image t_avatars_rb "${TABLES[@]}" >after.txt
	if ! diff before.txt after.txt >diff.txt; then
		head -30 diff.txt
		fail "schema or data differ after the rollback"
	fi
}

# plan prints the example's DDL around its data statements
t_plan_of_the_avatars_example() {
	cp "$FIXDB" s.db
	PGHOST=/nonexistent run dd plan s.db --no-data
	assert_status 0
	local add fk ins
	add=$(grep -n '^ALTER TABLE public.follows ADD COLUMN follower_avatar_id uuid' "$T/out" | head -1 | cut -d: -f1)
	ins=$(grep -n '^INSERT INTO public.avatars' "$T/out" | head -1 | cut -d: -f1)
	fk=$(grep -n 'users_active_avatar_id_fkey' "$T/out" | grep -v INSERT | tail -1 | cut -d: -f1)
	[[ -n $add && -n $ins && -n $fk ]] || fail "DDL or inserts missing from the plan"
	((add < ins && ins < fk)) || fail "order: add_column at $add, inserts at $ins, foreign key at $fk"
}

run_tests
