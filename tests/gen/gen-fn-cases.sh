#!/bin/bash
# Regenerates tests/unit/fn_*_cases.h: starts a throwaway PostgreSQL 15 and
# asks it for every expected answer (tests/gen/fn_cases.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lib/pg.sh
pg_start
pg_trap
python3 tests/gen/fn_cases.py
