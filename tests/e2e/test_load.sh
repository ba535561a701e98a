#!/usr/bin/env bash
# Push and rollback under concurrent write load (pgbench): on other tables
# and on the very tables the change set touches.  drydock either applies
# exactly the change set or reports conflicts; it never hangs (lock_timeout)
# and never loses a concurrent write.  Opt-in: DD_FAULT_TESTS=1
# (make test-faults), since it holds load for several seconds.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

PGBENCH=${DD_PG_BINDIR:-/usr/lib/postgresql/15/bin}/pgbench

setup_file() {
	[[ -n ${DD_FAULT_TESTS:-} ]] || return 0
	pg_start || return 1
	pg_createdb app
	pg_psql -d app -f "$REPO/fixtures/sql/avatars.sql" >/dev/null
	"$PGBENCH" -i -q -s 1 -h "$PGHOST" -p "$PGPORT" -U postgres app >/dev/null 2>&1
	pg_psql -d app -c "CREATE TABLE load_log (seq bigserial PRIMARY KEY, user_id uuid, bio text)" >/dev/null
}
teardown_file() { pg_stop; }

need_flag() { [[ -n ${DD_FAULT_TESTS:-} ]] || skip "load tests run with DD_FAULT_TESTS=1 (make test-faults)"; }
PLAN=$REPO/examples/avatars
URL() { echo "postgresql://postgres@/app?host=$PGHOST&port=$PGPORT"; }

stage() {
	"$DRYDOCK" -q snapshot --plan "$PLAN" --source "$(URL)" -o s.db
	"$DRYDOCK" -q run s.db --plan "$PLAN" >/dev/null || true
	"$DRYDOCK" -q check s.db --fix >/dev/null
	"$DRYDOCK" -q approve s.db --by load
}

# pgbench for SECONDS in the background with the given script (or TPC-B)
load() { # SECONDS [SCRIPT]
	local args=(-h "$PGHOST" -p "$PGPORT" -U postgres -c 4 -j 2 -T "$1" -n)
	[[ -n ${2:-} ]] && args+=(-f "$2")
	"$PGBENCH" "${args[@]}" app >"pgbench.$$.$RANDOM.log" 2>&1 &
}

t_push_and_rollback_while_other_tables_are_written() {
	need_flag
	stage
	local before_avatars
	before_avatars=$(pg_psql -d app -At -c "SELECT count(*) FROM avatars")
	load 6
	local loader=$!
	sleep 0.5
	run timeout 60 "$DRYDOCK" push s.db --target "$(URL)" --yes
	assert_status 0
	assert_eq 240 "$(pg_psql -d app -At -c 'SELECT count(active_avatar_id) FROM users')"
	run timeout 60 "$DRYDOCK" rollback s.db --target "$(URL)" --yes
	assert_status 0
	assert_eq "$before_avatars" "$(pg_psql -d app -At -c 'SELECT count(*) FROM avatars')"
	wait "$loader"
	[[ $(pg_psql -d app -At -c "SELECT count(*) FROM pgbench_history") -gt 100 ]] ||
		fail "pgbench did not run alongside"
}

t_concurrent_writes_to_the_same_tables_are_never_lost() {
	need_flag
	stage
	# every transaction rewrites one user's bio (a column the change set does
	# not touch, in rows it does) and logs what it wrote
	cat >bio.sql <<'EOF'
\set n random(1, 240)
BEGIN;
WITH u AS (SELECT id FROM users ORDER BY id OFFSET :n - 1 LIMIT 1),
     w AS (UPDATE users SET bio = 'load ' || :client_id || '-' || clock_timestamp()
           FROM u WHERE users.id = u.id RETURNING users.id, users.bio)
INSERT INTO load_log (user_id, bio) SELECT id, bio FROM w;
COMMIT;
EOF
	# and posts keep arriving
	cat >posts.sql <<'EOF'
\set n random(1, 240)
INSERT INTO posts (user_id, body, created_at)
SELECT id, 'written under load', now() FROM users ORDER BY id OFFSET :n - 1 LIMIT 1;
EOF
	pg_psql -d app -c "TRUNCATE load_log" >/dev/null
	local posts_before
	posts_before=$(pg_psql -d app -At -c "SELECT count(*) FROM posts")
	load 6 bio.sql
	local l1=$!
	load 6 posts.sql
	local l2=$!
	sleep 0.5
	local outcomes="" i
	for i in 1 2 3; do
		run timeout 60 "$DRYDOCK" push s.db --target "$(URL)" --yes --lock-timeout 3s
		outcomes+="push:$status "
		[[ $status -eq 0 || $status -eq 1 || $status -eq 3 ]] || fail "push ended with $status"
		if [[ $status -eq 0 ]]; then
			assert_eq 240 "$(pg_psql -d app -At -c 'SELECT count(active_avatar_id) FROM users')"
			run timeout 60 "$DRYDOCK" rollback s.db --target "$(URL)" --yes --lock-timeout 3s
			outcomes+="rollback:$status "
			[[ $status -eq 0 || $status -eq 1 || $status -eq 3 ]] || fail "rollback ended with $status"
			[[ $status -eq 0 ]] || break
		else
			# conflicts (or a lock wait cut by lock_timeout): nothing applied
			assert_eq 20 "$(pg_psql -d app -At -c 'SELECT count(active_avatar_id) FROM users')"
		fi
	done
	wait "$l1" "$l2"
	echo "outcomes: $outcomes"
	# every logged bio write is still there: the last one per user is what
	# the row holds
	assert_eq 0 "$(pg_psql -d app -At -c "SELECT count(*) FROM users u JOIN (
		SELECT DISTINCT ON (user_id) user_id, bio FROM load_log ORDER BY user_id, seq DESC) l
		ON l.user_id = u.id WHERE u.bio IS DISTINCT FROM l.bio")" "a concurrent write was lost"
	[[ $(pg_psql -d app -At -c "SELECT count(*) FROM load_log") -gt 50 ]] || fail "too little load"
	# and every post written under load survived (a rollback deletes only what push inserted)
	[[ $(pg_psql -d app -At -c "SELECT count(*) FROM posts WHERE body = 'written under load'") -gt 50 ]] ||
		fail "posts written under load are missing"
	[[ $(pg_psql -d app -At -c "SELECT count(*) FROM posts") -gt $posts_before ]] || fail "no posts added"
}

t_push_succeeds_while_the_same_table_takes_inserts() {
	need_flag
	stage
	cat >posts.sql <<'EOF2'
\set n random(1, 240)
INSERT INTO posts (user_id, body, created_at)
SELECT id, 'inserted alongside', now() FROM users ORDER BY id OFFSET :n - 1 LIMIT 1;
EOF2
	load 5 posts.sql
	local loader=$!
	sleep 0.5
	run timeout 60 "$DRYDOCK" push s.db --target "$(URL)" --yes
	assert_status 0
	assert_eq 0 "$(pg_psql -d app -At -c "SELECT count(*) FROM posts WHERE avatar_id IS NULL AND body <> 'inserted alongside'")"
	run timeout 60 "$DRYDOCK" rollback s.db --target "$(URL)" --yes
	assert_status 0
	wait "$loader"
	local n
	n=$(pg_psql -d app -At -c "SELECT count(*) FROM posts WHERE body = 'inserted alongside'")
	[[ $n -gt 50 ]] || fail "only $n posts were inserted alongside"
	# every one of them survived push and rollback
	assert_eq "$n" "$(grep -o 'number of transactions actually processed: [0-9]*' pgbench.*.log | tail -1 | grep -o '[0-9]*$')"
}

run_tests
