#!/usr/bin/env bash
# examples/uuid-ids (seed 004): string ids to UUIDs, additively.  Offline on
# fixtures/uuid-ids: the order and batches, the mapping, the orphan finding,
# resume after a failed batch.  Then on a real PostgreSQL: snapshot, run,
# check, approve, a batched push of 1000 rows killed after its first
# checkpoints and resumed, the target verified with our own SQL (uuids
# recomputed by uuid-ossp), rollback, and the target exactly as before.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$TESTLIB_DIR/exlib.sh"

EX=$REPO/examples/uuid-ids
TABLES=(users clinics providers dashboards)
CLOCK=2026-01-15T09:00:00Z	# the fixture's snapshot time: the run's clock

setup_file() {
	pg_start || return 1
	pg_load pristine "$REPO/fixtures/sql/uuid-ids.sql"
	# an independent implementation of version 5 uuids, for the checks
	pg_createdb calc
	pg_psql -d calc -c 'CREATE EXTENSION "uuid-ossp"' >/dev/null
	dry_run_once uuid-ids
}
teardown_file() { pg_stop; }

# ------------------------------------------------------------------ offline

t_orphan_providers_found_before_and_after() {
	cp "$(ran uuid-ids)" s.db
	local want="prov_0037|clinic_041|Dr. Fatima Larsen
prov_0074|clinic_055|Dr. Matías Costa
prov_0111|clinic_099|Dr. Mohammed Okafor"
	assert_eq "$want" "$(check_rows s.db "$EX/checks/providers_without_clinic.sql" before | cut -d'|' -f1-3)"
	# a finding, not something this migration changes
	assert_eq "$want" "$(check_rows s.db "$EX/checks/providers_without_clinic.sql" after | cut -d'|' -f1-3)"
}

t_run_users_then_clinics_then_dashboards() {
	stage_example uuid-ids
	run dd run s.db --plan "$EX"
	assert_status 0
	assert_out_matches "step users +600 rows .*\(3 batches of 100 users\)"
	assert_out_matches "step clinics +80 rows .*\(1 batch of 100 clinics\)"
	assert_out_matches "step dashboards +1000 rows .*\(5 batches of 100 dashboards\)"
	assert_out_contains "840 inserts, 840 updates, 0 deletes, 11 schema changes"
	# the order of the run log: users, then clinics, then dashboards
	assert_eq "users 3 clinics 1 dashboards 5" "$(sq s.db "SELECT step, count(*) FROM dd_run_log
		WHERE run = (SELECT max(id) FROM dd_run) AND batch IS NOT NULL GROUP BY step ORDER BY min(seq)" | tr '|\n' '  ' | sed 's/ $//')"
	assert_eq 'clinics|0|40|{"uuid_id":40} dashboards|0|500|{"uuid_id":500,"user_uuid_id":500} id_mappings|840|0|{} users|0|300|{"uuid_id":300}' \
		"$(sq s.db "SELECT tbl, inserts, updates, columns FROM dd_change_table WHERE inserts + updates + deletes > 0
			ORDER BY tbl" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "clinics|40 dashboards|500 users|300" \
		"$(sq s.db "SELECT table_name, count(*) FROM id_mappings GROUP BY 1 ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
	# version 5 uuids of the old ids (python3 -c "import uuid;
	# print(uuid.uuid5(uuid.NAMESPACE_URL, 'https://ids.clinics.example/users/user_0001'))")
	assert_eq "c9840bfb-88d1-532d-8888-dfd7cca0a8c4" "$(sq s.db "SELECT uuid_id FROM users WHERE id = 'user_0001'")"
	assert_eq "dash_00001|user_0008|9f06ebe6-987e-5674-832c-acba32cc7078" \
		"$(sq s.db "SELECT d.id, d.user_id, d.user_uuid_id FROM dashboards d WHERE d.id = 'dash_00001'")"
	assert_eq 840 "$(sq s.db "SELECT count(DISTINCT new_id) FROM id_mappings")"
	assert_eq "2026-01-15 09:00:00+00|840" "$(sq s.db "SELECT migrated_at, count(*) FROM id_mappings GROUP BY 1")"
	local c
	for c in uuid_missing dashboard_user_uuid_wrong mapping_wrong; do
		assert_eq "" "$(check_rows s.db "$EX/checks/$c.sql" after)" "check $c found rows"
	done
	# the old columns are untouched
	assert_eq 0 "$(sq s.db "SELECT count(*) FROM (SELECT id, user_id, clinic_id, title, layout, is_default, created_at,
		updated_at FROM dd_pristine__dashboards EXCEPT SELECT id, user_id, clinic_id, title, layout, is_default,
		created_at, updated_at FROM dashboards)")"
}

t_schema_changes_and_their_inverse() {
	cp "$(ran uuid-ids)" s.db
	assert_eq "ALTER TABLE public.users ADD COLUMN uuid_id uuid;
ALTER TABLE public.users ALTER COLUMN uuid_id SET DEFAULT gen_random_uuid();" \
		"$(sq s.db "SELECT trim(ddl, char(10)) FROM dd_schema_change WHERE seq = 1")"
	# rollback removes the columns and the mapping table, after the data
	assert_eq "ALTER TABLE public.users DROP COLUMN uuid_id;
ALTER TABLE public.clinics DROP COLUMN uuid_id;
ALTER TABLE public.dashboards DROP COLUMN uuid_id;
ALTER TABLE public.dashboards DROP COLUMN user_uuid_id;
DROP TABLE public.id_mappings;" "$(sq s.db "SELECT trim(inverse_post, char(10)) FROM dd_schema_change
		WHERE inverse_post <> '' ORDER BY seq")"
	assert_eq "ALTER TABLE public.dashboards ADD CONSTRAINT dashboards_user_uuid_id_fkey FOREIGN KEY (user_uuid_id) REFERENCES public.users(uuid_id) ON DELETE CASCADE;" \
		"$(sq s.db "SELECT trim(ddl_post, char(10)) FROM dd_schema_change WHERE seq = 7")"
}

# The uuids do not depend on the run's random seed (version 5 of the old
# id), so two environments give the same change set.
t_change_set_does_not_depend_on_the_seed() {
	cp "$(ran uuid-ids)" s.db
	local h
	h=$(sq s.db "SELECT hash FROM dd_changeset")
	dd -q run s.db --plan "$EX" --seed "another environment"
	assert_eq "$h" "$(sq s.db "SELECT hash FROM dd_changeset")"
	# the clock does enter (id_mappings.migrated_at)
	dd -q run s.db --plan "$EX" --clock 2026-02-01T00:00:00Z
	[[ $(sq s.db "SELECT hash FROM dd_changeset") != "$h" ]] || fail "migrated_at does not follow the clock"
}

# A batch that fails stops the run at its checkpoint; --resume goes on from
# there and gives the change set an uninterrupted run gives.
t_failed_batch_resumes_to_the_same_change_set() {
	local want
	want=$(sq "$(ran uuid-ids)" "SELECT hash FROM dd_changeset")
	stage_example uuid-ids
	cp -r "$EX" plan
	# batch 3 of dashboards runs into a duplicate mapping
	cat "$EX/steps/03_dashboards.sql" >plan/steps/03_dashboards.sql
	echo "INSERT INTO id_mappings SELECT 'users', 'user_0001', gen_random_uuid(), now()
	      WHERE (SELECT count(*) FROM dashboards WHERE id < (SELECT min(key) FROM dd_batch)) = 200;" >>plan/steps/03_dashboards.sql
	run dd run s.db --plan plan
	assert_status 3
	assert_err_contains "dashboards"
	# stopped at step 3 (index 2), batch 3: batches 1 and 2 are committed
	assert_eq "failed|2|3" "$(sq s.db "SELECT status, next_step, next_batch FROM dd_run ORDER BY id DESC LIMIT 1")"
	assert_eq 200 "$(sq s.db "SELECT count(*) FROM id_mappings WHERE table_name = 'dashboards'")"
	cp "$EX/steps/03_dashboards.sql" plan/steps/03_dashboards.sql
	run dd run s.db --plan plan --resume
	assert_status 0
	assert_eq "$want" "$(sq s.db "SELECT hash FROM dd_changeset")"
}

# The run killed (SIGKILL, DD_FAULT) after its 5th committed batch (users
# 3, clinics 1, dashboards 1) resumes after that checkpoint, runs no batch
# twice (the steps insert mappings) and reaches the uninterrupted change set.
t_killed_run_resumes_after_its_checkpoint() {
	stage_example uuid-ids
	DD_FAULT=run.after_batch:5 "$DRYDOCK" -q run s.db --plan "$EX" >/dev/null 2>&1 && fail "the fault did not kill the run"
	assert_eq "running|2|2" "$(sq s.db "SELECT status, next_step, next_batch FROM dd_run ORDER BY id DESC LIMIT 1")"
	assert_eq 100 "$(sq s.db "SELECT count(*) FROM id_mappings WHERE table_name = 'dashboards'")"
	run dd run s.db --plan "$EX" --resume
	assert_status 0
	assert_eq "$(sq "$(ran uuid-ids)" "SELECT hash FROM dd_changeset")" "$(sq s.db "SELECT hash FROM dd_changeset")"
	assert_eq "users 1 users 2 users 3 clinics 1 dashboards 1 dashboards 2 dashboards 3 dashboards 4 dashboards 5" \
		"$(sq s.db "SELECT step, batch FROM dd_run_log WHERE batch IS NOT NULL ORDER BY seq" | tr '|\n' '  ' | sed 's/ $//')"
}

t_checks_and_gates() {
	cp "$(ran uuid-ids)" s.db
	run dd check s.db --plan "$EX"
	assert_status 0
	local cr
	cr=$(sq s.db "SELECT max(id) FROM dd_check_run")
	assert_eq 0 "$(sq s.db "SELECT errors FROM dd_check_run WHERE id = $cr")"
	# the validation report, before and after: the orphans stay a finding
	assert_eq "fail|warn|3 fail|warn|3" "$(sq s.db "SELECT status, severity, count FROM dd_check_result
		WHERE check_run = $cr AND name LIKE 'providers without clinic%' ORDER BY seq" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq 0 "$(sq s.db "SELECT count(*) FROM dd_check_result WHERE check_run = $cr
		AND (kind IN ('gate', 'invariant') OR severity = 'error') AND status NOT IN ('pass', 'unverifiable')")"
}

# ------------------------------------------------------------- PostgreSQL

t_pg_snapshot_gives_the_fixture_change_set() {
	stage_example uuid-ids pristine
	dd -q run s.db --plan "$EX" --clock "$CLOCK"
	assert_eq "$(sq "$(ran uuid-ids)" "SELECT hash FROM dd_changeset")" "$(sq s.db "SELECT hash FROM dd_changeset")"
}

# uuid_v5 of TABLE's old ids as uuid-ossp computes them: "old|uuid" lines.
expected_uuids() { # TABLE OLD_IDS_SQL
	pgq calc "SELECT id || '|' || uuid_generate_v5(uuid_ns_url(), 'https://ids.clinics.example/$1/' || id)
		FROM ($2) AS t(id) ORDER BY id"
}

verify_migrated() {
	local db=$1
	assert_eq "clinics.uuid_id|uuid|t dashboards.user_uuid_id|uuid|f dashboards.uuid_id|uuid|t users.uuid_id|uuid|t" \
		"$(pgq "$db" "SELECT attrelid::regclass || '.' || attname, format_type(atttypid, atttypmod), attnotnull
			FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
			WHERE attname IN ('uuid_id', 'user_uuid_id') AND attnum > 0 ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "clinics_uuid_id_key dashboards_uuid_id_key id_mappings_new_id_key id_mappings_pkey users_uuid_id_key" \
		"$(pgq "$db" "SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes
			WHERE indexname LIKE '%uuid_id_key' OR tablename = 'id_mappings'")"
	assert_eq "FOREIGN KEY (user_uuid_id) REFERENCES users(uuid_id) ON DELETE CASCADE" \
		"$(pgq "$db" "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'dashboards_user_uuid_id_fkey'")"
	assert_eq "gen_random_uuid()" "$(pgq "$db" "SELECT column_default FROM information_schema.columns
		WHERE table_name = 'users' AND column_name = 'uuid_id'")"
	# every uuid is uuid-ossp's version 5 of the old id
	diff <(expected_uuids users "$(pgq "$db" "SELECT string_agg(format('SELECT %L', id), ' UNION ALL ') FROM users")") \
		<(pgq "$db" "SELECT id || '|' || uuid_id FROM users ORDER BY id") || fail "users: uuids differ from uuid-ossp's"
	diff <(expected_uuids clinics "$(pgq "$db" "SELECT string_agg(format('SELECT %L', id), ' UNION ALL ') FROM clinics")") \
		<(pgq "$db" "SELECT id || '|' || uuid_id FROM clinics ORDER BY id") || fail "clinics: uuids differ from uuid-ossp's"
	diff <(expected_uuids dashboards "$(pgq "$db" "SELECT string_agg(format('SELECT %L', id), ' UNION ALL ') FROM dashboards")") \
		<(pgq "$db" "SELECT id || '|' || uuid_id FROM dashboards ORDER BY id") || fail "dashboards: uuids differ from uuid-ossp's"
	# the seed's manual verification queries
	assert_eq "300 40 500" "$(pgq "$db" "SELECT (SELECT count(*) FROM users WHERE uuid_id IS NOT NULL) || ' ' ||
		(SELECT count(*) FROM clinics WHERE uuid_id IS NOT NULL) || ' ' ||
		(SELECT count(*) FROM dashboards WHERE uuid_id IS NOT NULL)")"
	assert_eq "clinics|40 dashboards|500 users|300" "$(pgq "$db" "SELECT table_name, COUNT(*) FROM id_mappings
		GROUP BY table_name ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
	assert_eq 3 "$(pgq "$db" "SELECT COUNT(*) FROM providers p LEFT JOIN clinics c ON p.clinic_id = c.id WHERE c.id IS NULL")"
	assert_eq 0 "$(pgq "$db" "SELECT count(*) FROM dashboards d JOIN users u ON u.id = d.user_id
		WHERE d.user_uuid_id IS DISTINCT FROM u.uuid_id")"
	assert_eq 0 "$(pgq "$db" "SELECT count(*) FROM id_mappings m LEFT JOIN (SELECT 'users' AS t, id, uuid_id FROM users
		UNION ALL SELECT 'clinics', id, uuid_id FROM clinics UNION ALL SELECT 'dashboards', id, uuid_id FROM dashboards) r
		ON r.t = m.table_name AND r.id = m.old_id WHERE r.uuid_id IS DISTINCT FROM m.new_id")"
}

# The batched push (1000 rows a transaction, the seed's size) is killed
# while it waits inside a batch, after earlier batches committed; the same
# push again resumes after the last checkpoint.  To stop it at a known
# point, a test trigger on dashboards waits for an advisory lock this test
# holds: the batches before the dashboards batch commit, the dashboards
# batch waits, and we kill -9 drydock there.  The resumed push is judged by
# the ledger, not by drift (the gate is gone by then).
t_pg_batched_push_killed_resumed_and_rolled_back() {
	local url pid holder i waiting=0
	pg_psql -d postgres -c "CREATE DATABASE target TEMPLATE pristine STRATEGY FILE_COPY" >/dev/null
	url=$(pg_url target)
	pg_image target "${TABLES[@]}" >before.txt
	# the gate is in the target before the snapshot: a trigger added after
	# it would be drift, and push would refuse to send anything
	pg_psql -d target -c "CREATE FUNCTION dd_test_gate() RETURNS trigger LANGUAGE plpgsql AS
		\$\$BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NULL; END\$\$" \
		-c "CREATE TRIGGER dd_test_gate BEFORE UPDATE ON dashboards FOR EACH STATEMENT EXECUTE FUNCTION dd_test_gate()" >/dev/null
	stage_example uuid-ids target
	dd -q run s.db --plan "$EX"
	run dd check s.db --plan "$EX"
	assert_status 0
	run dd approve s.db --by "Data Team"
	assert_status 0

	PGAPPNAME=dd_holder pg_psql -d target -c "SELECT pg_advisory_lock(4242)" -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
	holder=$!
	for ((i = 0; i < 100; i++)); do
		[[ $(pgq target "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND granted") == 1 ]] && break
		sleep 0.05
	done

	dd push s.db --target "$url" --yes --batch-size 1000 >push1.out 2>&1 &
	pid=$!
	for ((i = 0; i < 160; i++)); do
		if [[ $(pgq target "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted") == 1 ]]; then
			waiting=1
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# the server side of the killed push, and the lock holder
	pgq target "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted" >/dev/null
	pgq target "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dd_holder'" >/dev/null
	wait "$holder" 2>/dev/null || true
	pg_psql -d target -c "DROP TRIGGER dd_test_gate ON dashboards" -c "DROP FUNCTION dd_test_gate()" >/dev/null
	((waiting)) || { cat push1.out >&2; fail "the push never reached the dashboards batch"; }

	# earlier batches are committed and checkpointed; the push is open
	local ledger
	ledger=$(pgq target "SELECT status, checkpoint > 0 AND checkpoint < units, batch_size FROM drydock.ledger WHERE kind = 'push'")
	assert_eq "in_progress|t|1000" "$ledger" "the ledger after the kill"
	assert_eq 300 "$(pgq target "SELECT count(*) FROM users WHERE uuid_id IS NOT NULL")"
	assert_eq 0 "$(pgq target "SELECT count(*) FROM dashboards WHERE uuid_id IS NOT NULL")"

	run dd push s.db --target "$url" --yes --batch-size 1000
	assert_status 0
	grep -qi 'resum' "$T/out" "$T/err" || fail "the second push did not resume"
	assert_eq "applied" "$(pgq target "SELECT string_agg(status, ',') FROM drydock.ledger WHERE kind = 'push'")"
	verify_migrated target

	rollback_from target
	pg_image target "${TABLES[@]}" >after.txt
	diff -u before.txt after.txt || fail "after rollback the target differs from before the push"
	assert_eq "" "$(pgq target "SELECT to_regclass('public.id_mappings')")"
}

run_tests
