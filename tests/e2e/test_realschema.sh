#!/usr/bin/env bash
# Issue 12 end to end: one schema with every feature together
# (tests/e2e/data/realschema/schema.sql: range partitions by date with a
# default partition and a sub-partitioned year with a gap, list partitions
# of a table without a primary key, generated columns, an FK cycle with a
# self-reference, BEFORE UPDATE stamping triggers and a
# tsvector_update_trigger, a rule, sequences with and without OWNED BY,
# identity ALWAYS and BY DEFAULT, a domain with a CHECK, an enum, ranges,
# arrays, bytea).  The plan names the tables and nothing else.
#
# The migration touches every table; drydock snapshots, runs, checks,
# approves and pushes it with its defaults, and PostgreSQL applies the same
# SQL to a copy: both targets must hold the same rows (trigger-stamped
# times aside).  Then an application inserts (no collisions), the push is
# rolled back, and every table must equal the before-image row by row,
# stamps included, with the same schema dump.  Every problem PostgreSQL
# would stop at push is stopped before it, with its reason.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$TESTLIB_DIR/exlib.sh"

DATA=$REPO/tests/e2e/data/realschema
TABLES=(store staff film rental payment event_log visit film_note film_note_log)
SEQS=(store_id_seq staff_id_seq film_ids rental_id_seq payment_id_seq)

# what is compared with PostgreSQL's own result: every column but the
# trigger-stamped last_update, partition of each row included
ROWS_SQL="SELECT 'store', id, name, manager_id, label FROM store ORDER BY id;
SELECT 'staff', id, store_id, boss_id, name, mood, picture FROM staff ORDER BY id;
SELECT 'film', id, title, description, release_year, rating, features, showing, fulltext FROM film ORDER BY id;
SELECT 'rental', id, film_id, staff_id, period, days FROM rental ORDER BY id;
SELECT tableoid::regclass, * FROM payment ORDER BY id, paid_on;
SELECT tableoid::regclass, * FROM event_log ORDER BY kind, seq;
SELECT 'visit', * FROM visit ORDER BY at, who;
SELECT 'film_note', * FROM film_note ORDER BY id;
SELECT 'film_note_log', * FROM film_note_log ORDER BY note_id;"

setup_file() {
	pg_start || return 1
	pg_load src "$DATA/schema.sql"
	cp -r "$DATA" "$T/plan"
	dd -q snapshot --plan "$T/plan" --source "$(pg_url src)" -o "$T/s.db"
	FIX=$T
	export FIX
}

teardown_file() { pg_stop; }

newdb() { pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE src STRATEGY FILE_COPY" >/dev/null; }
rows() { pg_psql -d "$1" -At -c "$ROWS_SQL"; }
seqs() {
	local s
	for s in "${SEQS[@]}"; do pgq "$1" "SELECT '$s', last_value FROM $s"; done
}

# a plan with one PostgreSQL-SQL step STEP_SQL over the same tables
plan_with() {
	mkdir -p p
	jq '.steps = [{"name": "s", "sql": "s.sql"}]' "$DATA/plan.json" >p/plan.json
	printf '%s\n' "$1" >p/s.sql
}

# ------------------------------------------------------------ the snapshot

t_snapshot_takes_every_table_with_its_key() {
	run dd status "$FIX/s.db"
	assert_status 0
	assert_out_contains "app.payment "
	assert_out_contains "payment [partitioned]"
	# no primary key: the unique index on NOT NULL columns, else the whole row
	assert_out_contains "event_log [partitioned] [key: unique index event_log_kind_seq]"
	assert_out_contains "visit [key: full row]"
	run dd status "$FIX/s.db" --json
	assert_eq "event_log:unique index:event_log_kind_seq film:primary key: visit:full row:" "$(jq -r '.tables[]
		| select(.name == "film" or .name == "event_log" or .name == "visit")
		| "\(.name):\(.key):\(.key_index // "")"' "$T/out" | sort | tr '\n' ' ' | sed 's/ $//')"
	assert_eq '["kind","seq"]|event_log_kind_seq' "$(sq "$FIX/s.db" "SELECT key_columns, key_index FROM dd_table WHERE name = 'event_log'")"
	# every partition's rows, through the parents
	assert_eq 4 "$(sq "$FIX/s.db" 'SELECT count(*) FROM dd_pristine__payment')"
	assert_eq 3 "$(sq "$FIX/s.db" 'SELECT count(*) FROM dd_pristine__event_log')"
	assert_eq "" "$(sq "$FIX/s.db" "SELECT name FROM dd_table WHERE name LIKE 'payment_%' OR name LIKE 'event_log_%'")"
}

t_report_says_which_key_each_table_uses() {
	cp "$FIX/s.db" s.db
	dd -q run s.db --plan "$FIX/plan"
	run dd report s.db -o rep
	assert_status 0
	assert_eq 'event_log:unique index:kind,seq:event_log_kind_seq film:primary key:id: visit:full row::' \
		"$(jq -r '.comparable.tables | to_entries[] | select(.key == "film" or .key == "event_log" or .key == "visit")
		| "\(.key):\(.value.key.kind):\(.value.key.columns | join(",")):\(.value.key.index // "")"' rep/report.json \
		| tr '\n' ' ' | sed 's/ $//')"
	run cat rep/report.md
	assert_out_contains '| table | key | rows before |'
	assert_out_contains '| event\_log | unique index event\_log\_kind\_seq (kind, seq) |'
	assert_out_contains '| film | primary key (id) |'
	run cat rep/report.html
	assert_out_contains 'data-k="key">key: unique index event_log_kind_seq (kind, seq)</span>'
	assert_out_contains 'data-k="key">key: primary key (id)</span>'
}

# ------------------------------------------- the migration, end to end

t_migration_matches_postgresql_and_rolls_back_exactly() {
	newdb target
	newdb oracle
	local before_rows before_data before_schema
	before_rows=$(rows target)
	before_data=$(pg_data target "${TABLES[@]}")
	before_schema=$(pg_schema target)
	cp "$FIX/s.db" s.db
	run dd run s.db --plan "$FIX/plan"
	assert_status 0
	assert_out_contains "change set"
	run dd check s.db
	assert_status 0
	dd -q approve s.db --by "e2e tester"

	# PostgreSQL's own result: the same SQL on a copy, in one transaction
	{ echo 'BEGIN;'; cat "$DATA/migrate.sql"; echo 'COMMIT;'; } >oracle.sql
	pg_psql -d oracle -f oracle.sql >/dev/null

	run dd push s.db --target "$(pg_url target)" --yes
	assert_status 0
	assert_out_contains "pushed change set"
	assert_err_contains "film.fulltext set by trigger"
	assert_err_contains "store.last_update set by trigger store_stamp"
	assert_eq "$(rows oracle)" "$(rows target)" "the target holds what PostgreSQL's own statements give"
	assert_eq "$(seqs oracle)" "$(seqs target)" "every sequence where PostgreSQL's own inserts leave it"
	# the stamping triggers fired as in production
	assert_eq "t" "$(pgq target "SELECT bool_and(last_update > '2025-01-01') FROM staff WHERE id = 2")"
	assert_eq "'alien':1 'cat':7 'dusk':2 'ship':4" "$(pgq target "SELECT fulltext FROM film WHERE id = 100")"

	# the application goes on: inserts taking every default, no collision
	pg_psql -d target >/dev/null <<-'SQL'
		INSERT INTO store (name) VALUES ('App store');
		INSERT INTO staff (store_id, name) VALUES (1, 'App clerk');
		INSERT INTO film (title) VALUES ('App film');
		INSERT INTO rental (film_id, staff_id, period) VALUES (100, 1, '[2025-05-01,2025-05-02)');
		INSERT INTO payment (paid_on, amount) VALUES ('2024-08-08', 1.00);
	SQL
	assert_eq "4|7|104|5|7" "$(pgq target "SELECT (SELECT max(id) FROM store), (SELECT max(id) FROM staff),
		(SELECT max(id) FROM film), (SELECT max(id) FROM rental), (SELECT max(id) FROM payment)")"

	run dd rollback s.db --target "$(pg_url target)" --yes
	assert_status 0
	assert_out_contains "rolled back push #1"
	# the application's rows stay; without them, the before-image exactly
	assert_eq 5 "$(pgq target "SELECT (SELECT count(*) FROM store WHERE name = 'App store') +
		(SELECT count(*) FROM staff WHERE name = 'App clerk') + (SELECT count(*) FROM film WHERE title = 'App film') +
		(SELECT count(*) FROM rental WHERE id = 5) + (SELECT count(*) FROM payment WHERE paid_on = '2024-08-08')")"
	pg_psql -d target >/dev/null <<-'SQL'
		DELETE FROM payment WHERE paid_on = '2024-08-08';
		DELETE FROM rental WHERE id = 5;
		DELETE FROM film WHERE title = 'App film';
		DELETE FROM staff WHERE name = 'App clerk';
		DELETE FROM store WHERE name = 'App store';
	SQL
	assert_eq "$before_rows" "$(rows target)"
	assert_eq "$(grep -v 'setval' <<<"$before_data")" "$(pg_data target "${TABLES[@]}" | grep -v 'setval')" \
		"every row as before, trigger-stamped times included"
	assert_eq "$before_schema" "$(pg_schema target)" "the schema as before"
	# sequences stay past every value handed out (the application drew from them)
	assert_eq "store_id_seq|4 staff_id_seq|7 film_ids|104 rental_id_seq|5 payment_id_seq|7" "$(seqs target | tr '\n' ' ' | sed 's/ $//')"
	# and the application's next inserts after the rollback collide with nothing either
	pg_psql -d target >/dev/null <<-'SQL'
		INSERT INTO store (name) VALUES ('Later store');
		INSERT INTO staff (store_id, name) VALUES (1, 'Later clerk');
		INSERT INTO film (title) VALUES ('Later film');
		INSERT INTO rental (film_id, staff_id, period) VALUES (100, 1, '[2025-06-01,2025-06-02)');
		INSERT INTO payment (paid_on, amount) VALUES ('2024-09-09', 2.00);
	SQL
	assert_eq "5|8|105|6|8" "$(pgq target "SELECT (SELECT max(id) FROM store), (SELECT max(id) FROM staff),
		(SELECT max(id) FROM film), (SELECT max(id) FROM rental), (SELECT max(id) FROM payment)")"
}

# ------------------------------------- every problem, stopped before push

t_domain_check_fails_offline() {
	cp "$FIX/s.db" s.db
	run pg_psql -d src -c "BEGIN; UPDATE film SET release_year = 2200 WHERE id = 101; ROLLBACK"
	assert_err_contains 'value for domain year violates check constraint "year_check"'
	# a PostgreSQL-SQL step writes through the domain, as PostgreSQL does
	plan_with "UPDATE film SET release_year = 2200 WHERE id = 101;"
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains 'value for domain year violates check constraint "year_check"'
	# an SQLite-SQL step is not compiled: the domain's CHECK fails the run's checks
	jq '.steps[0].dialect = "sqlite"' p/plan.json >p/plan2.json && mv p/plan2.json p/plan.json
	run dd run s.db --plan p
	assert_status 1
	assert_out_contains "1 row violates CHECK (((VALUE >= 1901) AND (VALUE <= 2155))) of domain year"
	run dd approve s.db --by tester
	assert_status 1
}

t_range_with_lower_above_upper_fails_offline() {
	cp "$FIX/s.db" s.db
	plan_with "UPDATE film SET showing = '[2025-05-01,2025-01-01)' WHERE id = 101;"
	# PostgreSQL SQL: refused before anything runs, as PostgreSQL refuses the literal
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "range lower bound must be less than or equal to range upper bound"
	# SQLite SQL writes it as text: the types check fails it
	jq '.steps[0].dialect = "sqlite"' p/plan.json >p/plan2.json && mv p/plan2.json p/plan.json
	run dd run s.db --plan p
	assert_status 1
	assert_out_contains "is not a valid daterange: range lower bound must be less than or equal to range upper bound"
	run pg_psql -d src -c "SELECT '[2025-05-01,2025-01-01)'::daterange"
	assert_err_contains "range lower bound must be less than or equal to range upper bound"
}

t_row_outside_every_list_partition_fails_offline() {
	cp "$FIX/s.db" s.db
	plan_with "INSERT INTO event_log VALUES ('sms', 1, NULL, NULL);
UPDATE event_log SET kind = 'push' WHERE kind = 'mail';"
	run pg_psql -d src -c "BEGIN; INSERT INTO event_log VALUES ('sms', 1, NULL, NULL); ROLLBACK"
	assert_err_contains 'no partition of relation "event_log" found for row'
	run dd run s.db --plan p
	assert_status 1
	assert_out_matches "check event_log_partition_bounds +error +fail +2  \(push, 1\), \(sms, 1\)"
	run dd approve s.db --by tester
	assert_status 1
}

t_row_outside_every_date_partition_fails_offline() {
	cp "$FIX/s.db" s.db
	# into the default partition (2018) and the sub-partitioned year's
	# first half: fine; 2025-10-10 falls in the year's gap
	plan_with "INSERT INTO payment (paid_on, amount) VALUES ('2018-01-01', 1.00), ('2025-06-30', 2.00), ('2025-10-10', 3.00);
UPDATE payment SET paid_on = '2025-07-01' WHERE id = 3;"
	run pg_psql -d src -c "BEGIN; INSERT INTO payment (paid_on, amount) VALUES ('2025-10-10', 1.00); ROLLBACK"
	assert_err_contains 'no partition of relation "payment_2025" found for row'
	run pg_psql -d src -c "BEGIN; UPDATE payment SET paid_on = '2025-07-01' WHERE id = 3; ROLLBACK"
	assert_err_contains 'no partition of relation "payment_2025" found for row'
	run dd run s.db --plan p
	assert_status 1
	assert_out_matches "check payment_partition_bounds +error +fail +2  \(3, 2025-07-01\), \(7, 2025-10-10\)"
	run dd approve s.db --by tester
	assert_status 1
}

t_writing_a_generated_or_always_identity_column_is_refused() {
	cp "$FIX/s.db" s.db
	plan_with "UPDATE store SET label = 'X' WHERE id = 1;"
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains 'column "label" can only be updated to DEFAULT'
	plan_with "INSERT INTO rental (id, film_id, staff_id, period) VALUES (9, 100, 1, '[2025-01-01,2025-01-02)');"
	run pg_psql -d src -c "BEGIN; INSERT INTO rental (id, film_id, staff_id, period) VALUES (9, 100, 1, '[2025-01-01,2025-01-02)'); ROLLBACK"
	assert_err_contains 'cannot insert a non-DEFAULT value into column "id"'
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains 'cannot insert a non-DEFAULT value into column "id"'
}

t_old_staging_file_is_refused() {
	cp "$FIX/s.db" s.db
	sqlite3 s.db "PRAGMA user_version = 1"
	run dd status s.db
	assert_status 3
	assert_err_contains "drydock: error: staging file 's.db' was made by an older drydock; re-snapshot"
	assert_err_contains "hint: Take the snapshot again with this drydock"
}

t_table_without_any_key_is_written_by_whole_rows() {
	cp "$FIX/s.db" s.db
	plan_with "DELETE FROM visit WHERE who = 'ann';"
	run dd run s.db --plan p
	assert_status 0
	# two identical rows: two deletes of the same whole row
	assert_eq 'D|["2025-01-01 09:00:00+00","ann"]
D|["2025-01-01 09:00:00+00","ann"]' "$(sq s.db "SELECT op, key FROM dd_change WHERE tbl = 'visit' ORDER BY seq")"
}

t_enum_value_outside_the_type_fails_offline() {
	cp "$FIX/s.db" s.db
	plan_with "UPDATE staff SET mood = 'angry' WHERE id = 1;"
	run pg_psql -d src -c "BEGIN; UPDATE staff SET mood = 'angry' WHERE id = 1; ROLLBACK"
	assert_err_contains 'invalid input value for enum mood: "angry"'
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains 'invalid input value for enum mood: "angry"'
}

t_rule_the_change_set_fires_fails_offline() {
	cp "$FIX/s.db" s.db
	plan_with "INSERT INTO film_note VALUES (2, 101, 'moody');"
	run dd run s.db --plan p
	assert_status 1
	assert_out_matches "rule film_note_logged film_note +error +fail +1"
	assert_out_contains "fires on the change set's 1 insert: CREATE RULE film_note_logged AS ON INSERT TO public.film_note DO INSERT INTO film_note_log (note_id, note) VALUES (new.id, new.note); push refuses it"
	assert_out_contains "disable it on the target (ALTER TABLE film_note DISABLE RULE film_note_logged) and snapshot again"
	run dd approve s.db --by tester
	assert_status 1
	# what the rule does on PostgreSQL: a row in a table outside the plan
	newdb rule_oracle
	pgq rule_oracle "INSERT INTO film_note VALUES (2, 101, 'moody')" >/dev/null
	assert_eq "2|moody" "$(pgq rule_oracle 'SELECT * FROM film_note_log WHERE note_id = 2')"
}

t_rule_new_on_the_target_is_stopped_before_push() {
	cp "$FIX/s.db" s.db
	# an update: the snapshot's ON INSERT rule does not fire
	plan_with "UPDATE film_note SET note = 'a classic' WHERE id = 1;"
	run dd run s.db --plan p
	assert_status 0
	run dd check s.db
	assert_status 0
	assert_out_matches "rule film_note_logged film_note +error +pass"
	dd -q approve s.db --by tester
	# the target got an ON UPDATE rule since the snapshot
	newdb t_rule
	pgq t_rule "CREATE RULE film_note_upd AS ON UPDATE TO film_note DO ALSO
		INSERT INTO film_note_log VALUES (NEW.id, 'updated')" >/dev/null
	run dd push s.db --target "$(pg_url t_rule)" --yes
	assert_status 3
	assert_err_contains "drydock: error: table public.film_note has rule film_note_upd, which the push's statements would fire"
	assert_err_contains "detail: CREATE RULE film_note_upd AS"
	assert_err_contains "hint: Disable it while drydock writes (ALTER TABLE film_note DISABLE RULE film_note_upd; ENABLE RULE after)"
	assert_err_contains "Nothing was applied"
	assert_eq "classic|1" "$(pgq t_rule 'SELECT (SELECT note FROM film_note), (SELECT count(*) FROM film_note_log)')"
	# disabled on the target, the push goes through and the rule stays quiet
	pgq t_rule "ALTER TABLE film_note DISABLE RULE film_note_upd" >/dev/null
	run dd push s.db --target "$(pg_url t_rule)" --yes
	assert_status 0
	assert_eq "a classic|1" "$(pgq t_rule 'SELECT (SELECT note FROM film_note), (SELECT count(*) FROM film_note_log)')"
	# a rollback updates back: an enabled ON UPDATE rule stops it the same way
	pgq t_rule "CREATE RULE film_note_kept AS ON UPDATE TO film_note DO INSTEAD NOTHING" >/dev/null
	run dd rollback s.db --target "$(pg_url t_rule)" --yes
	assert_status 3
	assert_err_contains "table public.film_note has rule film_note_kept, which the rollback's statements would fire"
	assert_eq "a classic" "$(pgq t_rule 'SELECT note FROM film_note')"
}

run_tests
