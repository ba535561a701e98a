#!/usr/bin/env bash
# examples/baseline (seed 002): a consolidated schema baseline as idempotent
# schema changes.  Offline on fixtures/baseline; then on a real PostgreSQL
# loaded from fixtures/sql/baseline.sql: snapshot, run, check, approve,
# push, the target verified with our own SQL, rollback, and the target
# exactly as before -- also on a target that already has part of the
# baseline.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$TESTLIB_DIR/exlib.sh"

EX=$REPO/examples/baseline
TABLES=(accounts objects media chakai chakai_objects local_classes)

setup_file() {
	pg_start || return 1
	pg_load pristine "$REPO/fixtures/sql/baseline.sql"
	dry_run_once baseline
}
teardown_file() { pg_stop; }

# A fresh copy of the pre-baseline database.
fresh_db() {
	pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE pristine STRATEGY FILE_COPY" >/dev/null
}

# ------------------------------------------------------------------ offline

t_fixture_has_the_counts_of_its_sql() {
	stage_example baseline
	assert_eq "accounts|40 chakai|80 chakai_objects|320 local_classes|12 media|303 objects|200" \
		"$(sq s.db "SELECT name, row_count FROM dd_table ORDER BY name" | tr '\n' ' ' | sed 's/ $//')"
}

t_findings_before_the_steps() {
	cp "$(ran baseline)" s.db
	assert_eq "301|9001|https://storage.chado.example/objects/9001/1.jpg
302|9002|https://storage.chado.example/objects/9002/1.png" \
		"$(check_rows s.db "$EX/checks/media_without_object.sql" before)"
	assert_eq "303|42|0" "$(check_rows s.db "$EX/checks/media_not_positive_size.sql" before)"
	# after the steps nothing blocks the new foreign key and check
	assert_eq "" "$(check_rows s.db "$EX/checks/media_without_object.sql" after)"
	assert_eq "" "$(check_rows s.db "$EX/checks/media_not_positive_size.sql" after)"
}

t_run_deletes_exactly_the_blocking_rows() {
	stage_example baseline
	run dd run s.db --plan "$EX"
	assert_status 0
	assert_out_contains "0 inserts, 0 updates, 3 deletes, 6 schema changes"
	assert_eq 'media|D|["301"]
media|D|["302"]
media|D|["303"]' "$(sq s.db "SELECT tbl, op, key FROM dd_change ORDER BY tbl, key")"
	# row counts per table: unchanged, but for the three media rows
	local t counts=""
	for t in "${TABLES[@]}"; do
		counts+="$t|$(sq s.db "SELECT count(*) FROM dd_pristine__$t")|$(sq s.db "SELECT count(*) FROM $t") "
	done
	assert_eq "accounts|40|40 objects|200|200 media|303|300 chakai|80|80 chakai_objects|320|320 local_classes|12|12 " "$counts"
	# the rows that stay are untouched: the working tables equal the pristine ones
	for t in accounts objects chakai chakai_objects local_classes; do
		assert_eq 0 "$(sq s.db "SELECT count(*) FROM (SELECT * FROM dd_pristine__$t EXCEPT SELECT * FROM $t)")" "$t changed"
	done
	assert_eq 300 "$(sq s.db "SELECT count(*) FROM (SELECT * FROM dd_pristine__media INTERSECT SELECT * FROM media)")"
}

t_schema_changes_render_idempotent_ddl() {
	cp "$(ran baseline)" s.db
	assert_eq "1|before|add_index|objects|0
2|before|add_index|chakai_objects|0
3|after|add_foreign_key|media|0
4|after|target_sql||0
5|after|target_sql||0
6|after|target_sql||0" "$(sq s.db "SELECT seq, phase, op, tbl, skipped FROM dd_schema_change ORDER BY seq")"
	assert_eq "CREATE INDEX IF NOT EXISTS objects_owner_id_idx ON public.objects (owner_id);" \
		"$(sq s.db "SELECT ddl_post FROM dd_schema_change WHERE seq = 1")"
	assert_eq "DROP INDEX public.objects_owner_id_idx;" "$(sq s.db "SELECT inverse_ddl FROM dd_schema_change WHERE seq = 1")"
	local fk
	fk=$(sq s.db "SELECT ddl_post FROM dd_schema_change WHERE seq = 3")
	[[ $fk == *"IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conname = 'media_object_id_fkey'"* ]] ||
		fail "the foreign key is not guarded: $fk"
	[[ $fk == *"FOREIGN KEY (object_id) REFERENCES public.objects(id) ON DELETE CASCADE"* ]] || fail "foreign key: $fk"
	# every drydock-modelled change has a probe, so push can skip what the
	# target already has (and rollback leaves it alone)
	assert_eq 3 "$(sq s.db "SELECT count(*) FROM dd_schema_change WHERE probe LIKE 'SELECT EXISTS%'")"
	# target_sql ("after"): the SQL as written; its rollback before the inverse data
	assert_eq 3 "$(sq s.db "SELECT count(*) FROM dd_schema_change WHERE op = 'target_sql'
		AND ddl LIKE 'DO \$dd\$%' AND inverse_ddl LIKE 'DO \$dd\$%' AND inverse_post = '' AND ddl_post = ''")"
}

t_runs_are_reproducible() {
	local h1 h2
	h1=$(sq "$(ran baseline)" "SELECT hash FROM dd_changeset")
	stage_example baseline
	dd -q run s.db --plan "$EX"
	h2=$(sq s.db "SELECT hash FROM dd_changeset")
	assert_eq "$h1" "$h2" "the same plan on the same fixture gave another change set"
}

# A target that already has part of the baseline: its snapshot says so,
# and those changes are skipped (left alone in staging, probed at push).
t_part_already_present_is_skipped_offline() {
	cp -r "$REPO/fixtures/baseline" fx
	jq '(.sources[0].tables[] | select(.name == "objects") | .indexes) += [{"name": "objects_owner_id_idx",
		"definition": "CREATE INDEX objects_owner_id_idx ON public.objects USING btree (owner_id)"}]' \
		"$REPO/fixtures/baseline/fixture.json" >fx/fixture.json
	dd -q snapshot --plan "$EX" --fixture fx -o s.db
	run dd run s.db --plan "$EX"
	assert_status 0
	# the skipped change is not counted (it is in the hash, marked skipped)
	assert_out_contains "0 inserts, 0 updates, 3 deletes, 5 schema changes"
	assert_eq "1|1 2|0 3|0" "$(sq s.db "SELECT seq, skipped FROM dd_schema_change WHERE seq <= 3" | tr '\n' ' ' | sed 's/ $//')"
	# still guarded and still invertible: push asks the probe first
	assert_eq "CREATE INDEX IF NOT EXISTS objects_owner_id_idx ON public.objects (owner_id);" \
		"$(sq s.db "SELECT ddl_post FROM dd_schema_change WHERE seq = 1")"
}

t_checks_and_gates() {
	cp "$(ran baseline)" s.db
	run dd check s.db --plan "$EX"
	assert_status 0
	local cr
	cr=$(sq s.db "SELECT max(id) FROM dd_check_run")
	assert_eq 0 "$(sq s.db "SELECT errors FROM dd_check_run WHERE id = $cr")"
	assert_eq "fail|warn|2" "$(sq s.db "SELECT status, severity, count FROM dd_check_result
		WHERE check_run = $cr AND name = 'media without object'")"
	assert_eq "fail|warn|1" "$(sq s.db "SELECT status, severity, count FROM dd_check_result
		WHERE check_run = $cr AND name = 'media with size <= 0'")"
	assert_eq "pass pass pass" "$(sq s.db "SELECT status FROM dd_check_result WHERE check_run = $cr
		AND name IN ('new foreign key holds', 'new size check holds', 'rows in media')" | tr '\n' ' ' | sed 's/ $//')"
	# every gate and invariant holds
	assert_eq 0 "$(sq s.db "SELECT count(*) FROM dd_check_result WHERE check_run = $cr
		AND kind IN ('gate', 'invariant') AND status <> 'pass'")"
}

# ------------------------------------------------------------- PostgreSQL

# A snapshot of the real database gives the fixture's change set, bit for
# bit: the fixture is a faithful stand-in for production.
t_pg_snapshot_gives_the_fixture_change_set() {
	local want
	want=$(sq "$(ran baseline)" "SELECT hash FROM dd_changeset")
	stage_example baseline pristine
	dd -q run s.db --plan "$EX"
	assert_eq "$want" "$(sq s.db "SELECT hash FROM dd_changeset")"
}

# push_and_approve DB: check, approve and push s.db to DB.
push_to() {
	run dd check s.db --plan "$EX"
	assert_status 0
	run dd approve s.db --by "Release Manager"
	assert_status 0
	run dd push s.db --target "$(pg_url "$1")" --yes
	assert_status 0
}

# The baseline is on the target: checked in pg_catalog, not by drydock.
verify_baseline() {
	local db=$1
	assert_eq "chakai_objects_object_id_idx objects_owner_id_idx" \
		"$(pgq "$db" "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes
			WHERE indexname IN ('objects_owner_id_idx', 'chakai_objects_object_id_idx')")"
	assert_eq "f|objects|c|t" "$(pgq "$db" "SELECT contype, confrelid::regclass, confdeltype, convalidated
		FROM pg_constraint WHERE conname = 'media_object_id_fkey' AND conrelid = 'media'::regclass")"
	assert_eq "CHECK ((size_bytes > 0))" "$(pgq "$db" "SELECT pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conname = 'media_size_bytes_check'")"
	# row level security on every table, with a SELECT policy each
	assert_eq "accounts|t|1 chakai|t|1 chakai_objects|t|1 local_classes|t|1 media|t|1 objects|t|1" \
		"$(pgq "$db" "SELECT c.relname, c.relrowsecurity, (SELECT count(*) FROM pg_policies p
			WHERE p.tablename = c.relname AND p.cmd = 'SELECT') FROM pg_class c
			WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "local_classes_default_sort_order|O" "$(pgq "$db" "SELECT tgname, tgenabled FROM pg_trigger
		WHERE tgrelid = 'local_classes'::regclass AND NOT tgisinternal")"
	# the seed's own test of the function (in a transaction we roll back)
	assert_eq "20|10" "$(pg_psql -d "$db" -At -c "BEGIN" -c "SELECT swap_local_class_sort_order(1, 2)" \
		-c "SELECT string_agg(sort_order::text, '|' ORDER BY id) FROM local_classes WHERE id IN (1, 2)" -c "ROLLBACK" | sed -n 2p)"
	# row counts: the seed's completion report
	assert_eq "40 200 300 80 320 12" "$(pgq "$db" "SELECT (SELECT count(*) FROM accounts) || ' ' ||
		(SELECT count(*) FROM objects) || ' ' || (SELECT count(*) FROM media) || ' ' ||
		(SELECT count(*) FROM chakai) || ' ' || (SELECT count(*) FROM chakai_objects) || ' ' ||
		(SELECT count(*) FROM local_classes)")"
	assert_eq 0 "$(pgq "$db" "SELECT count(*) FROM media WHERE id IN (301, 302, 303)")"
}

t_pg_push_verify_rollback() {
	fresh_db target1
	local untouched=(accounts objects chakai chakai_objects local_classes)
	pg_image target1 "${TABLES[@]}" >before.txt
	pg_data target1 "${untouched[@]}" >untouched.txt
	stage_example baseline target1
	dd -q run s.db --plan "$EX"
	push_to target1
	verify_baseline target1
	# the rows of the other tables are exactly as they were
	pg_data target1 "${untouched[@]}" >untouched.after.txt
	diff -u untouched.txt untouched.after.txt || fail "push changed rows it should not have"
	# the report after push is the seed's completion report: row counts
	# per table, who approved, the push applied
	dd -q report s.db -o completion
	assert_eq "40 200 303 80 320 12" "$(jq -r '[.comparable.sources.app.tables | .accounts, .objects, .media,
		.chakai, .chakai_objects, .local_classes | .rows] | join(" ")' completion/report.json)"
	assert_eq "300|3|ready" "$(jq -r '[.comparable.tables.media.rows_after, .comparable.tables.media.deletes,
		.comparable.status] | join("|")' completion/report.json)"
	assert_eq "Release Manager|push|applied" "$(jq -r '[.context.approval.approved_by, .context.pushes[0].kind,
		.context.pushes[0].status] | join("|")' completion/report.json)"

	rollback_from target1
	pg_image target1 "${TABLES[@]}" >after.txt
	diff -u before.txt after.txt || fail "after rollback the target differs from before the push"
}

# Part of the baseline was applied by hand before the snapshot (an index,
# row level security and the policy on media), and part between snapshot
# and push (another index: drift).  Push applies only the rest; rollback
# removes only what push added.
t_pg_partly_applied_target() {
	fresh_db target2
	pg_psql -d target2 -c "CREATE INDEX objects_owner_id_idx ON objects (owner_id)" \
		-c "ALTER TABLE media ENABLE ROW LEVEL SECURITY" \
		-c "CREATE POLICY \"Media of public objects are viewable by everyone\" ON media FOR SELECT
			USING (EXISTS (SELECT 1 FROM objects o WHERE o.id = media.object_id AND o.is_public))" >/dev/null
	stage_example baseline target2
	dd -q run s.db --plan "$EX"
	assert_eq "1|1 2|0" "$(sq s.db "SELECT seq, skipped FROM dd_schema_change WHERE seq <= 2" | tr '\n' ' ' | sed 's/ $//')"
	pg_psql -d target2 -c "CREATE INDEX chakai_objects_object_id_idx ON chakai_objects (object_id)" >/dev/null
	pg_image target2 "${TABLES[@]}" >before.txt

	push_to target2
	verify_baseline target2
	# the hand-made policy was kept, not replaced (it has no drydock mark)
	assert_eq "Media of public objects are viewable by everyone|" "$(pgq target2 "SELECT p.polname,
		obj_description(p.oid, 'pg_policy') FROM pg_policy p WHERE p.polrelid = 'media'::regclass")"

	rollback_from target2
	pg_image target2 "${TABLES[@]}" >after.txt
	diff -u before.txt after.txt || fail "rollback removed or left something: the target differs from before the push"
	# what was there before the push is still there
	assert_eq 2 "$(pgq target2 "SELECT count(*) FROM pg_indexes WHERE indexname IN ('objects_owner_id_idx', 'chakai_objects_object_id_idx')")"
	assert_eq "t" "$(pgq target2 "SELECT relrowsecurity FROM pg_class WHERE oid = 'media'::regclass")"
}

run_tests
