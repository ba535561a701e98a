#!/usr/bin/env bash
# The differential test against PostgreSQL itself (issue 11): every case of
# tests/pgdiff/{library,misc,shop}.sql is applied by the real PostgreSQL (in
# a transaction, tables dumped, rolled back) and by drydock (the case as the
# one step of a plan, run on a snapshot of the same database), and every
# table is compared row by row (tests/pgdiff/pgdiff.sh says how).  Expected:
# equal, or both refuse.  A statement PostgreSQL runs and drydock refuses is
# a coverage gap: those live in tests/pgdiff/*.gaps.sql and are counted,
# never hidden.  A subset goes the whole way: run, approve, push to a
# second database, compare, roll back.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$REPO/tests/pgdiff/pgdiff.sh"

PGDIFF_RENDER=${PGDIFF_RENDER:-$REPO/build/pgdiff-render}
SCHEMAS=(library misc shop)
exec 3>&1  # summary lines ("# pgdiff: ...") reach the log of passing tests too

setup_file() {
	[[ -x $PGDIFF_RENDER ]] || { echo "no $PGDIFF_RENDER (make build/pgdiff-render)"; return 1; }
	pg_start || return 1
	# many small transactions: a tmpfs keeps fsync out of the timing
	if [[ -d /dev/shm && -w /dev/shm ]]; then
		W=$(mktemp -d /dev/shm/dd-pgdiff.XXXXXX)
	else
		W=$T/w
	fi
	export W PGDIFF_RENDER
	local s
	for s in "${SCHEMAS[@]}"; do
		pgdiff_prepare "$s" "$W/$s" || return 1
	done
}
teardown_file() {
	pg_stop
	[[ -z ${W:-} || $W != /dev/shm/* ]] || rm -rf "$W"
}

# corpus SCHEMA FILE: runs it; the result's counts go to the log
corpus() {
	pgdiff_corpus "$1" "$2" "$W/$1" >"$T/result"
	cat "$T/result"
	echo "# pgdiff: $(tail -n 1 "$T/result")" >&3
}

count_of() { # WHAT: from the last line of $T/result
	tail -n 1 "$T/result" | grep -oE "[0-9]+ $1" | cut -d' ' -f1
}

t_corpus_is_large_enough() {
	local n=0 s c
	for s in "${SCHEMAS[@]}"; do
		c=$(awk 'BEGIN { RS = "" } { for (i = 1; i <= NF; i++) if ($i !~ /^--/) { n++; break } } END { print n + 0 }' \
			<(grep -v '^[[:space:]]*--' "$REPO/tests/pgdiff/$s.sql"))
		n=$((n + c))
	done
	echo "# pgdiff: $n cases over ${#SCHEMAS[@]} schemas" >&3
	((n >= 300)) || fail "only $n cases"
}

t_library() {
	corpus library "$REPO/tests/pgdiff/library.sql"
	assert_eq "0 0" "$(count_of gap) $(count_of differ)" "gaps and differences (the cases are listed above)"
}

t_misc() {
	corpus misc "$REPO/tests/pgdiff/misc.sql"
	assert_eq "0 0" "$(count_of gap) $(count_of differ)" "gaps and differences (the cases are listed above)"
}

t_shop() {
	corpus shop "$REPO/tests/pgdiff/shop.sql"
	assert_eq "0 0" "$(count_of gap) $(count_of differ)" "gaps and differences (the cases are listed above)"
}

# Known gaps: statements PostgreSQL runs that drydock refuses.  Counted and
# listed; one that drydock runs with a different result fails the test.
t_known_gaps() {
	local s f total=0 differ=0
	for s in "${SCHEMAS[@]}"; do
		f=$REPO/tests/pgdiff/$s.gaps.sql
		[[ -f $f ]] || continue
		corpus "$s" "$f"
		total=$((total + $(count_of gap)))
		differ=$((differ + $(count_of differ)))
	done
	echo "# pgdiff: $total known gaps (refused by drydock, run by PostgreSQL)" >&3
	assert_eq 0 "$differ" "known gaps must be refused, never run differently"
}

# The whole path for the foreign-key and defaults schema: push and rollback.
t_push_shop() {
	pgdiff_corpus shop "$REPO/tests/pgdiff/shop.sql" "$W/shop" >/dev/null
	pgdiff_push shop "$REPO/tests/pgdiff/shop.sql" "$W/shop" >"$T/result"
	cat "$T/result"
	echo "# pgdiff: $(tail -n 1 "$T/result")" >&3
	assert_eq 0 "$(count_of differ)" "pushes that differ from PostgreSQL"
}

run_tests
