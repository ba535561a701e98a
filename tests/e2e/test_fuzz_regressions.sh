#!/usr/bin/env bash
# Every expression the differential fuzzer once found different from
# PostgreSQL (tests/fuzz-sql/regressions.txt) is evaluated again by the
# PostgreSQL 15 this test starts and by drydock's compiled form over the
# fuzzer's table (`build/fuzz-sql -e`): the same values row by row, or the
# same error message.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() { pg_start; }
teardown_file() { pg_stop; }

t_past_fuzz_differences_agree_with_postgresql() {
	local expr n=0
	[[ -x $REPO/build/fuzz-sql ]] || fail "no $REPO/build/fuzz-sql (make test builds it)"
	while IFS= read -r expr; do
		[[ -z $expr || $expr == \#* ]] && continue
		n=$((n + 1))
		run "$REPO/build/fuzz-sql" -e "$expr" "$DD_PG_URL"
		[[ $status == 0 ]] || fail "expression $n differs from PostgreSQL: $expr
$(cat "$T/out" "$T/err")"
	done <"$REPO/tests/fuzz-sql/regressions.txt"
	assert_eq 10 "$n" "expressions replayed"
}

run_tests
