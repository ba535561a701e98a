#!/usr/bin/env bash
# Runs the DDL schemachange renders against a real PostgreSQL 15.
#
# The unit test (tests/unit/test_schemachange.c) writes its PostgreSQL
# cases with DD_SC_DUMP=DIR.  This script starts a throwaway server
# (tests/lib/pg.sh's pg_start; the tests connect through its unix socket),
# loads the cases' base schema into a template database and, per case, in
# a fresh copy of it:
#
#   push      ddl, fill (stands for push's data), ddl_post  in one transaction
#   effect    check.sql returns true; the probe returns true
#   twice     (if_not_exists cases) ddl and ddl_post again succeed
#   rollback  inverse, restore (stands for rollback's data), inverse_post
#   restored  pg_dump --schema-only equals the one before the push;
#             after.sql (when given) returns true; the probe returns false
#
# "skipped" cases describe what the base already has: their DDL must run
# (twice) and leave the schema dump unchanged.
#
# Usage: tests/e2e/test_schemachange_pg.sh (run by tests/run-e2e.sh)
#   DD_SC_UNIT_BIN  the unit test binary to use instead of building
#                   build/unit/test_schemachange with make
#   PGBIN           PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
# The last line is "N passed, N failed"; the exit status is 1 on a failure.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
passed=0
failed=0
work=
started=

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
	failed=$((failed + 1))
	echo "FAIL - $1"
	[ -n "${2:-}" ] && sed 's/^/    /' <<<"$2"
}
finish() {
	[ -n "${DD_TEST_COUNTS:-}" ] && echo "passed $passed failed $failed skipped 0" >>"$DD_TEST_COUNTS"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# The server: tests/lib/pg.sh's (a copy of the run's initdb when
# tests/run-e2e.sh made one, DD_PG_TEMPLATE; shared_buffers 16MB, so each
# of the many short connections costs less).
DD_PG_BINDIR=${DD_PG_BINDIR:-$PGBIN}
# shellcheck source=../lib/pg.sh
source "$root/tests/lib/pg.sh"

cleanup() {
	[ -n "$started" ] && pg_stop
	[ -n "$work" ] && rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$PGBIN/initdb" ]; then
	not_ok "PostgreSQL binaries in $PGBIN" "initdb not found; install postgresql-15 or set PGBIN."
	finish
fi

work=$(mktemp -d /tmp/dd-scpg.XXXXXX)
chmod 755 "$work"
[ "$(id -u)" -eq 0 ] && chown postgres "$work"

# ---------------------------------------------------------------- cases
unit=${DD_SC_UNIT_BIN:-}
if [ -z "$unit" ]; then
	if out=$(make -C "$root" --no-print-directory build/unit/test_schemachange 2>&1); then
		unit=$root/build/unit/test_schemachange
	else
		not_ok "build the unit test" "$out"
		finish
	fi
fi
if out=$(DD_SC_DUMP="$work/cases" "$unit" 2>&1); then
	ok "unit test passes and writes the PostgreSQL cases"
else
	not_ok "unit test passes and writes the PostgreSQL cases" "$(tail -n 30 <<<"$out")"
	finish
fi

# --------------------------------------------------------------- server
if ! pg_start 2>"$work/pg_start.err"; then
	not_ok "start PostgreSQL" "$(tail -n 40 "$work/pg_start.err")"
	finish
fi
started=1
sock=$PGHOST
port=$PGPORT

psql_db() { # DB [psql args...]
	local db=$1
	shift
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d "$db" "$@" 2>&1
}
query() { # DB FILE: the single value the query in FILE returns
	"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d "$1" -f "$2" 2>&1
}
# pg_dump 15.14 and later fence the dump with \restrict KEY, a new random key each time
schema_dump() {
	"$PGBIN/pg_dump" --schema-only -h "$sock" -p "$port" -U postgres "$1" 2>&1 |
		grep -v '^\\\(un\)\{0,1\}restrict '
}
probe_is() { # DB DIR WANT STEP: the change's probe returns WANT (target_sql has none)
	local got
	[ -s "$2/probe.sql" ] || return 0
	got=$(query "$1" "$2/probe.sql")
	if [ "$got" = "$3" ]; then ok "$name: probe $4 is $3"; else not_ok "$name: probe $4 is $3" "got: $got"; fi
}

if out=$(psql_db postgres -c "CREATE DATABASE base STRATEGY FILE_COPY" && psql_db base -f "$work/cases/base.sql"); then
	ok "base schema loads"
	# every case's database is a fresh copy of base: its dump before the
	# push is base's, taken once (a pg_dump per case cost ~0.2 CPU-s)
	base_dump=$(schema_dump base)
else
	not_ok "base schema loads" "$out"
	finish
fi

# ---------------------------------------------------------------- run
for dir in "$work"/cases/[0-9]*_*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	db=c_${name%%_*}
	skipped=
	[ -e "$dir/skipped" ] && skipped=1
	if ! out=$(psql_db postgres -c "CREATE DATABASE $db TEMPLATE base STRATEGY FILE_COPY"); then
		not_ok "$name: copy the base database" "$out"
		continue
	fi
	before=$base_dump

	if [ -n "$skipped" ]; then probe_is "$db" "$dir" t "before push"; else probe_is "$db" "$dir" f "before push"; fi

	if out=$(psql_db "$db" -1 -f "$dir/ddl.sql" -f "$dir/fill.sql" -f "$dir/ddl_post.sql"); then
		ok "$name: push DDL applies in one transaction"
	else
		not_ok "$name: push DDL applies in one transaction" "$out"
		continue
	fi
	if [ -e "$dir/twice" ]; then
		if out=$(psql_db "$db" -1 -f "$dir/ddl.sql" -f "$dir/ddl_post.sql"); then
			ok "$name: guarded DDL applies a second time"
		else
			not_ok "$name: guarded DDL applies a second time" "$out"
		fi
	fi
	got=$(query "$db" "$dir/check.sql")
	if [ "$got" = t ]; then ok "$name: effect in pg_catalog"; else not_ok "$name: effect in pg_catalog" "check.sql returned: $got"; fi
	probe_is "$db" "$dir" t "after push"

	if [ -n "$skipped" ]; then
		after=$(schema_dump "$db")
		if [ "$after" = "$before" ]; then
			ok "$name: already present, schema unchanged"
		else
			not_ok "$name: already present, schema unchanged" "$(diff <(echo "$before") <(echo "$after"))"
		fi
		continue
	fi

	if out=$(psql_db "$db" -1 -f "$dir/inverse.sql" -f "$dir/restore.sql" -f "$dir/inverse_post.sql"); then
		ok "$name: inverse applies in one transaction"
	else
		not_ok "$name: inverse applies in one transaction" "$out"
		continue
	fi
	after=$(schema_dump "$db")
	if [ "$after" = "$before" ]; then
		ok "$name: schema dump after rollback equals the original"
	else
		not_ok "$name: schema dump after rollback equals the original" "$(diff <(echo "$before") <(echo "$after"))"
	fi
	if [ -s "$dir/after.sql" ]; then
		got=$(query "$db" "$dir/after.sql")
		if [ "$got" = t ]; then ok "$name: state after rollback"; else not_ok "$name: state after rollback" "after.sql returned: $got"; fi
	fi
	probe_is "$db" "$dir" f "after rollback"
done

finish
