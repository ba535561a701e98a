#!/usr/bin/env bash
# Regenerates tests/unit/fn_text_cases.h: starts a throwaway PostgreSQL 15,
# makes a C.UTF-8 database next to the C one, and asks both for every case
# of tests/unit/fn_text_cases.txt (tests/gen/fn_text_cases.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib/pg.sh
pg_start
pg_trap
pg_psql -q -c "create database utf8 template template0 locale 'C.UTF-8' encoding 'UTF8'"
python3 tests/gen/fn_text_cases.py tests/unit/fn_text_cases.txt tests/unit/fn_text_cases.h postgres utf8
