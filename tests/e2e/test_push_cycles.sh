#!/usr/bin/env bash
# Push and rollback across foreign-key cycles on a real PostgreSQL:
# departments.head_id <-> employees.dept_id, neither DEFERRABLE (the head
# is nullable, so push writes it in two steps), a self-reference
# (employees.manager_id) and a child of the cycle (badges).  Rows are
# inserted and deleted on both sides.  A cycle whose columns are all NOT
# NULL and not DEFERRABLE is refused before anything is sent.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$TESTLIB_DIR/exlib.sh"

TABLES=(departments employees badges)

setup_file() {
	pg_start || return 1
	pg_createdb src
	pg_psql -d src >/dev/null <<-'SQL'
		CREATE TABLE departments (id int PRIMARY KEY, name text NOT NULL, head_id int);
		CREATE TABLE employees (id int PRIMARY KEY, dept_id int NOT NULL REFERENCES departments (id),
		    name text NOT NULL, manager_id int REFERENCES employees (id));
		ALTER TABLE departments ADD CONSTRAINT departments_head_fk
		    FOREIGN KEY (head_id) REFERENCES employees (id);
		CREATE TABLE badges (id int PRIMARY KEY, employee_id int NOT NULL REFERENCES employees (id),
		    label text);
		INSERT INTO departments VALUES (1, 'Research', NULL), (2, 'Sales', NULL);
		INSERT INTO employees VALUES (10, 1, 'Ada', NULL), (11, 1, 'Bo', 10),
		    (20, 2, 'Cy', NULL), (21, 2, 'Di', 20);
		UPDATE departments SET head_id = 10 WHERE id = 1;
		UPDATE departments SET head_id = 20 WHERE id = 2;
		INSERT INTO badges VALUES (100, 11, 'lab'), (101, 20, 'road');
	SQL
	FIX=$T/fix
	mkdir -p "$FIX/plan"
	cat >"$FIX/plan/plan.json" <<-'JSON'
		{"name": "reorg", "dialect": "sqlite",
		 "sources": {"app": {"tables": ["departments", "employees", "badges"]}},
		 "steps": [{"name": "reorg", "sql": "reorg.sql"}]}
	JSON
	# a new department with its head and a report, Sales closed down
	cat >"$FIX/plan/reorg.sql" <<-'SQL'
		INSERT INTO departments VALUES (3, 'Support', 30);
		INSERT INTO employees VALUES (30, 3, 'Eve', NULL), (31, 3, 'Fay', 30);
		INSERT INTO badges VALUES (102, 31, 'desk');
		UPDATE employees SET name = 'Bo B.' WHERE id = 11;
		DELETE FROM badges WHERE id = 101;
		DELETE FROM employees WHERE dept_id = 2;
		DELETE FROM departments WHERE id = 2;
	SQL
	dd -q snapshot --plan "$FIX/plan" --source "$(pg_url src)" -o "$FIX/s.db"
	dd -q run "$FIX/s.db" --plan "$FIX/plan" >/dev/null
	dd -q approve "$FIX/s.db" --by "e2e tester"
	export FIX
}

teardown_file() { pg_stop; }

newdb() { pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE src STRATEGY FILE_COPY" >/dev/null; }

# the expected target: the same SQL applied by PostgreSQL itself (with its
# own order, deferring nothing: it writes the head after its employee)
expected() {
	pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE src STRATEGY FILE_COPY" >/dev/null
	pg_psql -d "$1" >/dev/null <<-'SQL'
		BEGIN;
		INSERT INTO departments VALUES (3, 'Support', NULL);
		INSERT INTO employees VALUES (30, 3, 'Eve', NULL), (31, 3, 'Fay', 30);
		UPDATE departments SET head_id = 30 WHERE id = 3;
		INSERT INTO badges VALUES (102, 31, 'desk');
		UPDATE employees SET name = 'Bo B.' WHERE id = 11;
		DELETE FROM badges WHERE id = 101;
		UPDATE departments SET head_id = NULL WHERE id = 2;
		DELETE FROM employees WHERE id = 21;
		DELETE FROM employees WHERE id = 20;
		DELETE FROM departments WHERE id = 2;
		COMMIT;
	SQL
}

t_plan_shows_the_two_steps() {
	cp "$FIX/s.db" s.db
	run dd plan s.db --no-data
	assert_status 0
	assert_out_contains "-- inserts into departments (foreign-key cycle: departments.head_id NULL until the rows they reference exist)"
	assert_out_contains "-- foreign-key cycle: departments.head_id of the inserted rows, now that the rows they reference exist"
	assert_out_contains "-- foreign-key cycle: departments.head_id cleared in the rows to delete, so the rows they reference can go first"
	# parents first: departments, employees, then badges (a child of the cycle)
	local order
	order=$(grep -o '^-- inserts into [a-z]*' "$T/out" | awk '{print $4}' | tr '\n' ' ')
	assert_eq "departments employees badges " "$order"
}

t_push_and_rollback_across_the_cycle() {
	newdb t_cycle
	expected t_cycle_expected
	local before
	before=$(pg_data t_cycle "${TABLES[@]}")
	cp "$FIX/s.db" s.db
	run dd push s.db --target "$(pg_url t_cycle)" --yes
	assert_status 0
	assert_out_contains "pushed change set"
	assert_eq "$(pg_data t_cycle_expected "${TABLES[@]}")" "$(pg_data t_cycle "${TABLES[@]}")" \
		"the target holds what PostgreSQL's own statements give"
	assert_eq "3|Support|30" "$(pgq t_cycle "SELECT * FROM departments WHERE id = 3")"
	assert_eq "31|3|Fay|30" "$(pgq t_cycle "SELECT * FROM employees WHERE id = 31")"
	assert_eq 0 "$(pgq t_cycle "SELECT count(*) FROM employees WHERE dept_id = 2")"
	run dd rollback s.db --target "$(pg_url t_cycle)" --yes
	assert_status 0
	assert_out_contains "rolled back push #1"
	assert_eq "$before" "$(pg_data t_cycle "${TABLES[@]}")" "the target is as before, row for row"
	# and the same change set goes again
	run dd push s.db --target "$(pg_url t_cycle)" --yes
	assert_status 0
	assert_eq "$(pg_data t_cycle_expected "${TABLES[@]}")" "$(pg_data t_cycle "${TABLES[@]}")"
}

t_deferrable_cycle_is_deferred() {
	newdb t_defer
	pg_psql -d t_defer >/dev/null <<-'SQL'
		ALTER TABLE departments DROP CONSTRAINT departments_head_fk;
		ALTER TABLE departments ADD CONSTRAINT departments_head_fk
		    FOREIGN KEY (head_id) REFERENCES employees (id) DEFERRABLE;
	SQL
	expected t_defer_expected
	# a snapshot of this target knows the constraint is DEFERRABLE
	mkdir -p p && cp "$FIX/plan/"* p/
	dd -q snapshot --plan p --source "$(pg_url t_defer)" -o d.db
	dd -q run d.db --plan p >/dev/null
	dd -q approve d.db --by tester
	run dd plan d.db --no-data
	assert_status 0
	assert_out_not_contains "foreign-key cycle"
	assert_out_contains "SET CONSTRAINTS ALL DEFERRED"
	run dd push d.db --target "$(pg_url t_defer)" --yes
	assert_status 0
	assert_eq "$(pg_data t_defer_expected "${TABLES[@]}")" "$(pg_data t_defer "${TABLES[@]}")"
	run dd rollback d.db --target "$(pg_url t_defer)" --yes
	assert_status 0
	assert_eq "$(pg_data src "${TABLES[@]}")" "$(pg_data t_defer "${TABLES[@]}")"
}

t_batched_push_refuses_two_steps() {
	newdb t_batch
	cp "$FIX/s.db" s.db
	run dd push s.db --target "$(pg_url t_batch)" --yes --batch-size 2
	assert_status 3
	assert_err_contains "a batched push cannot write the foreign-key cycle through departments in two steps"
	assert_err_contains "Nothing was sent"
	assert_eq f "$(pgq t_batch "SELECT to_regclass('drydock.ledger') IS NOT NULL")"
}

t_cycle_without_a_way_is_refused() {
	pg_createdb knot
	pg_psql -d knot >/dev/null <<-'SQL'
		CREATE TABLE p (id int PRIMARY KEY, q_id int NOT NULL);
		CREATE TABLE q (id int PRIMARY KEY, p_id int NOT NULL REFERENCES p (id));
		ALTER TABLE p ADD CONSTRAINT p_q_fk FOREIGN KEY (q_id) REFERENCES q (id);
	SQL
	mkdir -p k
	cat >k/plan.json <<-'JSON'
		{"name": "knot", "dialect": "sqlite", "sources": {"app": {"tables": ["p", "q"]}},
		 "steps": [{"name": "tie", "sql": "tie.sql"}]}
	JSON
	printf 'INSERT INTO p VALUES (1, 1);\nINSERT INTO q VALUES (1, 1);\n' >k/tie.sql
	dd -q snapshot --plan k --source "$(pg_url knot)" -o k.db
	dd -q run k.db --plan k >/dev/null
	dd -q approve k.db --by tester
	run dd push k.db --target "$(pg_url knot)" --yes
	assert_status 3
	assert_err_contains "cannot order the push: tables p, q reference each other through foreign keys that are neither DEFERRABLE nor nullable"
	assert_err_contains "detail: q (p_id) references p: constraint q_p_id_fkey is not DEFERRABLE and its columns are NOT NULL."
	assert_err_contains "detail: p (q_id) references q: constraint p_q_fk is not DEFERRABLE and its columns are NOT NULL."
	assert_err_contains "Nothing was sent"
	assert_eq f "$(pgq knot "SELECT to_regclass('drydock.ledger') IS NOT NULL")"
	assert_eq 0 "$(pgq knot "SELECT count(*) FROM p")"
	run dd plan k.db
	assert_status 3
	assert_err_contains "cannot order the push"
}

run_tests
