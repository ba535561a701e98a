#!/usr/bin/env bash
# drydock check and the checks of drydock run: built-in constraint and type
# checks, plan checks with fixes, gates, invariants, stored results, exit
# statuses.  No PostgreSQL: the data comes from a small fixture written here.
source "$(dirname "$0")/../lib/testlib.sh"

# ------------------------------------------------------------------ fixture

write_fixture() {
	local d=$1
	mkdir -p "$d/app"
	cat >"$d/fixture.json" <<'EOF'
{"drydock_fixture": 1,
 "sources": [{"name": "app", "schema": "public", "snapshot_at": "2026-01-01 00:00:00+00",
  "enums": {"mood": ["happy", "sad"]},
  "tables": [
   {"name": "users", "file": "app/users.jsonl", "rows": 4,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "email", "type": "character varying(20)", "not_null": true},
                {"name": "active_avatar_id", "type": "integer"},
                {"name": "platform", "type": "text"}],
    "constraints": [
     {"name": "users_pkey", "type": "primary key", "columns": ["id"], "definition": "PRIMARY KEY (id)"},
     {"name": "users_email_key", "type": "unique", "columns": ["email"], "definition": "UNIQUE (email)"},
     {"name": "users_active_avatar_id_fkey", "type": "foreign key", "columns": ["active_avatar_id"],
      "references": {"schema": "public", "table": "avatars", "columns": ["id"]},
      "definition": "FOREIGN KEY (active_avatar_id) REFERENCES avatars(id)"}]},
   {"name": "avatars", "file": "app/avatars.jsonl", "rows": 3,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "owner_user_id", "type": "integer", "not_null": true},
                {"name": "name", "type": "text"},
                {"name": "mood", "type": "mood", "enum": "mood"},
                {"name": "score", "type": "numeric(6,2)"}],
    "constraints": [
     {"name": "avatars_pkey", "type": "primary key", "columns": ["id"]},
     {"name": "avatars_owner_user_id_fkey", "type": "foreign key", "columns": ["owner_user_id"],
      "references": {"schema": "public", "table": "users", "columns": ["id"]}},
     {"name": "avatars_score_check", "type": "check", "columns": ["score"],
      "definition": "CHECK ((score >= (0)::numeric))"},
     {"name": "avatars_name_check", "type": "check", "columns": ["name"],
      "definition": "CHECK ((name ~ '^[A-Z]'::text))"}],
    "indexes": [
     {"name": "avatars_one_scored_per_owner",
      "definition": "CREATE UNIQUE INDEX avatars_one_scored_per_owner ON public.avatars USING btree (owner_user_id) WHERE (score IS NOT NULL)"}]},
   {"name": "posts", "file": "app/posts.jsonl", "rows": 2,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "avatar_id", "type": "integer"},
                {"name": "slug", "type": "text"},
                {"name": "title", "type": "character varying(5)"}],
    "constraints": [
     {"name": "posts_pkey", "type": "primary key", "columns": ["id"]},
     {"name": "posts_avatar_id_fkey", "type": "foreign key", "columns": ["avatar_id"],
      "references": {"schema": "public", "table": "avatars", "columns": ["id"]}, "on_delete": "c"},
     {"name": "posts_slug_check", "type": "check", "columns": ["slug"],
      "definition": "CHECK (is_slug(slug))"}],
    "indexes": [
     {"name": "posts_pkey", "definition": "CREATE UNIQUE INDEX posts_pkey ON public.posts USING btree (id)"},
     {"name": "posts_slug_idx", "definition": "CREATE UNIQUE INDEX posts_slug_idx ON public.posts USING btree (slug)"},
     {"name": "posts_lower_slug_idx", "definition": "CREATE UNIQUE INDEX posts_lower_slug_idx ON public.posts USING btree (lower(slug))"}]},
   {"name": "follows", "file": "app/follows.jsonl", "rows": 2,
    "columns": [{"name": "follower_avatar_id", "type": "integer", "not_null": true},
                {"name": "followed_avatar_id", "type": "integer", "not_null": true}],
    "constraints": [
     {"name": "follows_pkey", "type": "primary key", "columns": ["follower_avatar_id", "followed_avatar_id"]},
     {"name": "follows_follower_fkey", "type": "foreign key", "columns": ["follower_avatar_id"],
      "references": {"table": "avatars", "columns": ["id"]}},
     {"name": "follows_followed_fkey", "type": "foreign key", "columns": ["followed_avatar_id"],
      "references": {"table": "avatars", "columns": ["id"]}}]},
   {"name": "codes", "file": "app/codes.jsonl", "rows": 2,
    "columns": [{"name": "code", "type": "text", "not_null": true},
                {"name": "label", "type": "text"}],
    "constraints": [
     {"name": "codes_pkey", "type": "primary key", "columns": ["code"]},
     {"name": "codes_label_key", "type": "unique", "columns": ["label"]}]},
   {"name": "code_refs", "file": "app/code_refs.jsonl", "rows": 1,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "code", "type": "text"},
                {"name": "token", "type": "uuid"}],
    "constraints": [
     {"name": "code_refs_pkey", "type": "primary key", "columns": ["id"]},
     {"name": "code_refs_code_fkey", "type": "foreign key", "columns": ["code"],
      "references": {"table": "codes", "columns": ["code"]}},
     {"name": "code_refs_token_fkey", "type": "foreign key", "columns": ["token"],
      "references": {"table": "tokens", "columns": ["id"]}}]},
   {"name": "tokens", "file": "app/tokens.jsonl", "rows": 1,
    "columns": [{"name": "id", "type": "uuid", "not_null": true}],
    "constraints": [{"name": "tokens_pkey", "type": "primary key", "columns": ["id"]}]},
   {"name": "legacy", "file": "app/legacy.jsonl", "rows": 2,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "user_id", "type": "integer"},
                {"name": "auth_id", "type": "uuid"},
                {"name": "note", "type": "text"}],
    "constraints": [
     {"name": "legacy_pkey", "type": "primary key", "columns": ["id"]},
     {"name": "legacy_user_id_fkey", "type": "foreign key", "columns": ["user_id"],
      "references": {"table": "users", "columns": ["id"]}},
     {"name": "legacy_auth_id_fkey", "type": "foreign key", "columns": ["auth_id"],
      "references": {"schema": "auth", "table": "users", "columns": ["id"]}},
     {"name": "legacy_no_overlap", "type": "exclusion", "columns": ["id"],
      "definition": "EXCLUDE USING gist (id WITH =)"}]},
   {"name": "typed", "file": "app/typed.jsonl", "rows": 1,
    "columns": [{"name": "id", "type": "integer", "not_null": true},
                {"name": "i2", "type": "smallint"}, {"name": "i4", "type": "integer"},
                {"name": "i8", "type": "bigint"}, {"name": "vc", "type": "character varying(5)"},
                {"name": "num", "type": "numeric(6,2)"}, {"name": "u", "type": "uuid"},
                {"name": "d", "type": "date"}, {"name": "j", "type": "json"},
                {"name": "jb", "type": "jsonb"}, {"name": "m", "type": "mood", "enum": "mood"},
                {"name": "arr", "type": "integer[]"}, {"name": "b", "type": "bytea"},
                {"name": "flag", "type": "boolean"}],
    "constraints": [{"name": "typed_pkey", "type": "primary key", "columns": ["id"]},
     {"name": "typed_jb_check", "type": "check", "columns": ["jb"],
      "definition": "CHECK ((jsonb_typeof((jb -> 'items'::text)) = 'array'::text))"}]}
  ]}]}
EOF
	cat >"$d/app/users.jsonl" <<'EOF'
{"id": 1, "email": "a@x", "active_avatar_id": 10, "platform": "apple"}
{"id": 2, "email": "b@x", "active_avatar_id": 11, "platform": "android"}
{"id": 3, "email": "c@x", "active_avatar_id": null, "platform": "android"}
{"id": 4, "email": "d@x", "active_avatar_id": null, "platform": "apple"}
EOF
	cat >"$d/app/avatars.jsonl" <<'EOF'
{"id": 10, "owner_user_id": 1, "name": "A", "mood": "happy", "score": "1.50"}
{"id": 11, "owner_user_id": 2, "name": "B", "mood": null, "score": null}
{"id": 12, "owner_user_id": 4, "name": "C", "mood": "sad", "score": "0.00"}
EOF
	cat >"$d/app/posts.jsonl" <<'EOF'
{"id": 100, "avatar_id": 10, "slug": "p1", "title": "hello"}
{"id": 101, "avatar_id": 11, "slug": "p2", "title": "world"}
EOF
	cat >"$d/app/follows.jsonl" <<'EOF'
{"follower_avatar_id": 10, "followed_avatar_id": 11}
{"follower_avatar_id": 11, "followed_avatar_id": 10}
EOF
	cat >"$d/app/codes.jsonl" <<'EOF'
{"code": "1", "label": "one"}
{"code": "5", "label": "5"}
EOF
	cat >"$d/app/code_refs.jsonl" <<'EOF'
{"id": 1, "code": "1", "token": "0a0ad37e-bc71-4760-b385-05e7d1edb6fc"}
EOF
	cat >"$d/app/tokens.jsonl" <<'EOF'
{"id": "0a0ad37e-bc71-4760-b385-05e7d1edb6fc"}
EOF
	cat >"$d/app/legacy.jsonl" <<'EOF'
{"id": 1, "user_id": 99, "auth_id": null, "note": "orphan since forever"}
{"id": 2, "user_id": 1, "auth_id": null, "note": "fine"}
EOF
	cat >"$d/app/typed.jsonl" <<'EOF'
{"id": 1, "i2": null, "i4": null, "i8": null, "vc": null, "num": null, "u": null, "d": null, "j": null, "jb": null, "m": null, "arr": null, "b": null, "flag": null}
EOF
}

setup_file() {
	write_fixture "$T/fx"
	export FX=$T/fx
}

TABLES='"users", "avatars", "posts", "follows", "codes", "code_refs", "tokens", "legacy", "typed"'

# plan STEP_SQL [EXTRA_JSON]: a plan in ./plan with one step and optional
# extra top-level members (e.g. '"checks": [...]').
plan() {
	mkdir -p plan
	printf '%s\n' "$1" >plan/step.sql
	cat >plan/plan.json <<EOF
{"name": "checks-test", "dialect": "sqlite", "sources": {"app": {"tables": [$TABLES]}},
 "steps": [{"name": "step", "sql": "step.sql"}]${2:+,
 $2}}
EOF
}

# stage: snapshot the fixture into ./s.db (replacing it)
stage() {
	dd -q snapshot --plan plan --fixture "$FX" -o s.db --force
}

# go STEP_SQL [EXTRA_JSON]: plan, snapshot, run with --no-check (status in $status)
go() {
	plan "$@"
	stage
	run dd run s.db --plan plan --no-check
	assert_status 0
}

# result_line NAME: the table line of check NAME in the last output
result_line() {
	local l
	while IFS= read -r l; do
		if [[ $l == "$1  "* ]]; then
			printf '%s\n' "$l"
			return 0
		fi
	done <"$T/out"
	fail "no result line for: $1"
}

# assert_result NAME SEVERITY STATUS COUNT [SAMPLE]
assert_result() {
	local line sev st cnt sample
	line=$(result_line "$1")
	read -r sev st cnt sample <<<"${line#"$1"}"
	[[ $sev == "$2" && $st == "$3" && $cnt == "$4" ]] ||
		fail "result of '$1': expected $2 $3 $4, got: $line"
	if [[ $# -ge 5 && $sample != "$5" ]]; then
		fail "sample of '$1': expected '$5', got '$sample'"
	fi
}

sql() { sqlite3 s.db "$@"; }

# ------------------------------------------------------------- clean cases

t_clean_change_set_passes_and_is_stored() {
	go "UPDATE avatars SET name = 'Alpha' WHERE id = 10;"
	run dd check s.db
	assert_status 0
	assert_result "fk avatars_owner_user_id_fkey" error pass 0
	assert_result "not null avatars" error pass 0
	assert_result "check avatars_score_check" error pass 0
	assert_result "types avatars" error pass 0
	assert_result "check avatars_name_check" error pass 0
	assert_out_matches '^checks: [0-9]+ passed, 0 failed, 0 unverifiable; [0-9]+ constraint checks on unchanged tables skipped$'
	# stored: bound to the current change set hash
	assert_eq "$(sql "SELECT hash FROM dd_changeset")" \
		"$(sql "SELECT changeset_hash FROM dd_check_run ORDER BY id DESC LIMIT 1")"
	assert_eq "0" "$(sql "SELECT errors FROM dd_check_run ORDER BY id DESC LIMIT 1")"
	assert_eq "0" "$(sql "SELECT count(*) FROM dd_check_result WHERE status = 'unverifiable' AND check_run = (SELECT max(id) FROM dd_check_run)")"
	assert_eq "$(grep -cE ' (pass|fail|unverifiable) ' "$T/out")" \
		"$(sql "SELECT count(*) FROM dd_check_result WHERE check_run = (SELECT max(id) FROM dd_check_run)")"
}

t_unchanged_tables_are_skipped_unless_all() {
	go "UPDATE avatars SET name = 'Alpha' WHERE id = 10;"
	run dd check s.db
	assert_status 0
	assert_out_not_contains "fk legacy_user_id_fkey"
	run dd check s.db --all
	assert_status 0
	# the orphan in 'legacy' is in the snapshot already: a warning, not an error
	assert_result "fk legacy_user_id_fkey" error pass 0
	assert_result "fk legacy_user_id_fkey (pre-existing)" warn fail 1 1
	assert_out_not_contains "skipped"
}

# -------------------------------------------------------------- foreign keys

t_fk_orphan_insert_is_an_error() {
	go "INSERT INTO avatars VALUES (13, 99, 'Orphan', NULL, NULL);"
	run dd check s.db
	assert_status 1
	assert_result "fk avatars_owner_user_id_fkey" error fail 1 13
	assert_out_contains "1 row of 'avatars' references 'users' rows that do not exist"
	assert_out_matches '^checks: [0-9]+ passed, 1 failed \(1 error, 0 warnings\), '
	assert_eq '[["13"]]' "$(sql "SELECT sample FROM dd_check_result WHERE name = 'fk avatars_owner_user_id_fkey' ORDER BY check_run DESC LIMIT 1")"
	assert_eq 1 "$(sql "SELECT errors FROM dd_check_run ORDER BY id DESC LIMIT 1")"
}

t_fk_parent_delete_orphans_unchanged_children() {
	# avatar 12 is untouched, but its owner goes: the change set breaks it
	go "DELETE FROM users WHERE id = 4;"
	run dd check s.db
	assert_status 1
	assert_result "fk avatars_owner_user_id_fkey" error fail 1 12
}

t_fk_cascade_parent_delete_is_explained() {
	go "DELETE FROM avatars WHERE id = 11; UPDATE users SET active_avatar_id = NULL WHERE id = 2; DELETE FROM follows;"
	run dd check s.db
	assert_status 1
	assert_result "fk posts_avatar_id_fkey" error fail 1 101
	assert_out_contains "ON DELETE CASCADE"
	assert_result "fk users_active_avatar_id_fkey" error pass 0
}

t_fk_composite_key_child_and_null_match_simple() {
	go "INSERT INTO follows VALUES (12, 77); INSERT INTO posts VALUES (102, NULL, 'p3', 'x');"
	run dd check s.db
	assert_status 1
	assert_result "fk follows_followed_fkey" error fail 1 "(12, 77)"
	assert_result "fk follows_follower_fkey" error pass 0
	# NULL foreign keys match (MATCH SIMPLE)
	assert_result "fk posts_avatar_id_fkey" error pass 0
}

t_fk_compares_values_as_postgresql_would() {
	# an integer written into a text key column still matches code '1', and
	# an upper-case uuid matches its lower-case parent
	go "UPDATE code_refs SET code = 1, token = upper(token);"
	assert_eq "integer" "$(sql "SELECT typeof(code) FROM code_refs")"
	run dd check s.db
	assert_status 0
	assert_result "fk code_refs_code_fkey" error pass 0
	assert_result "fk code_refs_token_fkey" error pass 0
	go "UPDATE code_refs SET code = 2;"
	run dd check s.db
	assert_status 1
	assert_result "fk code_refs_code_fkey" error fail 1 1
}

t_fk_to_table_outside_snapshot_is_unverifiable() {
	go "UPDATE legacy SET note = 'touched' WHERE id = 2;"
	run dd check s.db
	assert_status 0
	assert_result "fk legacy_auth_id_fkey" error unverifiable -
	assert_out_contains "references 'auth.users', which is not in the snapshot; verified on the target at push"
	assert_result "exclusion legacy_no_overlap" error unverifiable -
}

t_fk_preexisting_orphan_touched_is_a_warning() {
	# the row already pointed at a missing user; changing its note does not
	# cause the violation, and push would not trip on it
	go "UPDATE legacy SET note = 'still orphan' WHERE id = 1;"
	run dd check s.db
	assert_status 0
	assert_result "fk legacy_user_id_fkey" error pass 0
	assert_result "fk legacy_user_id_fkey (pre-existing)" warn fail 1 1
	# pointing it at another missing user is a change the plan makes: error
	go "UPDATE legacy SET user_id = 98 WHERE id = 1;"
	run dd check s.db
	assert_status 1
	assert_result "fk legacy_user_id_fkey" error fail 1 1
}

t_fk_parent_snapshotted_with_filter_is_a_warning() {
	plan "INSERT INTO avatars VALUES (13, 3, 'New', NULL, NULL);"
	sed -i 's/"users", "avatars"/{"name": "users", "where": "id <> 3"}, "avatars"/' plan/plan.json
	stage
	run dd run s.db --plan plan
	assert_status 0
	assert_out_contains "fk avatars_owner_user_id_fkey"
	run dd check s.db
	assert_status 0
	assert_result "fk avatars_owner_user_id_fkey" warn fail 1 13
	assert_out_contains "'users' was snapshotted with a filter"
}

# ------------------------------------------------------- NOT NULL, keys, unique

t_not_null_violation() {
	go "UPDATE users SET email = NULL WHERE id IN (2, 3);"
	run dd check s.db
	assert_status 1
	assert_result "not null users.email" error fail 2 "2, 3"
	assert_out_contains "2 rows are NULL"
}

t_not_null_in_composite_primary_key() {
	go "INSERT INTO follows VALUES (NULL, 10);"
	run dd check s.db
	assert_status 1
	assert_result "not null follows.follower_avatar_id" error fail 1 "(NULL, 10)"
}

t_unique_violation_lists_both_rows() {
	go "UPDATE users SET email = 'a@x' WHERE id = 2;"
	run dd check s.db
	assert_status 1
	assert_result "unique users_email_key" error fail 2 "1, 2"
	assert_out_contains "2 rows share a value with another row"
}

t_unique_compares_text_form() {
	# label '5' (text) exists; writing the integer 5 elsewhere is a duplicate
	# for PostgreSQL, though SQLite stores them differently
	go "UPDATE codes SET label = 5 WHERE code = '1';"
	run dd check s.db
	assert_status 1
	assert_result "unique codes_label_key" error fail 2 "1, 5"
	go "UPDATE codes SET label = 6 WHERE code = '1';"
	run dd check s.db
	assert_status 0
	assert_result "unique codes_label_key" error pass 0
}

t_primary_key_duplicate_in_text_form() {
	go "INSERT INTO codes VALUES (1, 'uno');"
	assert_eq 3 "$(sql "SELECT count(*) FROM codes")"
	run dd check s.db
	assert_status 1
	assert_result "primary key codes_pkey" error fail 2 "1, 1"
	go "INSERT INTO codes VALUES ('2', 'two');"
	run dd check s.db
	assert_status 0
	assert_result "primary key codes_pkey" error pass 0
}

t_unique_index_and_expression_index() {
	go "INSERT INTO posts VALUES (102, 10, 'p1', 'dup');"
	run dd check s.db
	assert_status 1
	assert_result "unique index posts_slug_idx" error fail 2 "100, 102"
	assert_result "unique index posts_lower_slug_idx" error unverifiable -
	assert_out_contains "an index on an expression cannot be evaluated offline; verified on the target at push"
	assert_out_not_contains "unique index posts_pkey"
}

t_partial_unique_index_counts_only_its_rows() {
	# owner 1 may have one scored avatar; unscored ones are outside the index
	go "INSERT INTO avatars VALUES (13, 1, 'D', NULL, NULL), (14, 2, 'E', NULL, '3.00');"
	run dd check s.db
	assert_status 0
	assert_result "unique index avatars_one_scored_per_owner" error pass 0
	go "INSERT INTO avatars VALUES (13, 1, 'D', NULL, '2.00');"
	run dd check s.db
	assert_status 1
	assert_result "unique index avatars_one_scored_per_owner" error fail 2 "10, 13"
}

# --------------------------------------------------------- CHECK constraints

t_check_constraint_translated_and_evaluated() {
	go "UPDATE avatars SET score = '-0.50' WHERE id = 12;"
	run dd check s.db
	assert_status 1
	assert_result "check avatars_score_check" error fail 1 12
	assert_out_contains "1 row violates CHECK ((score >= (0)::numeric))"
	go "UPDATE avatars SET score = '0' WHERE id = 12;"
	run dd check s.db
	assert_status 0
	assert_result "check avatars_score_check" error pass 0
}

t_check_constraint_on_json() {
	go "UPDATE typed SET jb = '{\"items\": [1]}' WHERE id = 1;
	    INSERT INTO typed (id, jb) VALUES (2, '{\"items\": 5}'), (3, '{\"other\": 1}'), (4, '{\"items\": [}');"
	run dd check s.db
	assert_status 1
	# 2 breaks it; 3 has no "items" (NULL passes); 4 is not JSON (the type check's)
	assert_result "check typed_jb_check" error fail 1 2
	assert_result "types typed.jb" error fail 1 4
}

t_check_constraint_the_compiler_reads_is_evaluated() {
	# a regular expression: beyond the simple translator, compiled by the
	# PostgreSQL-SQL compiler (PostgreSQL: 'lower' ~ '^[A-Z]' is false)
	go "UPDATE avatars SET name = 'lower' WHERE id = 12; UPDATE avatars SET name = 'Upper' WHERE id = 10;"
	run dd check s.db
	assert_status 1
	assert_result "check avatars_name_check" error fail 1 12
	assert_out_contains "1 row violates CHECK ((name ~ '^[A-Z]'::text))"
}

t_check_constraint_not_translatable_is_unverifiable() {
	go "UPDATE posts SET slug = 'Not A Slug' WHERE id = 100;"
	run dd check s.db
	assert_status 0
	assert_result "check posts_slug_check" error unverifiable -
	assert_out_contains "CHECK (is_slug(slug)): function is_slug(text) does not exist cannot be evaluated offline; verified on the target at push"
	assert_eq "unverifiable" "$(sql "SELECT status FROM dd_check_result WHERE name = 'check posts_slug_check' ORDER BY check_run DESC LIMIT 1")"
}

# ---------------------------------------------------------- type conformity

t_types_each_family_on_both_sides_of_the_edge() {
	# row 1 gets values right at the edge (valid); rows 2-14 one invalid value each
	go "UPDATE typed SET i2 = 32767, i4 = 2147483647, i8 = 9223372036854775807,
	       vc = 'ééééé', num = '9999.99', u = '0a0ad37e-bc71-4760-b385-05e7d1edb6fc',
	       d = '2024-02-29', j = '{\"a\": [1, 2]}', jb = '[]', m = 'happy',
	       arr = '{1,2,3}', b = x'00ff', flag = 1 WHERE id = 1;
	INSERT INTO typed (id, i2) VALUES (2, 32768);
	INSERT INTO typed (id, i4) VALUES (3, 2147483648);
	INSERT INTO typed (id, i8) VALUES (4, '9223372036854775808');
	INSERT INTO typed (id, vc) VALUES (5, 'abcdef');
	INSERT INTO typed (id, num) VALUES (6, '10000.00');
	INSERT INTO typed (id, u) VALUES (7, 'not-a-uuid');
	INSERT INTO typed (id, d) VALUES (8, '2023-02-29');
	INSERT INTO typed (id, j) VALUES (9, '{a: 1}');
	INSERT INTO typed (id, jb) VALUES (10, '{\"a\": }');
	INSERT INTO typed (id, m) VALUES (11, 'angry');
	INSERT INTO typed (id, arr) VALUES (12, '1,2');
	INSERT INTO typed (id, b) VALUES (13, '\\xzz');
	INSERT INTO typed (id, flag) VALUES (14, 'maybe');"
	run dd check s.db
	assert_status 1
	local i=2 col
	for col in i2 i4 i8 vc num u d j jb m arr b flag; do
		assert_result "types typed.$col" error fail 1 "$i"
		i=$((i + 1))
	done
	assert_out_contains "'2147483648' is not a valid integer"
	assert_out_contains "'abcdef' is not a valid character varying(5)"
	assert_out_contains "'angry' is not a valid mood"
	assert_out_not_contains "types typed.id"
	# row 1's edge values went into the change set as PostgreSQL text
	assert_eq '"t"' "$(sql "SELECT json_extract(new_row, '\$[13]') FROM dd_change WHERE tbl = 'typed' AND key = '[\"1\"]'" | sed 's/^/"/; s/$/"/')"
}

t_types_only_changed_columns_of_updates() {
	go "UPDATE typed SET i4 = 5 WHERE id = 1;"
	run dd check s.db
	assert_status 0
	assert_result "types typed" error pass 0
	assert_eq "1 value in 1 inserted or updated row" \
		"$(sql "SELECT message FROM dd_check_result WHERE name = 'types typed'")"
}

# ------------------------------------------------------------- plan checks

CHECKS_AVATARS='"checks": [
  {"name": "users without an active avatar", "severity": "error",
   "sql": "SELECT id FROM users WHERE active_avatar_id IS NULL"},
  {"name": "android users", "severity": "warn", "when": "before",
   "sql": "SELECT id FROM users WHERE platform = '"'"'android'"'"'"},
  {"name": "big scores", "when": "both", "key": ["id"],
   "sql": "SELECT name, id FROM avatars WHERE CAST(score AS REAL) > 5"}]'

t_plan_checks_before_after_both_with_samples() {
	go "UPDATE users SET active_avatar_id = 12 WHERE id = 4; UPDATE avatars SET score = '9.00' WHERE id = 11;" "$CHECKS_AVATARS"
	run dd check s.db
	assert_status 1
	assert_result "users without an active avatar" error fail 1 3
	assert_result "android users" warn fail 2 "2, 3"
	# "before" sees the snapshot (no big score yet); "after" sees the change
	assert_result "big scores (before)" error pass 0
	assert_result "big scores" error fail 1 11
	assert_eq "big scores (before)|big scores" "$(sql "SELECT group_concat(name, '|') FROM (SELECT name FROM dd_check_result WHERE name LIKE 'big scores%' AND check_run = (SELECT max(id) FROM dd_check_run) ORDER BY seq)")"
	assert_eq '[["3"]]' "$(sql "SELECT sample FROM dd_check_result WHERE name = 'users without an active avatar' ORDER BY check_run DESC LIMIT 1")"
}

t_plan_check_sample_is_twenty_keys_and_full_count() {
	go "WITH RECURSIVE n(i) AS (SELECT 1000 UNION ALL SELECT i + 1 FROM n WHERE i < 1029)
	    INSERT INTO users SELECT i, 'u' || i || '@x', NULL, 'web' FROM n;" \
		'"checks": [{"name": "no avatar", "sql": "SELECT id FROM users WHERE active_avatar_id IS NULL ORDER BY id"}]'
	run dd check s.db --json
	assert_status 1
	assert_eq "32|20" "$(jq -r '.results[] | select(.name == "no avatar") | "\(.count)|\(.sample | length)"' "$T/out")"
	assert_eq '["3"]' "$(jq -c '.results[] | select(.name == "no avatar") | .sample[0]' "$T/out")"
}

t_run_runs_checks_and_exits_1_on_errors() {
	plan "UPDATE users SET platform = 'web' WHERE id = 1;" "$CHECKS_AVATARS"
	stage
	run dd run s.db --plan plan
	assert_status 1
	assert_out_contains "before the steps:"
	assert_out_contains "android users"
	assert_out_contains "change set "
	# users changed, so the old orphan in 'legacy' shows as a warning
	assert_out_matches '^checks: [0-9]+ passed, 3 failed \(1 error, 2 warnings\), 0 unverifiable'
	assert_out_not_contains "types users"   # passes are not listed by run
	assert_eq "1|2" "$(sql "SELECT errors, warnings FROM dd_check_run ORDER BY id DESC LIMIT 1")"
	assert_eq "done" "$(sql "SELECT status FROM dd_run ORDER BY id DESC LIMIT 1")"
	# quiet: only the failed checks and the summary
	run dd -q run s.db --plan plan
	assert_status 1
	assert_out_not_contains "step step"
	assert_out_not_contains "change set "
	assert_out_contains "users without an active avatar"
	assert_out_matches '^checks: [0-9]+ passed, 3 failed'
	assert_eq 0 "$(grep -c 'unverifiable  ' "$T/out" || true)"
}

t_run_no_check_skips_and_records() {
	plan "INSERT INTO avatars VALUES (13, 99, 'Orphan', NULL, NULL);" "$CHECKS_AVATARS"
	stage
	run dd run s.db --plan plan --no-check
	assert_status 0
	assert_err_contains "checks skipped (--no-check)"
	assert_eq "0|1" "$(sql "SELECT count(*) FROM dd_check_run; SELECT no_check FROM dd_run" | paste -sd'|')"
}

t_check_defaults_to_the_runs_plan_folder() {
	go "UPDATE users SET active_avatar_id = 12 WHERE id IN (3, 4);" "$CHECKS_AVATARS"
	mv plan plan2
	run dd check s.db
	assert_status 3
	assert_err_contains "cannot read plan"
	run dd check s.db --plan plan2
	assert_status 0
	assert_result "users without an active avatar" error pass 0
}

t_plan_check_that_writes_is_refused() {
	go "SELECT 1;" '"checks": [{"name": "sneaky", "sql": "WITH x AS (SELECT 1) DELETE FROM users"}]'
	run dd check s.db
	assert_status 3
	assert_err_contains "check 'sneaky' would change data"
	assert_eq 4 "$(sql "SELECT count(*) FROM users")"
	assert_eq 0 "$(sql "SELECT count(*) FROM dd_check_run")"
}

t_plan_check_sql_error_is_reported() {
	go "SELECT 1;" '"checks": [{"name": "typo", "sql": "SELECT id FROM userz"}]'
	run dd check s.db
	assert_status 3
	assert_err_contains "check 'typo' cannot run on the working (after) state"
	assert_err_contains "no such table: userz"
}

t_before_check_on_a_table_the_plan_adds_data_to_sees_the_snapshot() {
	go "DELETE FROM follows;" '"checks": [{"name": "follows exist", "when": "both",
	    "sql": "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM follows)"}]'
	run dd check s.db
	assert_status 1
	assert_result "follows exist (before)" error pass 0
	assert_result "follows exist" error fail 1 1
	# the views are gone afterwards: the working table is back
	assert_eq 0 "$(sql "SELECT count(*) FROM follows")"
}

# ------------------------------------------------ constraints the plan adds

SC_NEW='"schema_changes": [
   {"op": "set_not_null", "table": "avatars", "column": "mood"},
   {"op": "add_foreign_key", "table": "legacy", "columns": ["user_id"], "name": "legacy_user_fk2",
    "references": "users(id)"},
   {"op": "create_table", "table": "orders", "columns": [{"name": "id", "type": "bigint"},
     {"name": "user_id", "type": "integer", "nullable": false}], "primary_key": ["id"],
    "foreign_keys": [{"columns": ["user_id"], "references": "users(id)"}]}]'

t_constraints_the_plan_adds_are_checked_on_unchanged_rows() {
	go "INSERT INTO orders VALUES (1, 1), (2, 42);" "$SC_NEW,
	 \"checks\": [{\"name\": \"orders\", \"when\": \"both\", \"sql\": \"SELECT id FROM orders\"}],
	 \"gates\": [{\"table\": \"orders\", \"where\": \"user_id = 42\", \"max_inserts\": 0}]"
	run dd check s.db
	assert_status 1
	# avatars and legacy are unchanged, but the constraints are new
	assert_result "not null avatars.mood" error fail 1 11
	assert_out_contains "1 row is NULL; the plan makes the column NOT NULL"
	assert_result "fk legacy_user_fk2" error fail 1 1
	assert_result "fk orders_user_id_fkey" error fail 1 2
	assert_result "not null orders" error pass 0
	# before the steps the new table exists, empty
	assert_result "orders (before)" error pass 0
	assert_result "orders" error fail 2 "1, 2"
	assert_result "orders where user_id = 42: max_inserts 0" error fail 1 2
}

t_not_valid_foreign_key_spares_unchanged_rows() {
	go "SELECT 1;" "${SC_NEW/\"references\": \"users(id)\"\}/\"references\": \"users(id)\", \"not_valid\": true\}}"
	grep -q '"not_valid": true' plan/plan.json || fail "plan not edited"
	run dd check s.db
	assert_status 1   # still: avatars.mood
	assert_result "fk legacy_user_fk2" error pass 0
	assert_result "fk legacy_user_fk2 (pre-existing)" warn fail 1 1
}

# ---------------------------------------------------------------------- fixes

CHECKS_FIX='"checks": [
  {"name": "orphaned avatars", "severity": "warn",
   "sql": "SELECT id FROM avatars WHERE owner_user_id NOT IN (SELECT id FROM users)",
   "fix": "checks/fix_orphans.sql"},
  {"name": "invalid follows", "severity": "warn",
   "sql": "SELECT follower_avatar_id, followed_avatar_id FROM follows WHERE follower_avatar_id NOT IN (SELECT id FROM avatars) OR followed_avatar_id NOT IN (SELECT id FROM avatars)",
   "fix": "DELETE FROM follows WHERE follower_avatar_id NOT IN (SELECT id FROM avatars) OR followed_avatar_id NOT IN (SELECT id FROM avatars)"}]'

t_fix_runs_recorded_steps_and_checks_again() {
	plan "DELETE FROM users WHERE id = 4; INSERT INTO follows VALUES (12, 10);" "$CHECKS_FIX"
	mkdir -p plan/checks
	echo "DELETE FROM avatars WHERE owner_user_id NOT IN (SELECT id FROM users);" >plan/checks/fix_orphans.sql
	stage
	run dd run s.db --plan plan
	assert_status 1
	assert_out_contains "orphaned avatars"
	assert_out_contains "'drydock check --fix' runs"
	run dd check s.db --fix
	assert_status 1   # the follow of the removed avatar now dangles
	assert_result "orphaned avatars" warn fixed 1 12
	# messages name the fix as the plan does: stored results hold no local paths
	assert_out_contains "fixed by checks/fix_orphans.sql (1 row changed, recorded as step 'fix:orphaned avatars')"
	assert_out_not_contains "$T"
	assert_err_contains "fix 'orphaned avatars': "
	assert_result "fk avatars_owner_user_id_fkey" error pass 0
	assert_result "invalid follows" warn fail 1 "(12, 10)"
	assert_result "fk follows_follower_fkey" error fail 1 "(12, 10)"
	# (users changed: the old orphan in 'legacy' is listed as a warning too)
	assert_out_matches '^checks: [0-9]+ passed, 1 fixed, 3 failed \(1 error, 2 warnings\)'
	# the fix is a recorded step and part of the change set
	assert_eq "fix:orphaned avatars|1" "$(sql "SELECT step, rows FROM dd_run_log WHERE step LIKE 'fix:%'")"
	assert_eq 1 "$(sql "SELECT count(*) FROM dd_change WHERE tbl = 'avatars' AND op = 'D' AND key = '[\"12\"]'")"
	assert_eq "$(sql "SELECT hash FROM dd_changeset")" \
		"$(sql "SELECT changeset_hash FROM dd_check_run ORDER BY id DESC LIMIT 1")"
	run dd check s.db --fix
	assert_status 0
	assert_result "invalid follows" warn fixed 1 "(12, 10)"
	assert_eq 0 "$(sql "SELECT count(*) FROM follows WHERE follower_avatar_id = 12")"
	run dd check s.db --fix
	assert_status 0
	assert_err_contains "no failing check has a fix"
}

t_check_after_an_interrupted_fix_recomputes_the_change_set() {
	plan "DELETE FROM users WHERE id = 4;" "$CHECKS_FIX"
	mkdir -p plan/checks
	echo "DELETE FROM avatars WHERE owner_user_id NOT IN (SELECT id FROM users);" >plan/checks/fix_orphans.sql
	stage
	run dd run s.db --plan plan
	assert_status 1
	# as if killed between a fix's commit and the change set's recomputation
	sql "DELETE FROM avatars WHERE id = 12;
	     INSERT INTO dd_meta VALUES ('changeset_stale', (SELECT max(id) FROM dd_run));"
	run dd check s.db
	assert_status 0
	assert_err_contains "fixes ran after the change set was computed (an interrupted --fix): recomputing it"
	assert_eq 1 "$(sql "SELECT count(*) FROM dd_change WHERE tbl = 'avatars' AND op = 'D'")"
	assert_eq "" "$(sql "SELECT value FROM dd_meta WHERE key = 'changeset_stale'")"
	assert_eq "$(sql "SELECT hash FROM dd_changeset")" \
		"$(sql "SELECT changeset_hash FROM dd_check_run ORDER BY id DESC LIMIT 1")"
}

t_fix_that_fails_is_a_runtime_error() {
	plan "DELETE FROM users WHERE id = 4;" '"checks": [{"name": "orphaned avatars",
	    "sql": "SELECT id FROM avatars WHERE owner_user_id NOT IN (SELECT id FROM users)",
	    "fix": "DELETE FROM no_such_table"}]'
	stage
	run dd run s.db --plan plan
	assert_status 1
	local before
	before=$(sql "SELECT count(*) FROM dd_check_run")
	run dd check s.db --fix
	assert_status 3
	assert_err_contains "step 'fix:orphaned avatars' failed"
	assert_eq "$before" "$(sql "SELECT count(*) FROM dd_check_run")"
	assert_eq "" "$(sql "SELECT value FROM dd_meta WHERE key = 'changeset_stale'")"
}

# ---------------------------------------------------------------------- gates

t_gate_zero_forbids() {
	go "DELETE FROM posts WHERE id = 100;" '"gates": [{"table": "posts", "max_deletes": 0}]'
	run dd check s.db
	assert_status 1
	assert_result "posts: max_deletes 0" error fail 1 100
	assert_out_contains "1 deletes; the gate forbids any"
	go "UPDATE posts SET title = 'hi' WHERE id = 100;" '"gates": [{"table": "posts", "max_deletes": 0}]'
	run dd check s.db
	assert_status 0
	assert_result "posts: max_deletes 0" error pass 0
}

t_gate_limits_per_table_and_total() {
	local gates='"gates": [
	  {"name": "user edits", "table": "users", "max_updates": 1, "max_inserts": 5, "max_rows": 2},
	  {"max_rows": 3, "severity": "warn"}]'
	go "UPDATE users SET platform = 'web' WHERE id IN (1, 4); INSERT INTO users VALUES (5, 'e@x', NULL, 'web');" "$gates"
	run dd check s.db
	assert_status 1
	assert_result "user edits: max_updates 1" error fail 2 "1, 4"
	assert_out_contains "2 updates, more than the 1 allowed"
	assert_result "user edits: max_inserts 5" error pass 0
	assert_result "user edits: max_rows 2" error fail 3 "1, 4, 5"
	assert_out_not_contains "max_deletes"   # limits not set are not listed
	assert_result "change set: max_rows 3" warn pass 0
	go "UPDATE users SET platform = 'web' WHERE id = 1;" "$gates"
	run dd check s.db
	assert_status 0
	assert_result "user edits: max_updates 1" error pass 0
}

t_gate_columns_unchanged() {
	go "UPDATE users SET email = 'z@x' WHERE id = 3; UPDATE users SET platform = 'web' WHERE id = 1;" \
		'"gates": [{"name": "identity", "table": "users", "columns_unchanged": ["email", "id"]}]'
	run dd check s.db
	assert_status 1
	assert_result "identity: email unchanged" error fail 1 3
	assert_result "identity: id unchanged" error pass 0
}

ANDROID_GATE='"gates": [{"name": "android users remain completely unchanged", "table": "users",
   "where": "platform = '"'"'android'"'"'", "max_inserts": 0, "max_updates": 0, "max_deletes": 0}]'

t_gate_with_where_android_users_unchanged() {
	go "UPDATE users SET email = 'apple@x' WHERE id = 1; INSERT INTO users VALUES (5, 'e@x', NULL, 'apple');" "$ANDROID_GATE"
	run dd check s.db
	assert_status 0
	assert_result "android users remain completely unchanged: max_updates 0" error pass 0
	assert_result "android users remain completely unchanged: max_inserts 0" error pass 0
	# an android row changed, one turned android, one android deleted
	go "UPDATE users SET email = 'droid@x' WHERE id = 3; UPDATE users SET platform = 'android' WHERE id = 4;
	    UPDATE avatars SET owner_user_id = 1 WHERE id = 11; UPDATE users SET active_avatar_id = NULL WHERE id = 2;
	    DELETE FROM users WHERE id = 2;" "$ANDROID_GATE"
	run dd check s.db
	assert_status 1
	assert_result "android users remain completely unchanged: max_updates 0" error fail 2 "3, 4"
	assert_result "android users remain completely unchanged: max_deletes 0" error fail 1 2
	assert_result "android users remain completely unchanged: max_inserts 0" error pass 0
}

t_before_check_that_cannot_run_stops_the_run_early() {
	plan "UPDATE users SET email = 'q@x' WHERE id = 1;" '"checks": [{"name": "new col", "when": "before",
	    "sql": "SELECT id FROM users WHERE no_such_col = 1"}]'
	stage
	run dd run s.db --plan plan
	assert_status 3
	assert_err_contains "check 'new col' cannot run on the pristine (before) state"
	assert_err_contains "no such column: no_such_col"
	assert_out_not_contains "step step"
	assert_eq "failed|checks (before)" "$(sql "SELECT status, message FROM dd_run")"
}

t_gate_where_that_does_not_compile_stops_the_run_early() {
	plan "UPDATE users SET email = 'q@x' WHERE id = 1;" '"gates": [{"table": "users", "where": "no_such_col = 1", "max_updates": 0}]'
	stage
	run dd run s.db --plan plan
	assert_status 3
	assert_err_contains "its \"where\" does not run"
	assert_out_not_contains "step step"
	assert_eq "failed|checks (before)" "$(sql "SELECT status, message FROM dd_run")"
}

# ----------------------------------------------------------------- invariants

t_invariant_equal_and_relations() {
	local gates='"gates": [
	  {"name": "user count", "invariant": "SELECT count(*) FROM users"},
	  {"name": "avatars grow by one", "invariant": "SELECT count(*) FROM avatars", "relation": "=", "delta": 1},
	  {"name": "score sum does not drop", "invariant": "SELECT sum(CAST(score AS REAL)) FROM avatars", "relation": ">="},
	  {"name": "android rows", "invariant": "SELECT * FROM users WHERE platform = '"'"'android'"'"' ORDER BY id"},
	  {"name": "posts change", "invariant": "SELECT * FROM posts ORDER BY id", "relation": "!="},
	  {"name": "score sum near", "invariant": "SELECT sum(CAST(score AS REAL)) FROM avatars", "relation": "=", "delta": 1, "tolerance": 0.01}]'
	go "INSERT INTO avatars VALUES (13, 3, 'D', NULL, '1.00'); UPDATE posts SET title = 'new' WHERE id = 100;" "$gates"
	run dd check s.db
	assert_status 0
	assert_result "user count" error pass 0
	assert_result "avatars grow by one" error pass 0
	assert_result "score sum does not drop" error pass 0
	assert_result "android rows" error pass 0
	assert_result "posts change" error pass 0
	assert_result "score sum near" error pass 0
	assert_eq "4 before and after" "$(sql "SELECT message FROM dd_check_result WHERE name = 'user count'")"
	go "DELETE FROM follows WHERE follower_avatar_id = 11; DELETE FROM posts WHERE id = 101;
	    UPDATE users SET active_avatar_id = NULL WHERE id = 2; DELETE FROM avatars WHERE id = 11;
	    UPDATE users SET email = 'x@y' WHERE id = 3;" "$gates"
	run dd check s.db
	assert_status 1
	assert_result "user count" error pass 0
	assert_result "avatars grow by one" error fail 1
	assert_out_contains "before 3, after 2; expected after = before + 1 (does not hold)"
	assert_result "android rows" error fail 1
	assert_out_contains "before: 2, b@x, 11, android (first of 2 rows); after: 2, b@x, NULL, android (first of 2 rows)"
	assert_result "posts change" error pass 0
	assert_result "score sum near" error fail 1
}

t_invariant_relation_needs_one_number() {
	go "SELECT 1;" '"gates": [{"name": "two numbers", "invariant": "SELECT 1, 2", "relation": ">="}]'
	run dd check s.db
	assert_status 1
	assert_result "two numbers" error fail 1
	assert_out_contains "needs a query returning one number"
}

# --------------------------------------------------- malformed plans: refused

# refused EXTRA_JSON MESSAGE: the plan is refused before any work, by the
# plan schema at snapshot (what JSON can say) or at the start of the run
# (what needs the plan's files or the catalog)
refused() {
	plan "UPDATE users SET email = 'q@x' WHERE id = 1;" "$1"
	rm -f s.db
	run dd snapshot --plan plan --fixture "$FX" -o s.db
	if [[ $status == 0 ]]; then
		run dd run s.db --plan plan
		assert_eq 0 "$(sql "SELECT count(*) FROM dd_run")"
	else
		assert_no_file s.db
	fi
	assert_status 3
	assert_err_contains "$2"
	assert_err_contains "docs/checks.md"
}

t_malformed_checks_are_refused_at_run_start() {
	refused '"checks": {"name": "x"}' "checks: must be an array or null, not an object"
	refused '"checks": [{"sql": "SELECT 1"}]' "checks[0]: \"name\" is required"
	refused '"checks": [{"name": "a", "sql": "SELECT 1"}, {"name": "b"}]' "checks[1]: \"sql\" is required"
	refused '"checks": [{"name": "a", "sql": "SELECT 1", "severty": "warn"}]' "checks[0].severty: unknown key \"severty\" (did you mean \"severity\"?)"
	refused '"checks": [{"name": "a", "sql": "SELECT 1", "severity": "fatal"}]' "checks[0].severity: must be one of \"error\", \"warn\"; not \"fatal\""
	refused '"checks": [{"name": "a", "sql": "SELECT 1", "when": "later"}]' "checks[0].when: must be one of \"before\", \"after\", \"both\""
	refused '"checks": [{"name": "a", "sql": "SELECT 1", "when": "before", "fix": "DELETE FROM users"}]' "a fix changes the working state"
	refused '"checks": [{"name": "a", "sql": "checks/missing.sql"}]' "names file"
	refused '"checks": [{"name": "a", "sql": "DELETE FROM users"}]' "\"sql\" must be a query"
	refused '"checks": [{"name": "a", "sql": "SELECT 1"}, {"name": "a", "sql": "SELECT 2"}]' "two checks are named 'a'"
	refused '"checks": [{"name": "a", "sql": "SELECT 1", "key": []}]' "checks[0].key: must not be empty"
}

t_malformed_gates_are_refused_at_run_start() {
	refused '"gates": [{"table": "users"}]' "a table gate needs at least one of"
	refused '"gates": [{"table": "nope", "max_updates": 1}]' "gates[0]: 'nope' is not a table of the target"
	refused '"gates": [{"table": "users", "max_updates": -1}]' "gates[0].max_updates: must be 0 or more"
	refused '"gates": [{"table": "users", "max_updates": 1.5}]' "gates[0].max_updates: must be an integer, not a number"
	refused '"gates": [{"table": "users", "columns_unchanged": ["nope"]}]' "table 'users' has no column 'nope'"
	refused '"gates": [{"invariant": "SELECT 1"}]' "an invariant needs a \"name\""
	refused '"gates": [{"name": "i", "invariant": "SELECT 1", "relation": "~"}]' "gates[0].relation: must be one of \"=\""
	refused '"gates": [{"name": "i", "invariant": "SELECT 1", "table": "users"}]' "an invariant takes no \"table\""
	refused '"gates": [{"name": "i", "invariant": "SELECT 1", "tolerance": -1}]' "gates[0].tolerance: must be 0 or more"
	refused '"gates": [{"where": "1"}]' "need a \"table\""
	refused '"gates": [{}]' "a gate needs a \"table\" with limits"
}

# ------------------------------------------------------------ output and codes

t_json_output_parses() {
	go "INSERT INTO avatars VALUES (13, 99, 'Orphan', NULL, NULL);" "$CHECKS_AVATARS"
	run dd check s.db --json
	assert_status 1
	jq -e . "$T/out" >/dev/null || fail "not JSON"
	assert_eq "$(sql "SELECT max(id) FROM dd_check_run")" "$(jq .check_run "$T/out")"
	assert_eq "$(sql "SELECT hash FROM dd_changeset")" "$(jq -r .changeset "$T/out")"
	assert_eq 2 "$(jq .errors "$T/out")"
	assert_eq '[["13"]]' "$(jq -c '.results[] | select(.name == "fk avatars_owner_user_id_fkey") | .sample' "$T/out")"
	assert_eq "builtin|after|error|fail|1" "$(jq -r '.results[] | select(.name == "fk avatars_owner_user_id_fkey") | [.kind, .phase, .severity, .status, .count] | join("|")' "$T/out")"
	assert_eq "plan|before" "$(jq -r '.results[] | select(.name == "big scores (before)") | [.kind, .phase] | join("|")' "$T/out")"
	assert_eq "$(jq '.results | length' "$T/out")" \
		"$(sql "SELECT count(*) FROM dd_check_result WHERE check_run = (SELECT max(id) FROM dd_check_run)")"
}

t_usage_and_missing_run() {
	run dd check
	assert_status 2
	assert_err_contains "drydock: error: give one staging file"
	assert_err_contains "hint: Run 'drydock check --help' for usage."
	run dd check a.db b.db
	assert_status 2
	assert_err_contains "drydock: error: give one staging file"
	run dd check s.db --bogus
	assert_status 2
	assert_err_contains "unknown option '--bogus'"
	assert_err_contains "drydock: error: unknown option"
	run dd check --help
	assert_status 0
	assert_out_contains "usage: drydock check STAGE.db"
	run dd check nope.db --plan plan
	assert_status 3
	assert_err_contains "does not exist"
	plan "SELECT 1;"
	stage
	run dd check s.db --plan plan
	assert_status 3
	assert_err_contains "has no run yet"
	run dd check s.db
	assert_status 3
	assert_err_contains "does not say which plan"
}

run_tests
