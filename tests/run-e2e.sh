#!/usr/bin/env bash
# Run the end-to-end tests: every tests/e2e/test_*.sh, or the files given.
#
#   tests/run-e2e.sh [TEST_FILE...]
#
# Runs up to $DD_E2E_JOBS (default 2) files at once, each under a time limit
# of $DD_E2E_TIMEOUT seconds (default 600).  A file's output is shown in one
# piece when it finishes.  The last line is "N passed, N failed" (plus
# ", N skipped" when there are any); exits 1 if anything failed.  A file
# that dies without reporting its counts counts as one failure.
#
# DRYDOCK, DRYDOCK_WRAPPER, DD_TEST_FILTER, DD_TEST_VERBOSE and DD_KEEP_TMP
# are passed on to the tests (see tests/lib/testlib.sh).  The files' servers
# start from one initdb made here (DD_PG_TEMPLATE, tests/lib/pg.sh).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs_max=${DD_E2E_JOBS:-2}
time_limit=${DD_E2E_TIMEOUT:-600}

# Make a relative DRYDOCK absolute now: tests run in their own temp dirs.
if [[ -n ${DRYDOCK:-} && $DRYDOCK != /* ]]; then
	if [[ -e $PWD/$DRYDOCK ]]; then
		DRYDOCK=$PWD/$DRYDOCK
	else
		DRYDOCK=$repo/$DRYDOCK
	fi
	export DRYDOCK
fi

files=()
if [[ $# -gt 0 ]]; then
	for f in "$@"; do
		if [[ ! -f $f ]]; then
			echo "run-e2e: no such test file: $f" >&2
			exit 2
		fi
		files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
	done
else
	shopt -s nullglob
	files=("$repo"/tests/e2e/test_*.sh)
	shopt -u nullglob
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dd-e2e.XXXXXX")

# One initdb for the whole run: every file's pg_start copies it
# (tests/lib/pg.sh, DD_PG_TEMPLATE).  Without it pg_start runs initdb.
source "$repo/tests/lib/pg.sh"
made_template=0
if [[ -z ${DD_PG_TEMPLATE:-} ]] && pg_template_make; then
	made_template=1
fi
declare -A job_file=() job_idx=() job_start=()

cleanup() {
	local pid
	for pid in "${!job_file[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${!job_file[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
	((made_template == 0)) || pg_template_drop
}
trap cleanup EXIT
trap 'echo "run-e2e: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

passed=0 failed=0 skipped=0

# Print a finished file's log and add up its counts.
finish() {
	local pid=$1 rc=$2 f i name secs counts p=0 fl=0 s=0 line a b c
	f=${job_file[$pid]} i=${job_idx[$pid]}
	unset "job_file[$pid]"
	name=${f#"$repo"/}
	secs=$((SECONDS - job_start[$pid]))
	unset "job_start[$pid]" "job_idx[$pid]"
	counts=$work/$i.counts
	echo "== $name"
	cat "$work/$i.log"
	if [[ -s $counts ]]; then
		while read -r line; do
			# passed N failed N skipped N
			read -r _ a _ b _ c <<<"$line"
			p=$((p + a)) fl=$((fl + b)) s=$((s + c))
		done <"$counts"
	fi
	if [[ ! -s $counts ]] || ((rc != 0 && fl == 0)); then
		if ((rc == 124 || rc == 137)); then
			echo "not ok - $name: timed out after ${time_limit}s"
		else
			echo "not ok - $name: exited with status $rc without reporting failures"
		fi
		fl=$((fl + 1))
	fi
	echo "-- $name: $p passed, $fl failed, $s skipped (${secs}s)"
	passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
}

wait_one() {
	local pid rc=0
	wait -n -p pid "${!job_file[@]}" || rc=$?
	finish "$pid" "$rc"
}

i=0
for f in ${files[@]+"${files[@]}"}; do
	while ((${#job_file[@]} >= jobs_max)); do
		wait_one
	done
	i=$((i + 1))
	DD_TEST_COUNTS=$work/$i.counts timeout -k 10 "$time_limit" \
		bash "$f" >"$work/$i.log" 2>&1 </dev/null &
	job_file[$!]=$f
	job_idx[$!]=$i
	job_start[$!]=$SECONDS
done
while ((${#job_file[@]} > 0)); do
	wait_one
done

summary="$passed passed, $failed failed"
((skipped == 0)) || summary+=", $skipped skipped"
echo "$summary"
((failed == 0))
