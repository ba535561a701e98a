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
PGDIFF=${PGDIFF:-$REPO/build/pgdiff}
SCHEMAS=(library misc shop)
exec 3>&1  # summary lines ("# pgdiff: ...") reach the log of passing tests too

setup_file() {
	[[ -x $PGDIFF_RENDER && -x $PGDIFF ]] || { echo "no $PGDIFF_RENDER or $PGDIFF (make test builds them)"; return 1; }
	pg_start || return 1
	# many small transactions: a tmpfs keeps fsync out of the timing
	if [[ -d /dev/shm && -w /dev/shm ]]; then
		W=$(mktemp -d /dev/shm/dd-pgdiff.XXXXXX)
	else
		W=$T/w
	fi
	export W PGDIFF_RENDER PGDIFF
	local s
	for s in "${SCHEMAS[@]}"; do
		pgdiff_prepare "$s" "$W/$s" || return 1
		# a database of its own: the two runs would share its sequences
		pgdiff_prepare "$s" "$W/$s-gaps" "${s}_gaps" || return 1
	done
	# the corpora run side by side (each has its own staging file); the
	# tests wait for their result
	for s in "${SCHEMAS[@]}"; do
		(pgdiff_corpus "$s" "$REPO/tests/pgdiff/$s.sql" "$W/$s" >"$W/$s.result" 2>&1
		 touch "$W/$s.done") &
		if [[ -f $REPO/tests/pgdiff/$s.gaps.sql ]]; then
			(pgdiff_corpus "$s" "$REPO/tests/pgdiff/$s.gaps.sql" "$W/$s-gaps" >"$W/$s-gaps.result" 2>&1
			 touch "$W/$s-gaps.done") &
		else
			touch "$W/$s-gaps.done"
		fi
	done
}
teardown_file() {
	pg_stop
	[[ -z ${W:-} || $W != /dev/shm/* ]] || rm -rf "$W"
}

# result NAME: waits for the corpus run NAME (setup_file started it); its
# lines in $T/result and the output, the counts in the log
result() {
	local i
	for ((i = 0; i < 3000; i++)); do
		[[ -f $W/$1.done ]] && break
		sleep 0.2
	done
	[[ -f $W/$1.done ]] || fail "corpus run $1 did not finish"
	cp "$W/$1.result" "$T/result"
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

# docs/steps.md's table of the language is generated from the corpus.
t_language_table_matches_the_corpus() {
	run "$REPO/scripts/language-table.sh" --check
	assert_status 0
}

t_library() {
	result library
	assert_eq "0 0" "$(count_of gap) $(count_of differ)" "gaps and differences (the cases are listed above)"
}

t_misc() {
	result misc
	assert_eq "0 0" "$(count_of gap) $(count_of differ)" "gaps and differences (the cases are listed above)"
}

t_shop() {
	result shop
	assert_eq "0 0" "$(count_of gap) $(count_of differ)" "gaps and differences (the cases are listed above)"
}

# Known gaps: statements PostgreSQL runs that drydock refuses.  Counted and
# listed; one that drydock runs with a different result fails the test.
t_known_gaps() {
	local s total=0 differ=0 equal=0
	for s in "${SCHEMAS[@]}"; do
		[[ -f $REPO/tests/pgdiff/$s.gaps.sql ]] || continue
		result "$s-gaps"
		total=$((total + $(count_of gap)))
		equal=$((equal + $(count_of equal)))
		differ=$((differ + $(count_of differ)))
	done
	((equal == 0)) || echo "# pgdiff: $equal known gaps now give PostgreSQL's rows: move them to the corpus" >&3
	echo "# pgdiff: $total known gaps (refused by drydock, run by PostgreSQL)" >&3
	assert_eq 0 "$differ" "known gaps must be refused, never run differently"
}

# The whole path for the foreign-key and defaults schema: push and rollback.
t_push_shop() {
	result shop >/dev/null
	pgdiff_push shop "$REPO/tests/pgdiff/shop.sql" "$W/shop" >"$T/result"
	cat "$T/result"
	echo "# pgdiff: $(tail -n 1 "$T/result")" >&3
	assert_eq 0 "$(count_of differ)" "pushes that differ from PostgreSQL"
}

run_tests
