#!/usr/bin/env bash
# make fuzz-sql: the differential expression fuzzer against a throwaway
# PostgreSQL 15 server.  FUZZ_SQL_SECONDS (default 60) bounds the run;
# FUZZ_SQL_ARGS adds options (-s SEED, -b BATCH, -d DEPTH, -n COUNT).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/lib/pg.sh"
pg_start
pg_trap
# shellcheck disable=SC2086  # FUZZ_SQL_ARGS is a list of options
"$repo/build/fuzz-sql" -t "${1:-${FUZZ_SQL_SECONDS:-60}}" ${FUZZ_SQL_ARGS:-} "$DD_PG_URL"
