#!/usr/bin/env bash
# examples/backfill (seed 003): add an optional column, backfill it in
# batches, make it required -- one plan, one push; and examples/backfill/
# to-cloud: the local database copied into an empty cloud one.  Offline on
# the fixtures; then on a real PostgreSQL: snapshot, run, check, approve,
# push, the target verified with our own SQL, rollback, and the target
# exactly as before.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$TESTLIB_DIR/exlib.sh"

EX=$REPO/examples/backfill
CLOUD=$REPO/examples/backfill/to-cloud
TABLES=(_prisma_migrations users face_sources target_templates generated_videos purchases)
DATA_TABLES=(users face_sources target_templates generated_videos purchases)
# generated_videos as it was: every column the backfill must leave alone
VIDEO_COLS="id, user_id, face_source_id, template_id, status, output_path, file_size,
	duration_seconds, error_message, processing_node, created_at, updated_at"

setup_file() {
	pg_start || return 1
	pg_load pristine "$REPO/fixtures/sql/backfill.sql"
	pg_load cloud_pristine "$REPO/fixtures/sql/backfill-cloud.sql"
	dry_run_once backfill
	dry_run_once backfill/to-cloud "$CLOUD" "$REPO/fixtures/backfill-to-cloud"
}
teardown_file() { pg_stop; }

fresh_db() { # NAME TEMPLATE
	pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE \"$2\" STRATEGY FILE_COPY" >/dev/null
}

stage_cloud() { # [LOCAL_DB CLOUD_DB]
	if [[ $# -eq 2 ]]; then
		dd -q snapshot --plan "$CLOUD" --source "local=$(pg_url "$1")" --source "cloud=$(pg_url "$2")" -o s.db
	else
		dd -q snapshot --plan "$CLOUD" --fixture "$REPO/fixtures/backfill-to-cloud" -o s.db
	fi
}

# ------------------------------------------------------- offline: backfill

t_findings_before_the_steps() {
	cp "$(ran backfill)" s.db
	assert_eq "" "$(check_rows s.db "$EX/checks/prisma_drift.sql" before)"
	# the 11 videos without output: 4 pending, 4 processing, the 3 planted failures
	assert_eq "failed 3 pending 4 processing 4" "$(check_rows s.db "$EX/checks/videos_without_output.sql" before |
		cut -d'|' -f2 | sort | uniq -c | awk '{printf "%s %s ", $2, $1}' | sed 's/ $//')"
	assert_eq "ckv2z4a5ffzb1zqfbeccaz52c|failed|Worker lost: SIGKILL
ckvwx87a8w41z5bqwf4wed2xw|failed|No face detected in source image
ckvx18exw8d71dqze8zwze8cz|failed|CUDA out of memory" \
		"$(check_rows s.db "$EX/checks/videos_without_output.sql" before | grep '|failed|')"
	# the refund booked as a purchase: found, reported, left alone
	# (a PostgreSQL comparison of numeric: the run's own results, not raw SQLite)
	local refund='[["ckpzqaafaxx7qbexcd71fx55c","ckuq5bq8f78q74acxa52axx88","-19.99","USD","succeeded"]]'
	assert_eq "$refund" "$(sq s.db "SELECT sample FROM dd_check_result WHERE name = 'purchase of 0 or less (before)'
		ORDER BY rowid DESC LIMIT 1")"
	assert_eq "$refund" "$(sq s.db "SELECT sample FROM dd_check_result WHERE name = 'purchase of 0 or less'
		ORDER BY rowid DESC LIMIT 1")"
}

t_run_backfills_in_batches() {
	stage_example backfill
	run dd run s.db --plan "$EX"
	assert_status 0
	assert_out_matches "step derive_thumbnails +389 rows .*\(4 batches of 100 generated_videos\)"
	assert_out_matches "step placeholder_thumbnails +11 rows"
	assert_out_contains "0 inserts, 400 updates, 0 deletes, 3 schema changes"
	assert_eq 'generated_videos|0|400|0|{"thumbnail_path":400}' \
		"$(sq s.db "SELECT tbl, inserts, updates, deletes, columns FROM dd_change_table WHERE inserts + updates + deletes > 0")"
	assert_eq 4 "$(sq s.db "SELECT count(*) FROM dd_run_log WHERE step = 'derive_thumbnails'")"
	# the values: derived next to the output, or the placeholder of the status
	assert_eq "/outputs/cku8facz14exqe7c45b142b85/ckv11a7wwb44q5xde4c5q5wbe.jpg" \
		"$(sq s.db "SELECT thumbnail_path FROM generated_videos WHERE id = 'ckv11a7wwb44q5xde4c5q5wbe'")"
	assert_eq "/static/thumbnails/failed.jpg" \
		"$(sq s.db "SELECT thumbnail_path FROM generated_videos WHERE id = 'ckvx18exw8d71dqze8zwze8cz'")"
	assert_eq "389 3 8 0" "$(sq s.db "SELECT
		(SELECT count(*) FROM generated_videos WHERE thumbnail_path = substr(output_path, 1, length(output_path) - 4) || '.jpg'),
		(SELECT count(*) FROM generated_videos WHERE thumbnail_path = '/static/thumbnails/failed.jpg'),
		(SELECT count(*) FROM generated_videos WHERE thumbnail_path = '/static/thumbnails/processing.jpg'),
		(SELECT count(*) FROM generated_videos WHERE quality_score IS NOT NULL)" | tr '|' ' ')"
	assert_eq "" "$(check_rows s.db "$EX/checks/thumbnail_missing.sql" after)"
	assert_eq "" "$(check_rows s.db "$EX/checks/thumbnail_wrong.sql" after)"
	# nothing else moved: every other column of every video as snapshotted
	assert_eq 0 "$(sq s.db "SELECT count(*) FROM (SELECT $VIDEO_COLS FROM dd_pristine__generated_videos
		EXCEPT SELECT $VIDEO_COLS FROM generated_videos)")"
}

t_one_push_adds_fills_then_requires() {
	cp "$(ran backfill)" s.db
	assert_eq "1|before|ALTER TABLE public.generated_videos ADD COLUMN thumbnail_path text;||ALTER TABLE public.generated_videos DROP COLUMN thumbnail_path;
2|before|ALTER TABLE public.generated_videos ADD COLUMN quality_score double precision;||ALTER TABLE public.generated_videos DROP COLUMN quality_score;
3|after||ALTER TABLE public.generated_videos ALTER COLUMN thumbnail_path SET NOT NULL;|" \
		"$(sq s.db "SELECT seq, phase, trim(ddl, char(10)), trim(ddl_post, char(10)), trim(inverse_post, char(10))
			FROM dd_schema_change ORDER BY seq")"
	assert_eq "ALTER TABLE public.generated_videos ALTER COLUMN thumbnail_path DROP NOT NULL;" \
		"$(sq s.db "SELECT trim(inverse_ddl, char(10)) FROM dd_schema_change WHERE seq = 3")"
}

t_runs_are_reproducible() {
	local h1
	h1=$(sq "$(ran backfill)" "SELECT hash FROM dd_changeset")
	stage_example backfill
	dd -q run s.db --plan "$EX"
	assert_eq "$h1" "$(sq s.db "SELECT hash FROM dd_changeset")" "a new snapshot gave another change set"
	dd -q run s.db --plan "$EX" --from placeholder_thumbnails
	assert_eq "$h1" "$(sq s.db "SELECT hash FROM dd_changeset")" "--from gave another change set"
}

# A database whose migration history is not the expected one is refused
# (seed 003's drift detection).
t_drift_is_detected() {
	cp -r "$REPO/fixtures/backfill" fx
	grep -v '20240630170000_add_indexes' "$REPO/fixtures/backfill/app/_prisma_migrations.jsonl" >fx/app/_prisma_migrations.jsonl
	jq '(.sources[0].tables[] | select(.name == "_prisma_migrations") | .rows) = 5' \
		"$REPO/fixtures/backfill/fixture.json" >fx/fixture.json
	dd -q snapshot --plan "$EX" --fixture fx -o s.db
	run dd run s.db --plan "$EX"
	assert_eq "missing or not finished|20240630170000_add_indexes" \
		"$(check_rows s.db "$EX/checks/prisma_drift.sql" before)"
	# a failed "before" check of severity error: the run says so, and it
	# blocks approval
	assert_status 1
	assert_out_matches "^at the expected prisma migration +error +fail +1 +\(missing or not finished, 20240630170000_add_indexes\)"
	assert_out_contains "checks: 32 passed, 4 failed (1 error, 3 warnings)"
	run dd check s.db --plan "$EX"
	assert_status 1
	assert_out_matches "^at the expected prisma migration +error +fail +1 "
	run dd approve s.db --by tester
	assert_status 1
	assert_err_contains "drydock: error: the latest checks of 's.db' found 1 error"
	assert_err_contains "hint: 'drydock check s.db' lists them; change the plan, or fix them with --fix."
}

t_checks_and_gates() {
	cp "$(ran backfill)" s.db
	run dd check s.db --plan "$EX"
	assert_status 0
	local cr
	cr=$(sq s.db "SELECT max(id) FROM dd_check_run")
	assert_eq 0 "$(sq s.db "SELECT errors FROM dd_check_run WHERE id = $cr")"
	assert_eq "fail|warn|11" "$(sq s.db "SELECT status, severity, count FROM dd_check_result
		WHERE check_run = $cr AND name = 'videos without output'")"
	assert_eq "pass pass" "$(sq s.db "SELECT status FROM dd_check_result WHERE check_run = $cr
		AND name IN ('every video has a thumbnail', 'thumbnail follows the rule')" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq 0 "$(sq s.db "SELECT count(*) FROM dd_check_result WHERE check_run = $cr
		AND kind IN ('gate', 'invariant') AND status <> 'pass'")"
}

# ------------------------------------------------------ offline: to-cloud

t_to_cloud_fixture_shares_the_local_rows() {
	local f
	for f in "$REPO"/fixtures/backfill/app/*.jsonl; do
		cmp "$f" "$REPO/fixtures/backfill-to-cloud/local/${f##*/}" || fail "local/${f##*/} differs from fixtures/backfill"
	done
}

t_to_cloud_copies_every_row() {
	stage_cloud
	assert_eq "" "$(check_rows s.db "$CLOUD/checks/cloud_not_empty.sql" before)"
	assert_eq "" "$(check_rows s.db "$CLOUD/checks/migrations_differ.sql" before)"
	run dd run s.db --plan "$CLOUD"
	assert_status 0
	assert_out_contains "900 inserts, 0 updates, 0 deletes, 0 schema changes"
	assert_eq "face_sources|200 generated_videos|400 purchases|150 target_templates|30 users|120" \
		"$(sq s.db "SELECT tbl, inserts FROM dd_change_table WHERE inserts > 0 ORDER BY tbl" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq 0 "$(sq s.db "SELECT sum(updates + deletes) FROM dd_change_table")"
	assert_eq "" "$(check_rows s.db "$CLOUD/checks/copy_differs.sql" after)"
	# what push will insert is exactly the local rows, value for value
	assert_eq 150 "$(sq s.db "SELECT count(*) FROM dd_change c JOIN local__purchases p ON p.id = json_extract(c.key, '\$[0]')
		WHERE c.tbl = 'purchases' AND c.op = 'I' AND c.new_row = json_array(p.id, p.user_id, p.amount, p.currency,
			CAST(p.credits AS TEXT), p.status, p.stripe_payment_id, p.created_at)")"
}

t_to_cloud_refuses_a_cloud_with_rows() {
	cp -r "$REPO/fixtures/backfill-to-cloud" fx
	echo '{"id":"ckuexisting0000000000000","email":"already@there.example","name":null,"email_verified":null,"image":null,"created_at":"2026-01-01 00:00:00+00","updated_at":"2026-01-01 00:00:00+00"}' \
		>fx/cloud/users.jsonl
	jq '(.sources[] | select(.name == "cloud") | .tables[] | select(.name == "users") | .rows) = 1' \
		"$REPO/fixtures/backfill-to-cloud/fixture.json" >fx/fixture.json
	dd -q snapshot --plan "$CLOUD" --fixture fx -o s.db
	run dd run s.db --plan "$CLOUD"
	assert_eq "users|1" "$(check_rows s.db "$CLOUD/checks/cloud_not_empty.sql" before)"
	assert_status 1
	assert_out_matches "^cloud is empty +error +fail +1 +\(users, 1\)"
	assert_out_matches "^cloud equals local +error +fail +1 +\(users, not in local, ckuexisting0000000000000\)"
	assert_out_contains "(2 errors, 1 warning)"
}

# ------------------------------------------------------------- PostgreSQL

t_pg_snapshots_give_the_fixture_change_sets() {
	stage_example backfill pristine
	dd -q run s.db --plan "$EX"
	assert_eq "$(sq "$(ran backfill)" "SELECT hash FROM dd_changeset")" "$(sq s.db "SELECT hash FROM dd_changeset")" \
		"backfill: PostgreSQL and fixture differ"
	rm s.db
	stage_cloud pristine cloud_pristine
	dd -q run s.db --plan "$CLOUD"
	assert_eq "$(sq "$(ran backfill/to-cloud)" "SELECT hash FROM dd_changeset")" "$(sq s.db "SELECT hash FROM dd_changeset")" \
		"to-cloud: PostgreSQL and fixture differ"
}

push_to() { # PLAN DB [PUSH ARGS...]
	local plan=$1 db=$2
	shift 2
	run dd check s.db --plan "$plan"
	assert_status 0
	run dd approve s.db --by "Release Manager"
	assert_status 0
	run dd push s.db --target "$(pg_url "$db")" --yes "$@"
	assert_status 0
}

t_pg_push_verify_rollback() {
	fresh_db target pristine
	pg_image target "${TABLES[@]}" >before.txt
	pgq target "SELECT $VIDEO_COLS FROM generated_videos ORDER BY id" >videos.txt
	stage_example backfill target
	dd -q run s.db --plan "$EX"
	push_to "$EX" target

	# the new columns, as the plan says
	assert_eq "quality_score|double precision|f thumbnail_path|text|t" \
		"$(pgq target "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute
			WHERE attrelid = 'generated_videos'::regclass AND attname IN ('thumbnail_path', 'quality_score')
			ORDER BY attname" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "400|389|3|8|0" "$(pgq target "SELECT count(*),
		count(*) FILTER (WHERE thumbnail_path = regexp_replace(output_path, '\.mp4$', '.jpg')),
		count(*) FILTER (WHERE output_path IS NULL AND status = 'failed' AND thumbnail_path = '/static/thumbnails/failed.jpg'),
		count(*) FILTER (WHERE output_path IS NULL AND status IN ('pending', 'processing')
		                 AND thumbnail_path = '/static/thumbnails/processing.jpg'),
		count(quality_score) FROM generated_videos")"
	# required now: a video without a thumbnail is refused
	run pg_psql -d target -c "INSERT INTO generated_videos (id, user_id, face_source_id, template_id, updated_at)
		SELECT 'ckvnew', user_id, face_source_id, template_id, now() FROM generated_videos LIMIT 1"
	assert_status 1
	assert_err_contains 'null value in column "thumbnail_path"'
	# every other column of every video, and every other table, untouched
	pgq target "SELECT $VIDEO_COLS FROM generated_videos ORDER BY id" >videos.after.txt
	cmp videos.txt videos.after.txt || fail "push changed other columns of generated_videos"
	diff <(pg_data pristine _prisma_migrations users face_sources target_templates purchases) \
		<(pg_data target _prisma_migrations users face_sources target_templates purchases) >/dev/null ||
		fail "push changed another table"

	rollback_from target
	pg_image target "${TABLES[@]}" >after.txt
	diff -u before.txt after.txt || fail "after rollback the target differs from before the push"
}

# The copy into the empty cloud: after push the cloud holds exactly the
# local rows; rollback empties it again.
cloud_cycle() { # SUFFIX PUSH ARGS...
	local l=local$1 c=cloud$1
	shift
	fresh_db "$l" pristine
	fresh_db "$c" cloud_pristine
	pg_image "$c" "${TABLES[@]}" >before.txt
	stage_cloud "$l" "$c"
	dd -q run s.db --plan "$CLOUD"
	push_to "$CLOUD" "$c" "$@"
	diff -u <(pg_data "$l" "${TABLES[@]}") <(pg_data "$c" "${TABLES[@]}") ||
		fail "the cloud does not hold exactly the local rows"
	assert_eq "120 200 30 400 150 6" "$(pgq "$c" "SELECT (SELECT count(*) FROM users) || ' ' ||
		(SELECT count(*) FROM face_sources) || ' ' || (SELECT count(*) FROM target_templates) || ' ' ||
		(SELECT count(*) FROM generated_videos) || ' ' || (SELECT count(*) FROM purchases) || ' ' ||
		(SELECT count(*) FROM _prisma_migrations)")"
	# cuid text keys: no sequence or identity in this schema, so push has
	# none to advance (a schema with them is covered by push's own tests)
	assert_eq 0 "$(pgq "$c" "SELECT count(*) FROM pg_sequences WHERE schemaname = 'public'")"
	# the foreign keys hold on the target (they were enforced while inserting)
	assert_eq 0 "$(pgq "$c" "SELECT count(*) FROM generated_videos v LEFT JOIN face_sources f ON f.id = v.face_source_id
		WHERE f.id IS NULL")"

	rollback_from "$c"
	pg_image "$c" "${TABLES[@]}" >after.txt
	diff -u before.txt after.txt || fail "after rollback the cloud differs from before the push"
}

t_pg_to_cloud_push_verify_rollback() {
	cloud_cycle 1
}

t_pg_to_cloud_batched_push() {
	cloud_cycle 2 --batch-size 250
}

run_tests
