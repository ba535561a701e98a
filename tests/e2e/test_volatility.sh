#!/usr/bin/env bash
# The registry's volatilities (src/sql/pgfn_volatility.c) are PostgreSQL
# 15's: tests/gen/gen-volatility.sh asks a real server's pg_proc for every
# signature again, and the file it writes must be the committed one.  The
# compiler folds immutable calls over constants at compile time, as the
# planner does; a stale table would fold a stable call (to_char of a
# timestamptz) or leave an immutable one to run time.  What folding does
# is in the pgdiff corpus (tests/pgdiff/misc.sql, "Constant folding").
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() { pg_start; }
teardown_file() { pg_stop; }

t_volatility_table_is_current() {
	[[ -x $REPO/build/pgfn-dump ]] || fail "no $REPO/build/pgfn-dump (make test builds it)"
	run "$REPO/tests/gen/gen-volatility.sh" "$T/pgfn_volatility.c"
	assert_status 0
	run diff -u "$REPO/src/sql/pgfn_volatility.c" "$T/pgfn_volatility.c"
	assert_status 0
}

run_tests
