#!/usr/bin/env bash
# Regenerates a committed fixture from its SQL source, with drydock itself:
# loads fixtures/sql/*.sql into a throwaway PostgreSQL, snapshots it with the
# example's plan and exports the snapshot as fixtures/NAME.
#
#   scripts/make-fixture.sh NAME PLAN_DIR SOURCE=SQL_FILE [SOURCE=SQL_FILE ...]
#   e.g. scripts/make-fixture.sh avatars examples/avatars app=fixtures/sql/avatars.sql
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/lib/pg.sh
[[ $# -ge 3 ]] || { echo "usage: $0 NAME PLAN_DIR SOURCE=SQL_FILE..." >&2; exit 2; }
name=$1 plan=$2
shift 2
DRYDOCK=${DRYDOCK:-build/drydock}
pg_start
pg_trap
args=()
for pair in "$@"; do
	src=${pair%%=*} file=${pair#*=}
	pg_createdb "$src"
	pg_psql -d "$src" -f "$file" >/dev/null
	args+=(--source "$src=postgresql://postgres@/$src?host=$PGHOST&port=$PGPORT")
done
tmp=$(mktemp -d)
"$DRYDOCK" -q snapshot --plan "$plan" "${args[@]}" -o "$tmp/s.db"
# a fixed snapshot time keeps the committed fixture (and every report and
# hash derived from it) stable across regenerations
sqlite3 "$tmp/s.db" "UPDATE dd_source SET snapshot_at = '2026-01-15T09:00:00Z', server_version = '15'"
"$DRYDOCK" -q fixture export "$tmp/s.db" -o "fixtures/$name" --force
rm -rf "$tmp"
echo "wrote fixtures/$name"
