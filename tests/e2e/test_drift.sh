#!/usr/bin/env bash
# Drift: before push sends anything, the target's schema for the
# snapshot's tables is compared with the snapshot's, and the target's
# database with the snapshotted one.  A difference stops the push with the
# list (exit 3, nothing sent); --allow-drift lets benign ones through;
# another cluster is refused unless --target-is-copy.  `drydock drift`
# shows the same comparison alone (exit 1 on drift, --json).
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app <<-'SQL'
		CREATE TYPE vis AS ENUM ('public', 'private');
		CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE, v vis DEFAULT 'public');
		CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id), body text);
		INSERT INTO users VALUES (1, 'a@x', 'public'), (2, 'b@x', 'private');
		INSERT INTO posts VALUES (1, 1, 'hello');
	SQL
	FIX=$T/fix
	mkdir -p "$FIX/plan"
	cat >"$FIX/plan/plan.json" <<-'JSON'
		{"name": "drift", "sources": {"app": {"tables": ["users", "posts"]}},
		 "steps": [{"name": "s1", "sql": "s1.sql"}]}
	JSON
	echo "UPDATE users SET email = email || '.org', v = 'private'; INSERT INTO posts VALUES (2, 2, 'new');" >"$FIX/plan/s1.sql"
	dd -q snapshot --plan "$FIX/plan" --source app -o "$FIX/s.db"
	dd -q run "$FIX/s.db" --plan "$FIX/plan"
	dd -q approve "$FIX/s.db" --by Ann
	export FIX
}

teardown_file() { pg_stop; }

newdb() { pg_psql -q -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE app STRATEGY FILE_COPY"; }
q() { pg_psql -X -A -t -d "$1" -c "$2"; }
# nothing_sent DB: no ledger schema and the rows as loaded
nothing_sent() {
	assert_eq "" "$(q "$1" "SELECT nspname FROM pg_namespace WHERE nspname = 'drydock'")"
	assert_eq "a@x b@x" "$(q "$1" "SELECT email FROM users ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
}

t_snapshot_records_the_database_identity() {
	assert_eq "app" "$(sqlite3 "$FIX/s.db" "SELECT value FROM dd_meta WHERE key = 'source.app.database'")"
	assert_eq "$(q app "SELECT system_identifier FROM pg_control_system()")" \
		"$(sqlite3 "$FIX/s.db" "SELECT value FROM dd_meta WHERE key = 'source.app.system_identifier'")"
}

t_no_drift_pushes() {
	cp "$FIX/s.db" s.db
	newdb same
	run dd push s.db -d same --yes
	assert_status 0
	assert_err_contains "warning: the target is another database than the snapshot's: the snapshot read database 'app'; the target is database 'same' of the same cluster"
	assert_err_not_contains "schema differs"
	assert_eq "a@x.org b@x.org" "$(q same "SELECT email FROM users ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
}

t_changed_type_and_nullability_refuse_with_the_list() {
	cp "$FIX/s.db" s.db
	newdb typed
	q typed "ALTER TABLE users ALTER COLUMN email TYPE varchar(100); ALTER TABLE posts ALTER COLUMN body SET NOT NULL" >/dev/null
	run dd push s.db -d typed --yes --allow-drift
	assert_status 3
	assert_err_contains "drydock: error: the target's schema differs from the snapshot's: 2 differences; nothing was sent"
	assert_err_contains "detail: table users: column 'email' is character varying(100), the snapshot's was text"
	assert_err_contains "detail: table posts: column 'body' is NOT NULL, the snapshot's was nullable"
	assert_err_contains "hint: The target changed since the snapshot"
	nothing_sent typed
}

t_missing_table_column_key_and_type_refuse() {
	cp "$FIX/s.db" s.db
	pg_psql -q -d postgres -c "CREATE DATABASE bare STRATEGY FILE_COPY"
	q bare "CREATE TABLE users (id int, email text NOT NULL, v text)" >/dev/null
	run dd push s.db -d bare --yes
	assert_status 3
	assert_err_contains "detail: table users: column 'v' is text, the snapshot's was vis"
	assert_err_contains "detail: table users: primary key 'users_pkey' (PRIMARY KEY (id)) is missing"
	assert_err_contains "detail: table users: unique constraint 'users_email_key' (UNIQUE (email)) is missing"
	assert_err_contains "detail: table posts: table public.posts is missing"
	assert_err_contains "detail: enum type vis is missing"
	assert_err_contains "detail: type vis, which the change set writes, does not exist"
	assert_eq "" "$(q bare "SELECT nspname FROM pg_namespace WHERE nspname = 'drydock'")"
}

t_benign_drift_needs_allow_drift() {
	cp "$FIX/s.db" s.db
	newdb benign
	q benign "ALTER TABLE users ADD COLUMN note text; CREATE INDEX ON posts (body);
		  ALTER TABLE posts ALTER COLUMN body SET DEFAULT 'x'; ALTER TYPE vis ADD VALUE 'secret'" >/dev/null
	run dd push s.db -d benign --yes
	assert_status 3
	assert_err_contains "error: the target's schema differs from the snapshot's: 4 differences; nothing was sent"
	assert_err_contains "detail: table users: column 'note' (text) is not in the snapshot (benign)"
	assert_err_contains "detail: table posts: index 'posts_body_idx' is not in the snapshot: CREATE INDEX posts_body_idx ON public.posts USING btree (body) (benign)"
	assert_err_contains "detail: table posts: column 'body' has default 'x'::text, the snapshot's had none (benign)"
	assert_err_contains "detail: enum type vis has 1 label the snapshot did not (benign)"
	assert_err_contains "hint: These differences cannot make the push fail; pass --allow-drift"
	nothing_sent benign
	run dd push s.db -d benign --yes --allow-drift
	assert_status 0
	assert_err_contains "warning: the target's schema differs from the snapshot's in 4 benign ways"
	assert_eq "a@x.org b@x.org" "$(q benign "SELECT email FROM users ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
}

t_extra_not_null_column_without_default_is_not_benign() {
	cp "$FIX/s.db" s.db
	newdb strict
	q strict "ALTER TABLE posts ADD COLUMN must int; UPDATE posts SET must = 1; ALTER TABLE posts ALTER COLUMN must SET NOT NULL" >/dev/null
	run dd push s.db -d strict --yes --allow-drift
	assert_status 3
	assert_err_contains "detail: table posts: column 'must' (integer NOT NULL) is not in the snapshot: NOT NULL without a default, inserts would fail"
	nothing_sent strict
}

t_another_cluster_is_refused_unless_target_is_copy() {
	cp "$FIX/s.db" s.db
	newdb copy
	# the snapshot as if read from another cluster
	sqlite3 s.db "UPDATE dd_meta SET value = '12345' WHERE key = 'source.app.system_identifier'"
	run dd push s.db -d copy --yes
	assert_status 3
	assert_err_contains "drydock: error: the target is not the database the snapshot was taken from"
	assert_err_contains "detail: the snapshot read database 'app' of the cluster with system identifier 12345; the target is database 'copy' of cluster"
	assert_err_contains "hint: Push to the snapshotted database, or pass --target-is-copy"
	nothing_sent copy
	run dd push s.db -d copy --yes --target-is-copy
	assert_status 0
	assert_err_not_contains "another database"
}

t_repush_and_rollback_are_not_drift() {
	cp "$FIX/s.db" s.db
	newdb again
	dd -q push s.db -d again --yes
	run dd push s.db -d again --yes
	assert_status 3
	assert_err_contains "already applied"
	assert_err_not_contains "schema differs"
	run dd rollback s.db -d again --yes
	assert_status 0
	run dd push s.db -d again --yes --target-is-copy
	assert_status 0
}

t_drift_command_same_database_is_exit_0() {
	run dd drift "$FIX/s.db" -d app
	assert_status 0
	assert_out_contains "database    the snapshotted one"
	assert_out_contains "schema      as the snapshot saw it"
	run dd drift "$FIX/s.db" -d app --json
	assert_status 0
	assert_eq "true|same|0|0|0" "$(jq -r '[.ok, .database, (.differences | length), .benign, .severe] | join("|")' "$T/out")"
}

t_drift_command_lists_differences_and_sends_nothing() {
	newdb listed
	q listed "ALTER TABLE users ALTER COLUMN email TYPE varchar(100); ALTER TABLE users ADD COLUMN note text" >/dev/null
	run dd drift "$FIX/s.db" -d listed
	assert_status 1
	assert_out_contains "database    another database: the snapshot read database 'app'; the target is database 'listed' of the same cluster"
	assert_out_contains "schema      2 differences (1 benign):"
	assert_out_contains "  table users: column 'email' is character varying(100), the snapshot's was text"
	assert_out_contains "  table users: column 'note' (text) is not in the snapshot"
	run dd drift "$FIX/s.db" -d listed --json
	assert_status 1
	assert_eq "false|1|other_database|2|1|1" "$(jq -r '[.ok, .exit_code, .database, (.differences | length), .benign, .severe] | join("|")' "$T/out")"
	assert_eq "users|false" "$(jq -r '.differences[] | select(.what | startswith("column '"'"'email'"'"'")) | [.table, .benign] | join("|")' "$T/out")"
	nothing_sent listed
	# a connection error is exit 3 and JSON still says so
	run dd drift "$FIX/s.db" -d no_such_db --json
	assert_status 3
	assert_eq "false|3" "$(jq -r '[.ok, .exit_code] | join("|")' "$T/out")"
}

# A source with a trigger, row-level security and a policy: the snapshot
# records them, and any difference in the target is drift (not benign).
rules_source() {
	pg_psql -q -d postgres -c "DROP DATABASE IF EXISTS rules" -c "CREATE DATABASE rules STRATEGY FILE_COPY"
	pg_psql -q -d rules <<-'SQL'
		CREATE TABLE docs (id int PRIMARY KEY, owner text, body text, updated timestamptz);
		CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS
		  $$BEGIN NEW.updated := '2020-01-01'; RETURN NEW; END$$;
		CREATE TRIGGER docs_stamp BEFORE UPDATE ON docs FOR EACH ROW EXECUTE FUNCTION stamp();
		ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
		CREATE POLICY docs_owner ON docs USING (owner = current_user);
		INSERT INTO docs VALUES (1, 'postgres', 'a', NULL);
	SQL
	mkdir -p plan
	echo '{"name": "rules", "sources": {"rules": {"tables": ["docs"]}}, "steps": [{"name": "s", "sql": "s.sql"}]}' >plan/plan.json
	echo "UPDATE docs SET body = 'b';" >plan/s.sql
	dd -q snapshot --plan plan --source rules -o r.db
	dd -q run r.db --plan plan
	dd -q approve r.db --by Ann
}

t_triggers_and_policies_are_recorded_and_unchanged_is_no_drift() {
	rules_source
	assert_eq 3 "$(sqlite3 r.db "SELECT json_array_length(value) FROM dd_meta WHERE key = 'source.rules.triggers_policies'")"
	run dd drift r.db -d rules
	assert_status 0
	assert_out_contains "schema      as the snapshot saw it"
}

t_trigger_and_policy_drift_refuses_push() {
	rules_source
	pg_psql -q -d rules <<-'SQL'
		ALTER TABLE docs DISABLE TRIGGER docs_stamp;
		CREATE TRIGGER docs_audit AFTER DELETE ON docs FOR EACH ROW EXECUTE FUNCTION stamp();
		DROP POLICY docs_owner ON docs;
		CREATE POLICY docs_all ON docs FOR SELECT USING (true);
		ALTER TABLE docs FORCE ROW LEVEL SECURITY;
	SQL
	run dd drift r.db -d rules
	assert_status 1
	assert_out_contains "schema      5 differences (2 benign):"
	assert_out_contains "table docs: trigger 'docs_stamp' is CREATE TRIGGER docs_stamp BEFORE UPDATE ON public.docs FOR EACH ROW EXECUTE FUNCTION stamp() (disabled), the snapshot's was CREATE TRIGGER docs_stamp BEFORE UPDATE ON public.docs FOR EACH ROW EXECUTE FUNCTION stamp()"
	assert_out_contains "table docs: trigger 'docs_audit' is not in the snapshot: CREATE TRIGGER docs_audit AFTER DELETE ON public.docs FOR EACH ROW EXECUTE FUNCTION stamp()"
	assert_out_contains "table docs: policy 'docs_owner' is missing: permissive FOR ALL TO public USING ((owner = CURRENT_USER))"
	assert_out_contains "table docs: policy 'docs_all' is not in the snapshot: permissive FOR SELECT TO public USING (true)"
	assert_out_contains "table docs: row-level security is enabled and forced, the snapshot's was enabled"
	run dd push r.db -d rules --yes --allow-drift
	assert_status 3
	assert_err_contains "error: the target's schema differs from the snapshot's: 5 differences; nothing was sent"
	assert_eq "a" "$(q rules "SELECT body FROM docs")"
}

t_rollback_refuses_a_target_whose_schema_changed_after_the_push() {
	cp "$FIX/s.db" s.db
	newdb moved
	dd -q push s.db -d moved --yes
	q moved "ALTER TABLE users ALTER COLUMN email TYPE varchar(100); ALTER TABLE posts RENAME COLUMN body TO text_body" >/dev/null
	run dd rollback s.db -d moved --yes
	assert_status 3
	assert_err_contains "drydock: error: the target's schema differs from what the push left: 2 differences; nothing was sent"
	assert_err_contains "detail: table users: column 'email' is character varying(100), the push left text"
	assert_err_contains "detail: table posts: column 'body' (text) is missing"
	assert_err_contains "hint: The target's schema changed after the push"
	assert_eq "applied" "$(q moved "SELECT status FROM drydock.ledger ORDER BY id DESC LIMIT 1")"
	# put back as the push left it: the rollback goes through
	q moved "ALTER TABLE users ALTER COLUMN email TYPE text; ALTER TABLE posts RENAME COLUMN text_body TO body" >/dev/null
	run dd rollback s.db -d moved --yes
	assert_status 0
	assert_eq "a@x b@x" "$(q moved "SELECT email FROM users ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
}

run_tests
