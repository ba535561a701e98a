#!/usr/bin/env bash
# Domains and ranges checked offline (issue 12): the snapshot records the
# domains a table's columns use (base type, NOT NULL, CHECK constraints);
# `drydock check` evaluates every domain CHECK the PostgreSQL-SQL compiler
# can compile on the change set, lists the others as unverifiable by name,
# checks values against the domain's base type and ranges with
# PostgreSQL's range input (lower <= upper).  PostgreSQL 15 is the oracle:
# each value the checks refuse, it refuses too, with the same reason.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app >/dev/null <<-'SQL'
		CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
		CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 0);
		CREATE DOMAIN smallpos AS posint CHECK (VALUE < 100);
		CREATE DOMAIN code AS varchar(8) CHECK (VALUE ~ '^[A-Z]+$');
		CREATE FUNCTION is_even(int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 % 2 = 0';
		CREATE DOMAIN even AS integer CHECK (is_even(VALUE));
		CREATE DOMAIN tag AS text CHECK (VALUE <> 'VALUE' AND VALUE <> E'it''s \\ VALUE');
		CREATE TABLE film (id integer PRIMARY KEY, title text NOT NULL, release_year year,
		                   during int4range, c code, n smallpos DEFAULT 1, e even,
		                   tg tag);
		INSERT INTO film VALUES (1, 'a', 2006, '[1,5)', 'AB', 3, 2), (2, 'b', NULL, NULL, NULL, 4, NULL);
	SQL
}
teardown_file() { pg_stop; }

# plan with one SQLite-dialect step writing the values as text, so that
# the values reach `drydock check` unchecked (a PostgreSQL-SQL step checks
# them as it writes: t_postgresql_steps_write_domain_columns_...)
stage_with_step() {
	mkdir -p p/steps
	cat >p/plan.json <<-'EOF2'
		{"name": "domains", "sources": {"app": {"tables": ["film"]}},
		 "steps": [{"name": "s", "sql": "steps/s.sql", "dialect": "sqlite"}]}
	EOF2
	printf '%s\n' "$1" >p/steps/s.sql
	dd -q snapshot --plan p --source "dbname=app" -o s.db
}

# PostgreSQL's own verdict on UPDATE film SET $1 WHERE id = 1, rolled back
pg_refuses() {
	local out
	if out=$(pg_psql -d app -c "BEGIN; UPDATE film SET $1 WHERE id = 1; ROLLBACK" 2>&1); then
		fail "PostgreSQL accepted SET $1"
	fi
	[[ $out == *"$2"* ]] || fail "PostgreSQL refused SET $1 with: $out (expected: $2)"
}

t_snapshot_records_the_domains() {
	stage_with_step "SELECT 1;"
	run sqlite3 s.db "SELECT value FROM dd_meta WHERE key = 'domains:app'"
	assert_status 0
	assert_eq "code|even|smallpos|tag|year" "$(jq -r '[.[].name] | join("|")' "$T/out")"
	assert_eq "integer|true|posint_check,smallpos_check" \
		"$(jq -r '.[] | select(.name == "smallpos") | "\(.base)|\(.not_null)|\([.checks[].name] | join(","))"' "$T/out")"
	assert_eq "CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))" \
		"$(jq -r '.[] | select(.name == "year") | .checks[0].definition' "$T/out")"
}

t_a_row_violating_a_domain_check_fails_check_and_blocks_approval() {
	pg_refuses "release_year = 2200" 'violates check constraint "year_check"'
	pg_refuses "n = 150" 'violates check constraint "smallpos_check"'
	stage_with_step "UPDATE film SET release_year = '2200' WHERE id = 1; UPDATE film SET n = '150' WHERE id = 2;"
	run dd run s.db --plan p
	assert_status 1
	run dd check s.db
	assert_status 1
	assert_out_matches "domain year_check film\.release_year +error +fail +1  1$"
	assert_out_contains "1 row violates CHECK (((VALUE >= 1901) AND (VALUE <= 2155))) of domain year"
	assert_out_contains "domain smallpos_check film.n"
	assert_out_contains "1 row violates CHECK (((VALUE)::integer < 100)) of domain smallpos"
	# the inherited CHECK of posint holds for 150
	assert_out_matches "domain posint_check film\.n +error +pass"
	run dd approve s.db --by ana
	assert_status 1
	assert_err_contains "found 2 errors"
	# values inside the domains pass, and approval follows
	printf '%s\n' "UPDATE film SET release_year = '1901', n = '99' WHERE id = 1; UPDATE film SET c = 'XYZ' WHERE id = 2;" >p/steps/s.sql
	run dd run s.db --plan p
	assert_status 0
	run dd check s.db --json
	assert_status 0
	assert_eq "pass|pass|pass" "$(jq -r '[.results[] | select(.name | test("^domain (year_check|smallpos_check|code_check) ")) | .status] | join("|")' "$T/out")"
	run dd approve s.db --by ana
	assert_status 0
}

t_domain_not_null_and_text_checks() {
	pg_refuses "n = NULL" 'domain smallpos does not allow null values'
	pg_refuses "c = 'ab'" 'violates check constraint "code_check"'
	stage_with_step "UPDATE film SET n = NULL, c = 'ab' WHERE id = 1;"
	run dd run s.db --plan p
	assert_status 1
	assert_out_contains "1 row violates NOT NULL of domain smallpos"
	assert_out_contains "1 row violates CHECK (((VALUE)::text ~ '^[A-Z]+\$'::text)) of domain code"
}

t_a_check_the_compiler_cannot_read_is_unverifiable_by_name() {
	stage_with_step "UPDATE film SET e = '3' WHERE id = 1;"
	run dd run s.db --plan p
	assert_status 0
	assert_out_contains "domain even_check film.e"
	assert_out_contains "unverifiable"
	assert_out_contains "CHECK (is_even(VALUE)) of domain even cannot be evaluated offline (function is_even(integer) does not exist)"
	run dd check s.db --json
	assert_eq "unverifiable" "$(jq -r '.results[] | select(.name == "domain even_check film.e") | .status' "$T/out")"
}

t_value_inside_a_literal_is_not_the_column() {
	pg_refuses "tg = 'VALUE'" 'violates check constraint "tag_check"'
	stage_with_step "UPDATE film SET tg = 'VALUE' WHERE id = 1; UPDATE film SET tg = 'value' WHERE id = 2;"
	run dd run s.db --plan p
	assert_status 1
	run dd check s.db --json
	assert_eq "fail|1" "$(jq -r '.results[] | select(.name == "domain tag_check film.tg") | "\(.status)|\(.count)"' "$T/out")"
}

t_a_range_with_lower_above_upper_fails_check() {
	pg_refuses "during = '[5,1)'" "range lower bound must be less than or equal to range upper bound"
	stage_with_step "UPDATE film SET during = '[5,1)' WHERE id = 1; UPDATE film SET during = '[1,5]' WHERE id = 2;"
	run dd run s.db --plan p
	assert_status 1
	run dd check s.db
	assert_status 1
	assert_out_matches "types film\.during +error +fail +1  1$"
	assert_out_contains "'[5,1)' is not a valid int4range: range lower bound must be less than or equal to range upper bound"
}

t_a_value_outside_the_base_type_fails_types() {
	pg_refuses "release_year = 'abc'" 'invalid input syntax for type integer: "abc"'
	stage_with_step "UPDATE film SET release_year = 'abc' WHERE id = 1;"
	run dd run s.db --plan p
	assert_status 1
	assert_out_contains "'abc' is not a valid year: invalid input syntax for type integer"
	assert_out_contains "not evaluated: invalid input syntax for type integer: \"abc\" (see the types check)"
}

# PostgreSQL-SQL steps read a domain column as its base type and write it
# through the domain's NOT NULL and CHECKs as PostgreSQL does, statement by
# statement: the same rows, or the same error, as the server in a rolled
# back transaction
pg_rows_after() {
	local out
	out=$(pg_psql -d app -q -At -F '|' -v ON_ERROR_STOP=1 2>&1 <<-SQL
		BEGIN;
		$1;
		SELECT id, title, release_year, during, c, n, e, tg FROM film ORDER BY id;
		ROLLBACK;
	SQL
	) || true
	printf '%s\n' "$out" | sed 's/^psql:<stdin>:[0-9]*: //'
}

t_postgresql_steps_write_domain_columns_as_postgresql_does() {
	local sql want got
	mkdir -p p/steps
	cat >p/plan.json <<-'EOF2'
		{"name": "domains", "sources": {"app": {"tables": ["film"]}},
		 "steps": [{"name": "s", "sql": "steps/s.sql"}]}
	EOF2
	printf 'SELECT 1;\n' >p/steps/s.sql
	dd -q snapshot --plan p --source "dbname=app" -o pristine.db
	for sql in \
		"UPDATE film SET release_year = release_year + 1, n = n + 1" \
		"UPDATE film SET release_year = 1800 WHERE id = 2" \
		"UPDATE film SET n = n * 40" \
		"UPDATE film SET n = 0" \
		"UPDATE film SET n = NULL WHERE id = 1" \
		"UPDATE film SET n = NULL WHERE false" \
		"INSERT INTO film (id, title) VALUES (3, 'c')" \
		"INSERT INTO film (id, title, c) SELECT id + 10, title, lower(c) FROM film WHERE c IS NOT NULL" \
		"INSERT INTO film (id, title, release_year) SELECT 20, 'x', max(release_year) + 100 FROM film" \
		"UPDATE film SET c = c || 'Q', tg = 'x' || title WHERE release_year >= 2000" \
		"UPDATE film SET c = 'ABCDEFGHIJ'" \
		"UPDATE film SET e = 4, n = DEFAULT" \
		"INSERT INTO film (id, title, release_year) VALUES (1, 'a', 2000) ON CONFLICT (id) DO UPDATE SET release_year = excluded.release_year + 1000" \
		"UPDATE film SET title = '1901'::year + 1" \
		"UPDATE film SET title = '1900'::year WHERE id = 2" \
		"UPDATE film SET title = coalesce(NULL::year, 7)::text" \
		"UPDATE film SET n = CAST(n + 90 AS smallpos) WHERE id = 1" \
		"UPDATE film SET title = (NULL::smallpos)::text" \
		"UPDATE film SET title = 'Q'::tag WHERE id = 1" \
		"UPDATE film SET title = 'value'::code" \
		"UPDATE film SET title = 'ABCDEFGHIJ'::code WHERE id = 1"; do
		want=$(pg_rows_after "$sql")
		printf '%s;\n' "$sql" >p/steps/s.sql
		cp pristine.db s.db
		if dd -q run s.db --plan p >run.out 2>&1; then
			got=$(sqlite3 -separator '|' s.db "SELECT id, title, release_year, during, c, n, e, tg FROM film ORDER BY id")
		else
			got="ERROR:  $(sed -n 's/^drydock: error: [^ ]*: //p' run.out | head -n 1)"
		fi
		[[ -z ${DD_TEST_VERBOSE:-} ]] || printf "# %s\n#   %s\n" "$sql" "${got//$'\n'/ ; }"
		[[ $got == "$want" ]] || fail "$sql: PostgreSQL gave
$want
drydock gave
$got"
	done
}

run_tests
