#!/usr/bin/env bash
# examples/v1-to-v2 (seed 001) end to end.
#
# Offline (no server): snapshot of fixtures/v1-to-v2, run, and the exact
# effects -- users created and replaced, the drill remap of a known session,
# the planted retired drill, the metrics of known users, Android users
# untouched, determinism, the one-user plan.
#
# PostgreSQL: fixtures/sql/v1.sql and v2.sql loaded into two databases,
# snapshot of both, run (same change set as the fixture), then check,
# approve, push, verification of the target with our own SQL, rollback and
# a target exactly as before.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

PLAN=$REPO/examples/v1-to-v2
ONE=$PLAN/one-user
FIX=$REPO/fixtures/v1-to-v2
SEED=v1v2-e2e
CLOCK=2026-01-15T09:00:00Z   # the fixture's snapshot time

# The fixture staged with the plan once (snapshot, then run), with its
# run's status and output: the tests that read that result start from a
# copy (stage_plan).  t_deterministic and t_snapshot_of_fixture still make
# snapshots of their own.  The server starts only when a PostgreSQL test
# is selected; the fixture's SQL is loaded once, into v1_tpl and v2_tpl,
# which pg_load copies.
setup_file() {
	local fn rc=0
	W=$T/shared
	mkdir -p "$W"
	export W
	dd -q snapshot --plan "$PLAN" --fixture "$FIX" -o "$W/plan.db"
	dd -q run "$W/plan.db" --plan "$PLAN" --seed "$SEED" >"$W/plan.out" 2>"$W/plan.err" || rc=$?
	echo "$rc" >"$W/plan.status"
	for fn in $(declare -F | awk '$3 ~ /^t_pg_/ {print $3}'); do
		# shellcheck disable=SC2053  # glob match intended
		if [[ -z ${DD_TEST_FILTER:-} || $fn == $DD_TEST_FILTER ]]; then
			pg_start || return 1
			pg_createdb v1_tpl
			pg_createdb v2_tpl
			pg_psql -d v1_tpl -f "$REPO/fixtures/sql/v1.sql" >/dev/null
			pg_psql -d v2_tpl -f "$REPO/fixtures/sql/v2.sql" >/dev/null
			return 0
		fi
	done
}
teardown_file() { pg_stop; }

# ------------------------------------------------------------------ helpers

q() { sqlite3 -batch -noheader "$@"; }

# stage DB PLANDIR [RUN ARGS...]: snapshot of the fixture, then run.  The
# run's status is in $status: 0, or 1 once plan checks exist (the planted
# drill is an error until fixed).
stage() {
	local db=$1 plan=$2
	shift 2
	dd -q snapshot --plan "$plan" --fixture "$FIX" -o "$db"
	run dd -q run "$db" --plan "$plan" --seed "$SEED" "$@"
	[[ $status == 0 || $status == 1 ]] || fail "run failed with status $status"
}

# stage_plan DB: what `stage DB "$PLAN"` gives, from the copy setup_file
# staged: the file, and the run's status, stdout and stderr.
stage_plan() {
	cp "$W/plan.db" "$1"
	cp "$W/plan.out" "$T/out"
	cp "$W/plan.err" "$T/err"
	status=$(<"$W/plan.status")
	[[ $status == 0 || $status == 1 ]] || fail "run failed with status $status"
}

# table_counts DB: "table inserts updates deletes" lines
table_counts() {
	q "$1" "SELECT tbl || ' ' || inserts || ' ' || updates || ' ' || deletes FROM dd_change_table ORDER BY tbl"
}

# The V2 uuid of a drill: md5('v2-drill:' || title) as a uuid (fixtures/sql/v2.sql).
drill_uuid() {
	printf 'v2-drill:%s' "$1" | md5sum | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/'
}

# The V2 session of V1 user EMAIL on DATE (one expected).
session_json() { # DB EMAIL DATE
	q "$1" "SELECT cs.drills FROM completed_sessions cs JOIN users u ON u.id = cs.user_id
		WHERE lower(u.email) = lower('$2') AND cs.date = '$3'"
}

progress_of() { # DB EMAIL
	q "$1" "SELECT p.drills_per_session, p.minutes_per_session, p.dribbling_drills_completed,
		p.passing_drills_completed, p.shooting_drills_completed, p.first_touch_drills_completed,
		p.favorite_drill FROM progress_history p JOIN users u ON u.id = p.user_id
		WHERE lower(u.email) = lower('$2')"
}

# Rows (as text) of the Android users and everything they own, in key
# order, from the working tables or (PREFIX=dd_pristine__) the snapshot.
android_rows() { # DB [PREFIX]
	local p=${2:-}
	q "$1" "SELECT u.* FROM ${p}users u WHERE u.platform = 'android' ORDER BY u.id;
		SELECT s.* FROM ${p}completed_sessions s JOIN ${p}users u ON u.id = s.user_id
		 WHERE u.platform = 'android' ORDER BY s.id;
		SELECT p.* FROM ${p}session_preferences p JOIN ${p}users u ON u.id = p.user_id
		 WHERE u.platform = 'android' ORDER BY p.user_id;
		SELECT h.* FROM ${p}progress_history h JOIN ${p}users u ON u.id = h.user_id
		 WHERE u.platform = 'android' ORDER BY h.user_id"
}

# (jsonb's text: keys shortest first, so "uuid" leads the drill object)
# check_result DB NAME: "status count sample" of check NAME in the latest
# check run (the plan's checks are PostgreSQL SQL: drydock runs them)
check_result() {
	q "$1" "SELECT status || ' ' || count || ' ' || coalesce(sample, '') FROM dd_check_result
		WHERE check_run = (SELECT max(check_run) FROM dd_check_result) AND name = '$2'"
}

EXPECTED_SESSION_1='[{"drill": {"uuid": "UUID1", "skill": "passing", "title": "Long ball switch", "duration": 8}, "setsDone": 3, "totalReps": 11, "totalSets": 3}, {"drill": {"uuid": "UUID2", "skill": "shooting", "title": "Finesse finishing", "duration": 12}, "setsDone": 4, "totalReps": 16, "totalSets": 4}, {"drill": {"uuid": "UUID3", "skill": "shooting", "title": "Laces strikes", "duration": 10}, "setsDone": 1, "totalReps": 8, "totalSets": 2}]'

expected_session_1() {
	local s=$EXPECTED_SESSION_1
	s=${s/UUID1/$(drill_uuid 'Long ball switch')}
	s=${s/UUID2/$(drill_uuid 'Finesse finishing')}
	s=${s/UUID3/$(drill_uuid 'Laces strikes')}
	printf '%s\n' "$s"
}

# ============================================================ offline tests

t_snapshot_of_fixture() {
	run dd snapshot --plan "$PLAN" --fixture "$FIX" -o s.db
	assert_status 0
	assert_eq "60 21 180 50" "$(q s.db "SELECT (SELECT count(*) FROM v1__users), (SELECT count(*) FROM v1__drills),
		(SELECT count(*) FROM v1__completed_sessions), (SELECT count(*) FROM v1__session_preferences)" | tr '|' ' ')"
	assert_eq "66 20 156 50 66" "$(q s.db "SELECT (SELECT count(*) FROM dd_pristine__users),
		(SELECT count(*) FROM dd_pristine__drills), (SELECT count(*) FROM dd_pristine__completed_sessions),
		(SELECT count(*) FROM dd_pristine__session_preferences),
		(SELECT count(*) FROM dd_pristine__progress_history)" | tr '|' ' ')"
	assert_eq "26|40" "$(q s.db "SELECT sum(platform = 'apple'), sum(platform = 'android') FROM dd_pristine__users")"
	run dd status s.db
	assert_out_contains "v1__users (read-only)"
}

t_run_counts() {
	stage_plan s.db
	# 26 stale Apple users (25 same email + 1 differing by case) are
	# replaced, 34 are created: 60 fresh users; their 56 stale sessions,
	# 18 preferences and 26 progress rows go, V1's 180 sessions, 50
	# preferences and 60 progress rows come.  Nothing is updated in place.
	assert_eq "completed_sessions 180 0 56
drills 0 0 0
progress_history 60 0 26
session_preferences 50 0 18
users 60 0 26" "$(table_counts s.db)"
	assert_eq "350|0|126" "$(q s.db 'SELECT inserts, updates, deletes FROM dd_changeset')"
	assert_eq "40|60" "$(q s.db "SELECT sum(platform = 'android'), sum(platform = 'apple') FROM users")"
	# of the 60 fresh users, 26 replace a stale copy and 34 are new
	assert_eq "26|34" "$(q s.db "SELECT count(old_v2_id), sum(old_v2_id IS NULL) FROM mig_user")"
	# every V1 user exactly once, by email up to case; no stale id left
	assert_eq "" "$(q s.db "SELECT u.id FROM v1__users u LEFT JOIN users v ON lower(v.email) = lower(u.email)
		GROUP BY u.id HAVING count(v.id) <> 1")"
	assert_eq 0 "$(q s.db "SELECT count(*) FROM users WHERE id IN (SELECT id FROM dd_pristine__users WHERE platform = 'apple')")"
	# fresh ids are new ids
	assert_eq 0 "$(q s.db "SELECT count(*) FROM users u JOIN dd_pristine__users p ON p.id = u.id WHERE u.platform = 'apple'")"
	# the fresh rows carry V1's names and sign-up time and the run's clock
	assert_eq "Mateo|Patel|2019-03-01 13:37:00+00|2026-01-15 09:00:00+00|apple" \
		"$(q s.db "SELECT first_name, last_name, created_at, updated_at, platform FROM users WHERE email = 'mateo.patel1@me.com'")"
}

t_case_insensitive_match() {
	stage_plan s.db
	# V1 'Jonas.Lefevre51@iCloud.com' is V2's 'jonas.lefevre51@icloud.com':
	# replaced (not duplicated), keeping V2's spelling, under a new id
	assert_eq 1 "$(q s.db "SELECT count(*) FROM users WHERE lower(email) = 'jonas.lefevre51@icloud.com'")"
	assert_eq "jonas.lefevre51@icloud.com" "$(q s.db "SELECT email FROM users WHERE lower(email) = 'jonas.lefevre51@icloud.com'")"
	assert_eq 0 "$(q s.db "SELECT count(*) FROM users WHERE id = 'dc490069-6d5a-4a64-cb3c-b04fbea71492'")"
	assert_eq "D" "$(q s.db "SELECT op FROM dd_change WHERE tbl = 'users' AND key = '[\"dc490069-6d5a-4a64-cb3c-b04fbea71492\"]'")"
	# its 2 V1 sessions are there; its single stale one is gone
	assert_eq 2 "$(q s.db "SELECT count(*) FROM completed_sessions cs JOIN users u ON u.id = cs.user_id
		WHERE u.email = 'jonas.lefevre51@icloud.com'")"
}

t_known_session_remapped() {
	stage_plan s.db
	# V1 session 1 (user 1, a new user): drill ids 8, 11, 14 become the V2
	# uuids of their titles, "uuid" first, V1's "id" gone, the rest as it was
	assert_eq "$(expected_session_1)" "$(session_json s.db mateo.patel1@me.com 2019-04-20)"
	# in every migrated session, every drill object starts with "uuid",
	# which names the V2 drill of the element's title (but the planted one)
	assert_eq "540|540|0" "$(q s.db "SELECT count(*),
			sum((SELECT k.key FROM json_each(e.value, '\$.drill') k ORDER BY k.id LIMIT 1) = 'uuid'),
			sum(json_type(e.value, '\$.drill.id') IS NOT NULL)
		FROM completed_sessions cs JOIN users u ON u.id = cs.user_id AND u.platform = 'apple'
		JOIN json_each(cs.drills) e
		JOIN drills d ON d.id = json_extract(e.value, '\$.drill.uuid') AND d.title = json_extract(e.value, '\$.drill.title')")"
	# the stale copies' wrong uuids (md5('v1-staging-drill:' || id)) are gone
	assert_eq 0 "$(q s.db "SELECT count(*) FROM completed_sessions WHERE drills LIKE '%$(printf 'v1-staging-drill:8' | md5sum | cut -c1-8)%'")"
	# the element count is V1's: 541 (540 mapped + the retired drill)
	assert_eq 541 "$(q s.db "SELECT count(*) FROM completed_sessions cs JOIN users u ON u.id = cs.user_id
		AND u.platform = 'apple' JOIN json_each(cs.drills) e")"
}

t_retired_drill_is_caught() {
	stage_plan s.db
	# V1 session 77 (user 26, 2021-04-19): its 5th element names 'Rabona
	# crosses', which V2 does not have: kept with "uuid": null ...
	local js
	js=$(session_json s.db soren.yamamoto26@gmail.com 2021-04-19)
	assert_eq 5 "$(q s.db "SELECT json_array_length('$js')")"
	assert_eq '{"uuid":null,"skill":"passing","title":"Rabona crosses","duration":10}' \
		"$(q s.db "SELECT json_extract('$js', '\$[4].drill')")"
	# ... and found by the plan's check, with the session and title
	local sid
	sid=$(q s.db "SELECT cs.id FROM completed_sessions cs JOIN users u ON u.id = cs.user_id
		WHERE u.email = 'soren.yamamoto26@gmail.com' AND cs.date = '2021-04-19'")
	assert_eq "fail 1 [[\"$sid\",\"Rabona crosses\"]]" "$(check_result s.db session_drills_have_v2_uuid)"
	# the run says so (exit 1: an error-severity check failed) ...
	stage_plan s2.db
	assert_status 1
	assert_out_contains "session_drills_have_v2_uuid"
	assert_out_contains "Rabona crosses"
	# ... approval is refused while it fails ...
	run dd approve s2.db --by tester
	assert_status 1
	assert_err_contains "drydock: error: the latest checks of 's2.db' found 1 error"
	assert_err_contains "hint: 'drydock check s2.db' lists them; change the plan, or fix them with --fix."
	# ... and the fix drops the element and recomputes that user's progress
	run dd check s2.db --fix
	assert_status 0
	js=$(session_json s2.db soren.yamamoto26@gmail.com 2021-04-19)
	assert_eq 4 "$(q s2.db "SELECT json_array_length('$js')")"
	assert_eq 0 "$(q s2.db "SELECT count(*) FROM json_each('$js') WHERE json_extract(value, '\$.drill.title') = 'Rabona crosses'")"
	# 7 elements over 2 sessions, 57 minutes (was 8 and 67 with the retired drill)
	assert_eq "3.50|28.50|1|2|1|3|Chest trap" "$(progress_of s2.db soren.yamamoto26@gmail.com)"
	run dd check s2.db
	assert_status 0
	assert_eq "pass 0 []" "$(check_result s2.db progress_matches_sessions)"
	assert_eq "pass 0 []" "$(check_result s2.db session_drills_have_v2_uuid)"
}

t_progress_metrics() {
	stage_plan s.db
	# values computed by hand from V1's sessions (3 users, one per case)
	assert_eq "3.50|32.50|2|1|3|1|Cone weave" "$(progress_of s.db mateo.patel1@me.com)"
	assert_eq "4.00|33.50|1|3|1|3|Chest trap" "$(progress_of s.db soren.yamamoto26@gmail.com)"
	assert_eq "3.50|29.00|3|1|2|1|Cone weave" "$(progress_of s.db jonas.lefevre51@icloud.com)"
	# updated_at is the user's
	assert_eq 0 "$(q s.db "SELECT count(*) FROM progress_history p JOIN users u ON u.id = p.user_id
		WHERE p.updated_at IS NOT u.updated_at")"
	# the independent check agrees on every migrated user
	assert_eq "pass 0 []" "$(check_result s.db progress_matches_sessions)"
	# the step's definition reproduces V2's own (Android) rows exactly, and
	# rounds half up in decimal (the fixture's averages all end in .00, .20,
	# .25, .33, .50, .75): a copy of the plan whose extra step, before
	# "progress", hands the 40 Android users to it (their rows are deleted
	# and computed again) and one more user: 8 drills and 20 minutes over 3
	# sessions are 2.67 and 6.67; a tie between two titles goes to the
	# smaller one; an empty session does not count
	cp -r "$PLAN" more
	cat >more/steps/05b_more.sql <<'EOF'
INSERT INTO mig_user (v1_id, email, old_v2_id, new_v2_id)
SELECT -row_number() OVER (ORDER BY id), email, NULL, id FROM users WHERE platform = 'android';

INSERT INTO users VALUES ('00000000-0000-0000-0000-0000000000aa', 'r@example.com', 'R', 'R', 'apple',
	'2020-01-01 00:00:00+00', '2020-01-02 00:00:00+00');
INSERT INTO mig_user VALUES (-100, 'r@example.com', NULL, '00000000-0000-0000-0000-0000000000aa');
INSERT INTO completed_sessions VALUES
('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000aa', '2020-01-01',
 '[{"drill":{"title":"Volleys","skill":"shooting","duration":3}},{"drill":{"title":"Juggling","skill":"first_touch","duration":3}}]'),
('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000aa', '2020-01-02',
 '[{"drill":{"title":"Volleys","skill":"shooting","duration":2}},{"drill":{"title":"Juggling","skill":"first_touch","duration":2}},{"drill":{"title":"Toe taps","skill":"dribbling","duration":2}}]'),
('00000000-0000-0000-0000-0000000000a3', '00000000-0000-0000-0000-0000000000aa', '2020-01-03',
 '[{"drill":{"title":"Volleys","skill":"shooting","duration":3}},{"drill":{"title":"Juggling","skill":"first_touch","duration":3}},{"drill":{"title":"Toe taps","skill":"dribbling","duration":2}}]'),
('00000000-0000-0000-0000-0000000000a4', '00000000-0000-0000-0000-0000000000aa', '2020-01-04', '[]');
EOF
	sed -i 's|{"name": "preferences", "sql": "steps/05_preferences.sql"}|&,\n\t\t{"name": "more", "sql": "steps/05b_more.sql"}|' more/plan.json
	grep -q 05b_more more/plan.json || fail "could not add the step"
	stage m.db more --no-check
	assert_status 0
	assert_eq 101 "$(q m.db 'SELECT count(*) FROM mig_user')"
	local sql="SELECT h.* FROM PREFIXprogress_history h JOIN PREFIXusers u ON u.id = h.user_id
		WHERE u.platform = 'android' ORDER BY h.user_id"
	assert_eq 40 "$(q m.db "${sql//PREFIX/}" | wc -l)"
	assert_eq "$(q m.db "${sql//PREFIX/dd_pristine__}")" "$(q m.db "${sql//PREFIX/}")" \
		"the step's definition does not reproduce V2's Android rows"
	assert_eq "2.67|6.67|2|0|3|3|Juggling|2020-01-02 00:00:00+00" "$(q m.db "SELECT drills_per_session, minutes_per_session,
		dribbling_drills_completed, passing_drills_completed, shooting_drills_completed,
		first_touch_drills_completed, favorite_drill, updated_at
		FROM progress_history WHERE user_id = '00000000-0000-0000-0000-0000000000aa'")"
	# the check can fail: a wrong favorite and a wrong average are found
	q s.db "UPDATE progress_history SET favorite_drill = 'Volleys' WHERE user_id = (SELECT id FROM users WHERE email = 'mateo.patel1@me.com');
		UPDATE progress_history SET drills_per_session = '4.01' WHERE user_id = (SELECT id FROM users WHERE email = 'soren.yamamoto26@gmail.com')"
	run dd check s.db
	assert_status 1
	assert_eq 'fail 2 [["mateo.patel1@me.com"],["soren.yamamoto26@gmail.com"]]' "$(check_result s.db progress_matches_sessions)"
}

t_android_untouched() {
	stage_plan s.db
	local before after
	before=$(android_rows s.db dd_pristine__)
	after=$(android_rows s.db)
	[[ -n $before ]] || fail "no Android rows"
	assert_eq "$before" "$after" "Android rows changed"
	assert_eq 40 "$(q s.db "SELECT count(*) FROM users WHERE platform = 'android'")"
	# and no change of the change set touches them
	assert_eq 0 "$(q s.db "SELECT count(*) FROM dd_change c
		WHERE json_extract(c.key, '\$[0]') IN (SELECT id FROM dd_pristine__users WHERE platform = 'android')
		   OR (c.tbl = 'completed_sessions' AND json_extract(coalesce(c.new_row, c.old_row), '\$[1]')
		       IN (SELECT id FROM dd_pristine__users WHERE platform = 'android'))")"
	# the invariant holds (drydock evaluates it on the snapshot and after)
	run dd check s.db
	assert_eq 1 "$(q s.db "SELECT count(*) FROM dd_check_result WHERE check_run = (SELECT max(check_run) FROM dd_check_result)
		AND name = 'android data identical' AND status = 'pass'")"
}

t_gates_and_checks_pass() {
	stage_plan s.db
	run dd check s.db --fix
	assert_status 0
	# every gate and plan check passed (one warning: the case-only match)
	run dd check s.db --json
	assert_status 0
	local failed
	failed=$(q s.db "SELECT group_concat(name, ', ') FROM dd_check_result
		WHERE check_run = (SELECT max(id) FROM dd_check_run) AND status = 'fail'")
	assert_eq "v1_email_case_differs" "$failed"
	assert_eq 0 "$(q s.db "SELECT count(*) FROM dd_check_result WHERE check_run = (SELECT max(id) FROM dd_check_run)
		AND kind IN ('gate', 'invariant') AND status <> 'pass'")"
	assert_eq 1 "$(q s.db "SELECT count(*) FROM dd_check_result WHERE check_run = (SELECT max(id) FROM dd_check_run)
		AND name = 'android data identical' AND status = 'pass'")"
}

t_gate_catches_android_change() {
	# a plan whose extra step touches one Android user and one Android session
	cp -r "$PLAN" bad
	cat >bad/steps/07_oops.sql <<'EOF'
UPDATE users SET first_name = 'Oops' WHERE id = (SELECT id FROM users WHERE platform = 'android' ORDER BY id LIMIT 1);
DELETE FROM completed_sessions WHERE id = (SELECT cs.id FROM completed_sessions cs
	JOIN users u ON u.id = cs.user_id WHERE u.platform = 'android' ORDER BY cs.id LIMIT 1);
EOF
	sed -i 's|{"name": "progress", "sql": "steps/06_progress.sql"}|&,\n\t\t{"name": "oops", "sql": "steps/07_oops.sql"}|' bad/plan.json
	grep -q 07_oops bad/plan.json || fail "could not add the step"
	stage s.db bad
	assert_status 1
	assert_out_contains "android users unchanged"
	assert_out_contains "android sessions unchanged"
	assert_out_contains "android data identical"
}

t_exact_email_matching_is_caught() {
	# matching emails exactly would create a second Jonas: the checks say so
	cp -r "$PLAN" exact
	sed -i 's/ON lower(v.email) = lower(u.email) AND v.platform/ON v.email = u.email AND v.platform/' exact/steps/01_match_users.sql
	grep -q 'ON v.email = u.email' exact/steps/01_match_users.sql || fail "could not change the step"
	stage s.db exact
	assert_status 1
	assert_out_contains "apple_users_once"
	assert_eq 2 "$(q s.db "SELECT count(*) FROM users WHERE lower(email) = 'jonas.lefevre51@icloud.com'")"
}

t_deterministic() {
	# a: setup_file's snapshot and run
	stage_plan a.db
	local h1 h2 h3
	h1=$(q a.db 'SELECT hash FROM dd_changeset')
	run dd -q run a.db --plan "$PLAN" --seed "$SEED"
	h2=$(q a.db 'SELECT hash FROM dd_changeset')
	assert_eq "$h1" "$h2" "a rerun changed the change set"
	# another snapshot of the same fixture, same seed: same change set
	stage b.db "$PLAN"
	h3=$(q b.db 'SELECT hash FROM dd_changeset')
	assert_eq "$h1" "$h3" "a second snapshot gave another change set"
	# another seed: other fresh ids, so another hash, same counts
	run dd -q run b.db --plan "$PLAN" --seed other
	[[ $(q b.db 'SELECT hash FROM dd_changeset') != "$h1" ]] || fail "the seed does not reach gen_random_uuid()"
	assert_eq "350|0|126" "$(q b.db 'SELECT inserts, updates, deletes FROM dd_changeset')"
}

t_one_user_run() {
	stage o.db "$ONE"
	assert_status 0   # no retired drill in this user's sessions: clean
	assert_eq 1 "$(q o.db 'SELECT count(*) FROM v1__users')"
	# Jonas: 1 user, 2 sessions, 1 preference, 1 progress row in; the stale
	# user, its 1 session, 1 preference and 1 progress row out
	assert_eq "completed_sessions 2 0 1
drills 0 0 0
progress_history 1 0 1
session_preferences 1 0 1
users 1 0 1" "$(table_counts o.db)"
	local old=dc490069-6d5a-4a64-cb3c-b04fbea71492 new
	new=$(q o.db "SELECT id FROM users WHERE email = 'jonas.lefevre51@icloud.com'")
	[[ -n $new && $new != "$old" ]] || fail "Jonas has no fresh id"
	# every deleted row was Jonas's, every inserted row is Jonas's
	assert_eq 0 "$(q o.db "SELECT count(*) FROM dd_change WHERE op = 'D' AND
		CASE tbl WHEN 'users' THEN json_extract(old_row, '\$[0]')
		         WHEN 'completed_sessions' THEN json_extract(old_row, '\$[1]')
		         ELSE json_extract(old_row, '\$[0]') END <> '$old'")"
	assert_eq 0 "$(q o.db "SELECT count(*) FROM dd_change WHERE op = 'I' AND
		CASE tbl WHEN 'users' THEN json_extract(new_row, '\$[0]')
		         WHEN 'completed_sessions' THEN json_extract(new_row, '\$[1]')
		         ELSE json_extract(new_row, '\$[0]') END <> '$new'")"
	# everybody else is exactly as snapshotted
	local others="lower(email) <> 'jonas.lefevre51@icloud.com'"
	assert_eq "$(q o.db "SELECT * FROM dd_pristine__users WHERE $others ORDER BY id" | md5sum)" \
		"$(q o.db "SELECT * FROM users WHERE $others ORDER BY id" | md5sum)"
	assert_eq 155 "$(q o.db "SELECT count(*) FROM completed_sessions WHERE user_id <> '$new'")"
	# Jonas's new rows are those the full migration gives him (but ids)
	stage_plan f.db
	local sql="SELECT cs.date, cs.drills FROM completed_sessions cs JOIN users u ON u.id = cs.user_id
		WHERE u.email = 'jonas.lefevre51@icloud.com' ORDER BY cs.date"
	assert_eq "$(q f.db "$sql")" "$(q o.db "$sql")"
	assert_eq "$(progress_of f.db jonas.lefevre51@icloud.com)" "$(progress_of o.db jonas.lefevre51@icloud.com)"
	run dd check o.db
	assert_status 0
	assert_eq 0 "$(q o.db "SELECT count(*) FROM dd_check_result WHERE check_run = (SELECT max(id) FROM dd_check_run)
		AND kind IN ('gate', 'invariant') AND status <> 'pass'")"
}

t_one_user_typo_selects_nobody() {
	cp -r "$PLAN" p
	sed -i "s/lower('Jonas.Lefevre51@iCloud.com')/lower('nobody@example.com')/" p/one-user/plan.json
	stage o.db p/one-user
	assert_eq 0 "$(q o.db 'SELECT count(*) FROM v1__users')"
	assert_eq "0|0|0" "$(q o.db 'SELECT inserts, updates, deletes FROM dd_changeset')"
	assert_status 1
	assert_out_contains "one_v1_user"
}

# ========================================================= PostgreSQL tests

# pg_load NAME: databases NAME_v1 and NAME_v2 from the fixture SQL (copies
# of v1_tpl and v2_tpl, which setup_file loaded).
pg_load() {
	pg_psql -d postgres -c "CREATE DATABASE \"$1_v1\" TEMPLATE v1_tpl STRATEGY FILE_COPY" \
		-c "CREATE DATABASE \"$1_v2\" TEMPLATE v2_tpl STRATEGY FILE_COPY"
}

url() { printf 'postgresql://postgres@/%s?host=%s&port=%s' "$1" "$PGHOST" "$PGPORT"; }

pg_snapshot() { # NAME PLAN DB
	dd -q snapshot --plan "$2" --source "v1=$(url "$1_v1")" --source "v2=$(url "$1_v2")" -o "$3"
}

# Data of the five V2 tables, each sorted (row order on disk changes when
# rows are deleted and put back): one pg_dump of the five, each table's
# COPY block (its COPY line, rows and end marker) under "== TABLE".
pg_data() { # DB
	local t dump
	dump=$("$DD_PG_BINDIR/pg_dump" --data-only --table=public.users --table=public.drills \
		--table=public.completed_sessions --table=public.session_preferences \
		--table=public.progress_history "$1")
	for t in users drills completed_sessions session_preferences progress_history; do
		echo "== $t"
		awk -v t="$t" '$1 == "COPY" && $2 == "public." t { on = 1 } on { print } on && /^\\\.$/ { on = 0 }' <<<"$dump" | sort
	done
}

# Canonical text of the Android users and all they own, hashed.
pg_android_md5() { # DB
	pg_psql -d "$1" -At -c "SELECT md5(string_agg(r, E'\n' ORDER BY r)) FROM (
		SELECT 'u' || u::text AS r FROM users u WHERE platform = 'android'
		UNION ALL SELECT 's' || s::text FROM completed_sessions s JOIN users u ON u.id = s.user_id WHERE u.platform = 'android'
		UNION ALL SELECT 'p' || p::text FROM session_preferences p JOIN users u ON u.id = p.user_id WHERE u.platform = 'android'
		UNION ALL SELECT 'h' || h::text FROM progress_history h JOIN users u ON u.id = h.user_id WHERE u.platform = 'android') x"
}

# Progress rows that differ from V2's definition (fixtures/sql/v2.sql),
# recomputed in PostgreSQL for every user.
PG_PROGRESS_DIFF="
WITH r AS (
  SELECT u.id AS user_id,
         round(count(*)::numeric / count(DISTINCT cs.id), 2) AS dps,
         round(sum((el -> 'drill' ->> 'duration')::int)::numeric / count(DISTINCT cs.id), 2) AS mps,
         count(*) FILTER (WHERE el -> 'drill' ->> 'skill' = 'dribbling') AS dr,
         count(*) FILTER (WHERE el -> 'drill' ->> 'skill' = 'passing') AS pa,
         count(*) FILTER (WHERE el -> 'drill' ->> 'skill' = 'shooting') AS sh,
         count(*) FILTER (WHERE el -> 'drill' ->> 'skill' = 'first_touch') AS ft,
         (SELECT el2 -> 'drill' ->> 'title' FROM completed_sessions cs2, jsonb_array_elements(cs2.drills) el2
           WHERE cs2.user_id = u.id GROUP BY 1 ORDER BY count(*) DESC, (el2 -> 'drill' ->> 'title') COLLATE \"C\" LIMIT 1) AS fav,
         u.updated_at
    FROM users u JOIN completed_sessions cs ON cs.user_id = u.id
    CROSS JOIN LATERAL jsonb_array_elements(cs.drills) el
   GROUP BY u.id, u.updated_at)
SELECT count(*) FROM (
  (SELECT user_id, dps, mps, dr, pa, sh, ft, fav, updated_at FROM r
   EXCEPT SELECT user_id, drills_per_session, minutes_per_session, dribbling_drills_completed, passing_drills_completed,
                 shooting_drills_completed, first_touch_drills_completed, favorite_drill, updated_at FROM progress_history)
  UNION ALL
  (SELECT user_id, drills_per_session, minutes_per_session, dribbling_drills_completed, passing_drills_completed,
          shooting_drills_completed, first_touch_drills_completed, favorite_drill, updated_at FROM progress_history
   EXCEPT SELECT user_id, dps, mps, dr, pa, sh, ft, fav, updated_at FROM r)) d"

t_pg_snapshot_equals_fixture() {
	pg_load snap
	pg_snapshot snap "$PLAN" live.db
	run dd -q run live.db --plan "$PLAN" --seed "$SEED" --clock "$CLOCK"
	[[ $status == 0 || $status == 1 ]] || fail "run failed"
	stage fx.db "$PLAN" --clock "$CLOCK"
	# the fixture is the databases: the same plan gives the same change set
	assert_eq "$(q fx.db 'SELECT hash FROM dd_changeset')" "$(q live.db 'SELECT hash FROM dd_changeset')"
	assert_eq "350|0|126" "$(q live.db 'SELECT inserts, updates, deletes FROM dd_changeset')"
}

# check --fix, approve, push; verify; rollback; verify.
t_pg_push_verify_rollback() {
	pg_load push
	local v1=push_v1 v2=push_v2 before android
	before=$(pg_data "$v2")
	android=$(pg_android_md5 "$v2")
	pg_snapshot push "$PLAN" s.db
	run dd run s.db --plan "$PLAN"
	assert_status 1                       # the retired drill
	run dd check s.db --fix
	assert_status 0
	run dd approve s.db --by "e2e tester"
	assert_status 0
	run dd push s.db --target "$(url "$v2")" --yes
	assert_status 0

	# --- the target, with our own SQL
	assert_eq "100|40|60|100" "$(pg_psql -d "$v2" -At -c "SELECT count(*), count(*) FILTER (WHERE platform = 'android'),
		count(*) FILTER (WHERE platform = 'apple'), count(DISTINCT lower(email)) FROM users")"
	# every V1 user once, by email up to case
	assert_eq "$(pg_psql -d "$v1" -At -c 'SELECT lower(email) FROM users ORDER BY 1')" \
		"$(pg_psql -d "$v2" -At -c "SELECT lower(email) FROM users WHERE platform = 'apple' ORDER BY 1")"
	# no stale id left
	assert_eq 0 "$(pg_psql -d "$v2" -At -c "SELECT count(*) FROM users
		WHERE id IN (SELECT md5('v2-apple-user' || n)::uuid FROM generate_series(1, 60) n)")"
	# sessions: 180, 540 elements (the retired one dropped by the fix), every
	# uuid a V2 drill of the element's title, "uuid" the first key, no "id"
	assert_eq "180|540|540|540|0" "$(pg_psql -d "$v2" -At -c "SELECT count(DISTINCT cs.id), count(*),
		count(*) FILTER (WHERE d.title = el -> 'drill' ->> 'title'),
		count(*) FILTER (WHERE (SELECT k FROM jsonb_object_keys(el -> 'drill') k LIMIT 1) = 'uuid'),
		count(*) FILTER (WHERE el -> 'drill' ? 'id')
		FROM completed_sessions cs JOIN users u ON u.id = cs.user_id AND u.platform = 'apple'
		CROSS JOIN LATERAL jsonb_array_elements(cs.drills) el
		LEFT JOIN drills d ON d.id::text = el -> 'drill' ->> 'uuid'")"
	assert_eq t "$(pg_psql -d "$v2" -At -c "SELECT cs.drills = '$(expected_session_1)'::jsonb
		FROM completed_sessions cs JOIN users u ON u.id = cs.user_id
		WHERE u.email = 'mateo.patel1@me.com' AND cs.date = '2019-04-20'")"
	# progress: V2's own definition holds for every user, Apple and Android
	assert_eq 0 "$(pg_psql -d "$v2" -At -c "$PG_PROGRESS_DIFF")"
	assert_eq "3.50|32.50|Cone weave" "$(pg_psql -d "$v2" -At -c "SELECT drills_per_session, minutes_per_session, favorite_drill
		FROM progress_history p JOIN users u ON u.id = p.user_id WHERE u.email = 'mateo.patel1@me.com'")"
	# Android: byte for byte as before
	assert_eq "$android" "$(pg_android_md5 "$v2")"
	[[ $(pg_data "$v2") != "$before" ]] || fail "the push changed nothing"

	# --- rollback: the target exactly as before
	run dd rollback s.db --target "$(url "$v2")" --yes
	assert_status 0
	assert_eq "$before" "$(pg_data "$v2")" "the target differs from before the push"
}

t_pg_one_user_push() {
	pg_load one
	local v2=one_v2 before others_sql others
	before=$(pg_data "$v2")
	others_sql="SELECT md5(string_agg(r, E'\n' ORDER BY r)) FROM (
		SELECT 'u' || u::text AS r FROM users u WHERE lower(email) <> 'jonas.lefevre51@icloud.com'
		UNION ALL SELECT 's' || s::text FROM completed_sessions s JOIN users u ON u.id = s.user_id WHERE lower(u.email) <> 'jonas.lefevre51@icloud.com'
		UNION ALL SELECT 'p' || p::text FROM session_preferences p JOIN users u ON u.id = p.user_id WHERE lower(u.email) <> 'jonas.lefevre51@icloud.com'
		UNION ALL SELECT 'h' || h::text FROM progress_history h JOIN users u ON u.id = h.user_id WHERE lower(u.email) <> 'jonas.lefevre51@icloud.com') x"
	others=$(pg_psql -d "$v2" -At -c "$others_sql")
	pg_snapshot one "$ONE" s.db
	run dd run s.db --plan "$ONE"
	assert_status 0
	run dd approve s.db --by "e2e tester"
	assert_status 0
	run dd push s.db --target "$(url "$v2")" --yes
	assert_status 0
	# Jonas replaced: new id, V2's spelling, 2 fresh sessions, fresh progress
	assert_eq "jonas.lefevre51@icloud.com|2|3.50|29.00" "$(pg_psql -d "$v2" -At -c "SELECT u.email,
		(SELECT count(*) FROM completed_sessions cs WHERE cs.user_id = u.id), p.drills_per_session, p.minutes_per_session
		FROM users u JOIN progress_history p ON p.user_id = u.id
		WHERE lower(u.email) = 'jonas.lefevre51@icloud.com' AND u.id <> 'dc490069-6d5a-4a64-cb3c-b04fbea71492'")"
	# nobody else changed
	assert_eq "$others" "$(pg_psql -d "$v2" -At -c "$others_sql")"
	run dd rollback s.db --target "$(url "$v2")" --yes
	assert_status 0
	assert_eq "$before" "$(pg_data "$v2")" "the target differs from before the push"
}

run_tests
