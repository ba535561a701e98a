# shellcheck shell=bash
# Helpers for the end-to-end tests of the examples (tests/e2e/test_example_*.sh).
# Source after testlib.sh and pg.sh:
#
#   stage_example NAME [DB]     snapshot examples/NAME from fixtures/NAME (or,
#                               with DB, from that database of the test
#                               server) into s.db
#   sq DB SQL                   sqlite3 query, rows as a|b|c
#   check_rows DB FILE PHASE    runs a plan check's query (a .sql file of the
#                               example) on the "before" (pristine) or
#                               "after" (working) state, as drydock's checks
#                               do; prints the violating rows
#   pg_url DB                   libpq URI of database DB on the test server
#   pgq DB SQL                  psql -At: one value or rows as a|b
#   pg_load DB FILE             creates DB and loads an SQL file into it
#   pg_schema DB                pg_dump --schema-only of schema public, minus
#                               the random \restrict lines newer pg_dump adds
#   pg_data DB TABLE...         pg_dump --data-only of the tables, each
#                               table's lines sorted (a rollback re-inserts
#                               rows at the end of the heap: physical order
#                               is not part of "exactly as before")
#   pg_image DB TABLE...        schema and data together, for before/after
#                               comparisons

# stage_example NAME [DB]: s.db from the fixture or from database DB.
stage_example() {
	local name=$1 db=${2:-}
	if [[ -n $db ]]; then
		dd -q snapshot --plan "$REPO/examples/$name" --source "$(pg_url "$db")" -o s.db
	else
		dd -q snapshot --plan "$REPO/examples/$name" --fixture "$REPO/fixtures/$name" -o s.db
	fi
}

sq() {
	sqlite3 -batch -noheader -separator '|' "$1" "$2"
}

# check_rows DB FILE before|after
check_rows() {
	local db=$1 file=$2 phase=$3 views="" t
	if [[ $phase == before ]]; then
		# the target's tables read as snapshotted, as drydock's "before"
		# checks see them (temp views shadow the working tables)
		while read -r t; do
			views+="CREATE TEMP VIEW \"$t\" AS SELECT * FROM \"dd_pristine__$t\";"
		done < <(sq "$db" "SELECT t.name FROM dd_table t JOIN dd_source s ON s.name = t.source
			WHERE s.is_target AND t.pristine_name IS NOT NULL")
	fi
	sqlite3 -batch -noheader -separator '|' "$db" "$views $(cat "$file")"
}

pg_url() {
	printf 'postgresql://postgres@/%s?host=%s&port=%s\n' "$1" "$(_pg_uri_escape "$PGHOST")" "$PGPORT"
}

pgq() {
	pg_psql -d "$1" -At -c "$2"
}

pg_load() {
	pg_createdb "$1"
	pg_psql -d "$1" -f "$2" >/dev/null
}

pg_schema() {
	pg_dump --schema-only -n public -d "$1" | grep -v '^\\\(un\)\{0,1\}restrict '
}

pg_data() {
	local db=$1 t
	local -a args=()
	shift
	for t in "$@"; do
		args+=(-t "public.$t")
	done
	# one pg_dump; the rows of each COPY block sorted
	pg_dump --data-only "${args[@]}" -d "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' | awk '
		/^COPY / { print; fflush(); inblock = 1; next }
		inblock && $0 == "\\." { close("LC_ALL=C sort"); inblock = 0; print; next }
		inblock { print | "LC_ALL=C sort"; next }
		{ print }'
}

pg_image() {
	local db=$1
	shift
	pg_schema "$db"
	pg_data "$db" "$@"
}

# rollback_from DB: drydock rollback of s.db's push to DB.
rollback_from() {
	run dd rollback s.db --target "$(pg_url "$1")" --yes
	assert_status 0
	assert_out_contains "rolled back push"
}

# dry_run_once NAME [PLAN_DIR FIXTURE_DIR]: in setup_file, the fixture dry
# run (snapshot and run) the file's tests share: with the checks, a run
# costs a few tenths of a second, so tests start from a copy:
#   cp "$(ran NAME)" s.db
dry_run_once() {
	local name=$1 plan=${2:-$REPO/examples/$1} fx=${3:-$REPO/fixtures/$1} db
	db=$(ran "$name")
	dd -q snapshot --plan "$plan" --fixture "$fx" -o "$db"
	dd -q run "$db" --plan "$plan" >/dev/null
}

ran() {
	printf '%s/ran.%s.db\n' "$_TL_ROOT" "${1//\//-}"
}
