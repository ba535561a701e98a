#!/usr/bin/env bash
# The project file (drydock.json): short daily commands from snapshot to
# push and rollback against a real PostgreSQL, named targets (a
# pg_service.conf service and a connection string), the lookup through
# parent folders, --project / DRYDOCK_PROJECT / --no-project, the command
# line winning over the file, unknown keys and passwords refused.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app <<-'SQL'
		CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);
		INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x');
	SQL
	pg_psql -q -d postgres -c "CREATE DATABASE other TEMPLATE app STRATEGY FILE_COPY"
}

teardown_file() { pg_stop; }

# proj: a project folder proj/ with a plan, a service file naming app as
# app_dev, and drydock.json (its text: $1, else the standard one).
proj() {
	unset DRYDOCK_NO_PROJECT
	mkdir -p proj/deep/er
	dd -q init proj/plans/users --table users
	echo "UPDATE users SET email = upper(email) WHERE id = 1;" >proj/plans/users/steps/001_first.sql
	printf '[app_dev]\ndbname=app\n' >pg_service.conf
	export PGSERVICEFILE=$T/pg_service.conf
	if [[ -n ${1:-} ]]; then
		printf '%s\n' "$1" >proj/drydock.json
	else
		cat >proj/drydock.json <<-'JSON'
			{
			  "$schema": "https://drydock.invalid/schema/project.schema.json",
			  "plan": "plans/users",
			  "stage": "build/users.db",
			  "source": "dev",
			  "target": "dev",
			  "targets": {
			    "dev": {"service": "app_dev", "description": "the dev database"},
			    "copy": "dbname=other"
			  }
			}
		JSON
	fi
	mkdir -p proj/build
}

email() { pg_psql -At -d "$1" -c "SELECT email FROM users WHERE id = 1"; }

t_daily_commands_are_short() {
	proj
	cd proj/deep/er # the file is two folders up: paths are from its folder
	run dd snapshot
	assert_status 0
	assert_err_contains "source 'app' is 'dev', a target of ../../drydock.json"
	assert_file_exists "$T/proj/build/users.db"
	[[ ! -e build ]] || fail "the staging file went beside the current folder"
	run dd run
	assert_status 0
	assert_out_contains "0 inserts, 1 update, 0 deletes"
	run dd check
	assert_status 0
	run dd approve --by Ann
	assert_status 0
	run dd status
	assert_status 0
	assert_out_contains "staging file  ../../build/users.db"
	assert_out_contains "project file  ../../drydock.json, plan ../../plans/users, default target dev (targets: dev, copy)"
	run dd drift
	assert_status 0
	assert_err_contains "the target is 'dev', the default target of ../../drydock.json"
	run dd push --yes
	assert_status 0
	assert_err_contains "the target is 'dev', the default target of ../../drydock.json"
	assert_eq "A@X" "$(email app)"
	assert_eq "a@x" "$(email other)"
	run dd history
	assert_status 0
	assert_out_contains "applied"
	run dd rollback --yes
	assert_status 0
	assert_eq "a@x" "$(email app)"
	# status --json says which project file, in its documented shape
	dd status --json >"$T/status.json"
	"$REPO/build/jsoncheck" "$REPO/schema/json/status.schema.json" "$T/status.json" ||
		fail "status --json does not match its schema"
	assert_eq "../../drydock.json" "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/status.json'), '\$.project.file')")"
	assert_eq '["dev","copy"]' "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/status.json'), '\$.project.targets')")"
}

t_command_line_wins_over_the_file() {
	proj
	cd proj
	dd -q snapshot
	dd -q run
	dd -q approve --by Ann
	# a named target
	run dd push --target copy --yes
	assert_status 0
	assert_err_contains "the target is 'copy', a target of drydock.json"
	assert_eq "A@X" "$(email other)"
	assert_eq "a@x" "$(email app)"
	run dd rollback --target copy --yes
	assert_status 0
	assert_eq "a@x" "$(email other)"
	# a name that is no target: a database name, as before
	run dd drift --target other
	assert_err_not_contains "a target of"
	assert_err_not_contains "default target"
	# -d is always literal, as in psql: a database called "copy"
	run dd drift -d copy
	assert_status 3
	assert_err_contains 'database "copy" does not exist'
	# a typo in a target name: libpq's error, then the targets
	run dd drift --target cpy
	assert_status 3
	assert_err_contains "hint: 'cpy' is not a target of drydock.json, so it was taken as a database name: did you mean 'copy'?"
	# -h / -U alone: psql's options and the PG* variables decide, not the file
	run dd drift -U postgres
	assert_err_not_contains "default target"
	# an explicit staging file and --plan win over the file's
	dd -q snapshot --plan plans/users -o mine.db --source copy
	run dd status mine.db
	assert_out_contains "staging file  mine.db"
	run dd run mine.db --plan /nonexistent
	assert_status 3
	assert_err_contains "/nonexistent"
	# --source NAME=TARGET for the plan's source, -o wins over "stage"
	run dd snapshot -o two.db --source app=copy
	assert_status 0
	assert_err_contains "source 'app' is 'copy', a target of drydock.json"
	assert_file_exists two.db
}

t_source_per_plan_source() {
	proj '{"plan": "plans/users", "stage": "s.db", "source": {"app": "copy"}, "targets": {"copy": "dbname=other"}}'
	cd proj
	run dd snapshot
	assert_status 0
	assert_err_contains "source 'app' is 'copy', a target of drydock.json"
	run dd status
	assert_out_contains "dbname=other"
	cd ..
	rm -rf proj
	proj '{"plan": "plans/users", "stage": "s.db", "source": {"nope": "copy"}, "targets": {"copy": "dbname=other"}}'
	cd proj
	run dd snapshot
	assert_status 3
	assert_err_contains "project file 'drydock.json': source.nope: the plan has no source 'nope'"
	assert_no_file s.db
}

t_project_env_and_no_project() {
	proj
	mkdir elsewhere
	cat >elsewhere/alt.json <<-'JSON'
		{"plan": "../proj/plans/users", "stage": "alt.db", "targets": {"dev": "dbname=other"}, "target": "dev", "source": "dev"}
	JSON
	cd proj
	# --project FILE: its paths are from its own folder
	run dd --project ../elsewhere/alt.json snapshot
	assert_status 0
	assert_file_exists ../elsewhere/alt.db
	assert_no_file build/users.db
	# DRYDOCK_PROJECT the same; --project wins over it
	DRYDOCK_PROJECT=../elsewhere/alt.json run dd status
	assert_status 0
	assert_out_contains "staging file  ../elsewhere/alt.db"
	DRYDOCK_PROJECT=/nonexistent.json run dd status --project ../elsewhere/alt.json
	assert_status 0
	assert_out_contains "staging file  ../elsewhere/alt.db"
	DRYDOCK_PROJECT=/nonexistent.json run dd status
	assert_status 3
	assert_err_contains "cannot read project file '/nonexistent.json'"
	# --no-project and DRYDOCK_NO_PROJECT: the built-in defaults
	run dd status --no-project
	assert_status 2
	assert_err_contains "give one staging file"
	DRYDOCK_NO_PROJECT=1 run dd run
	assert_status 2
	assert_err_contains "give one staging file and --plan DIR"
	# --help names the file in use
	run dd --help
	assert_out_contains "project file: drydock.json"
	run dd --no-project --help
	assert_out_not_contains "project file: drydock.json"
}

t_unknown_key_refused() {
	proj '{"plan": "plans/users", "stge": "x.db", "targets": {"dev": {"conifo": "dbname=app"}}}'
	cd proj
	run dd status
	assert_status 3
	assert_err_contains "drydock: error: project file 'drydock.json': stge: unknown key \"stge\" (did you mean \"stage\"?)"
	assert_err_contains "targets.dev.conifo: unknown key \"conifo\" (did you mean \"conninfo\"?)"
	assert_err_contains "hint: The project file is described in README.md"
	# commands given everything they need do not read it; status mentions it
	dd -q --no-project snapshot --plan plans/users -o s.db -d app
	run dd status s.db
	assert_status 0
	assert_out_contains "project file  drydock.json (not usable"
	# a default naming no target
	cd ..
	rm -rf proj
	proj '{"target": "prod", "targets": {"prd": "dbname=app"}}'
	cd proj
	run dd history
	assert_status 3
	assert_err_contains "target: \"prod\" is not one of targets (did you mean \"prd\"?)"
}

t_password_refused_never_echoed() {
	local form
	for form in "host=/tmp dbname=app password=Hunter2pw" "postgresql://postgres:Hunter2pw@localhost/app" \
		"postgresql:///app?password=Hunter2pw"; do
		rm -rf proj
		proj "{\"plan\": \"plans/users\", \"stage\": \"s.db\", \"target\": \"prod\", \"targets\": {\"prod\": \"$form\"}}"
		cd proj
		run dd push --yes
		assert_status 3
		assert_err_contains "project file 'drydock.json': target 'prod' holds a password"
		assert_err_contains "~/.pgpass"
		grep -q Hunter2pw "$T/err" "$T/out" && fail "the password was printed ($form)"
		run dd status --no-project s.db
		assert_err_not_contains Hunter2pw
		cd ..
	done
}

t_init_with_project() {
	unset DRYDOCK_NO_PROJECT
	# without --with-project, and no project file: it says how
	run dd init p
	assert_err_contains "'drydock init p --with-project' also writes drydock.json"
	run dd init plans/avatars --table users --with-project
	assert_status 0
	assert_err_contains "wrote drydock.json: plan plans/avatars, staging file avatars.db"
	grep -q '"plan": "plans/avatars"' drydock.json || fail "drydock.json lacks the plan"
	"$REPO/build/jsoncheck" "$REPO/schema/project.schema.json" drydock.json || fail "not a valid project file"
	grep -q '^    drydock run$' plans/avatars/README.md || fail "the plan's README does not show the short commands"
	run dd validate
	assert_status 0
	assert_err_contains "plan plans/avatars is valid"
	run dd snapshot -d app
	assert_status 0
	assert_file_exists avatars.db
	# a second init does not overwrite it
	run dd init plans/two --with-project
	assert_status 3
	assert_err_contains "'drydock.json' already exists"
}

run_tests
