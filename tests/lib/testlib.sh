# shellcheck shell=bash
# Tiny assertion library for end-to-end tests of the drydock CLI.
#
# A test file tests/e2e/test_NAME.sh looks like:
#
#   #!/usr/bin/env bash
#   source "$(dirname "$0")/../lib/testlib.sh"
#   source "$TESTLIB_DIR/pg.sh"                    # only if it needs PostgreSQL
#   setup_file()    { pg_start && pg_createdb app; }  # optional, once per file
#   teardown_file() { pg_stop; }                      # optional, always runs
#   t_status_empty() {
#       run dd status
#       assert_status 0
#       assert_out_contains "no migrations"
#   }
#   run_tests
#
# run_tests runs every function whose name starts with t_, in definition
# order, each in a subshell with `set -euo pipefail` and a fresh temp dir as
# CWD and $T; prints "ok - NAME", "ok - NAME # SKIP reason" or "not ok - NAME"
# followed by the test's output as "# " lines; exits 1 if any test failed.
# setup_file runs first in the file's own shell (so its exports reach the
# tests); if it fails, every test is reported failed.  teardown_file runs at
# exit, also after INT/TERM.
#
# Environment:
#   DRYDOCK          binary under test (default $REPO/build/drydock; a
#                    relative path is taken from the CWD, else from $REPO)
#   DRYDOCK_WRAPPER  command prefix for every `dd` call, e.g.
#                    "valgrind -q --error-exitcode=99"
#   DD_TEST_COUNTS   if set, "passed N failed N skipped N" is appended to it
#   DD_TEST_FILTER   only run tests whose name matches this glob (e.g. '*pg*')
#   DD_TEST_VERBOSE  if non-empty, also show the output of passing tests
#   DD_KEEP_TMP      if non-empty, keep the temp dirs (path printed)
#   DRYDOCK_NO_PROJECT is set: drydock ignores project files (drydock.json)
#
# Variables for tests: REPO (repo root), TESTLIB_DIR (tests/lib), DRYDOCK,
# T (the test's temp dir), status (exit code of the last `run`).

TESTLIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TESTLIB_DIR/../.." && pwd)
export TESTLIB_DIR REPO

DRYDOCK=${DRYDOCK:-$REPO/build/drydock}
if [[ $DRYDOCK != /* ]]; then
	if [[ -e $PWD/$DRYDOCK ]]; then
		DRYDOCK=$PWD/$DRYDOCK
	else
		DRYDOCK=$REPO/$DRYDOCK
	fi
fi
export DRYDOCK
# No project file (drydock.json) of the machine's folders reaches a test;
# tests/e2e/test_project.sh unsets this where it uses one.
export DRYDOCK_NO_PROJECT=1

T=${T:-}
status=0

# dd ARGS...: run drydock (through $DRYDOCK_WRAPPER, if set).
#
# In a subshell of the test -- `dd ... &`, `$(dd ...)`, a pipeline -- dd
# execs drydock, so that $! is drydock itself and `kill $!` (even -KILL)
# reaches it rather than a bash wrapper.  So in a subshell, dd must be the
# last command: `(dd a; dd b)` would never run b.
dd() {
	local -a wrapper=()
	if [[ ! -x $DRYDOCK ]]; then
		echo "testlib: drydock binary not found or not executable: $DRYDOCK (run make)" >&2
		return 127
	fi
	read -r -a wrapper <<<"${DRYDOCK_WRAPPER:-}"
	if [[ $BASHPID != "${_TL_TEST_PID:-$$}" ]]; then
		exec "${wrapper[@]}" "$DRYDOCK" "$@"
	fi
	"${wrapper[@]}" "$DRYDOCK" "$@"
}

# run CMD...: run a command (or function) with stdout in $T/out, stderr in
# $T/err and its exit code in $status.  Never fails.
run() {
	status=0
	"$@" >"$T/out" 2>"$T/err" </dev/null || status=$?
	return 0
}

_tl_tail() {
	local name=$1 file=$2
	if [[ ! -e $file ]]; then
		echo "--- $name: (none)"
	elif [[ ! -s $file ]]; then
		echo "--- $name: (empty)"
	else
		echo "--- $name (last 20 lines):"
		tail -n 20 "$file"
		[[ -z $(tail -c 1 "$file") ]] || echo
	fi
}

# fail MESSAGE...: fail the current test, showing the output of the last run.
fail() {
	{
		echo "FAIL: $*"
		if [[ -n $T ]]; then
			_tl_tail stdout "$T/out"
			_tl_tail stderr "$T/err"
		fi
	} >&2
	exit 1
}

# skip REASON: stop the current test and report it skipped.
skip() {
	if [[ -n ${_TL_SKIP_FILE:-} ]]; then
		printf '%s\n' "${*:-skipped}" >"$_TL_SKIP_FILE"
	fi
	exit 0
}

assert_status() {
	[[ $status == "$1" ]] || fail "expected exit status $1, got $status"
}

_tl_contains() { # FILE STR
	local content=""
	[[ -e $1 ]] && content=$(<"$1")
	[[ $content == *"$2"* ]]
}

assert_out_contains() {
	_tl_contains "$T/out" "$1" || fail "stdout does not contain: $1"
}

assert_err_contains() {
	_tl_contains "$T/err" "$1" || fail "stderr does not contain: $1"
}

assert_out_not_contains() {
	! _tl_contains "$T/out" "$1" || fail "stdout contains: $1"
}

assert_err_not_contains() {
	! _tl_contains "$T/err" "$1" || fail "stderr contains: $1"
}

# assert_out_matches / assert_err_matches ERE: grep -E on the captured output.
assert_out_matches() {
	grep -Eq -- "$1" "$T/out" 2>/dev/null || fail "stdout does not match: $1"
}

assert_err_matches() {
	grep -Eq -- "$1" "$T/err" 2>/dev/null || fail "stderr does not match: $1"
}

# assert_eq EXPECTED ACTUAL [MESSAGE]
assert_eq() {
	[[ $1 == "$2" ]] && return 0
	fail "${3:-values differ}"$'\n'"  expected: $1"$'\n'"  actual:   $2"
}

assert_file_exists() {
	[[ -e $1 ]] || fail "file does not exist: $1"
}

assert_no_file() {
	[[ ! -e $1 && ! -L $1 ]] || fail "file exists: $1"
}

# wait_stopped PID: waits until process PID stops itself at a fault point
# (DD_FAULT=name[:N]:stop, see fault_point() in src/util.c), so the test
# acts at an exact place rather than after a guessed delay.  Fails if the
# process ends first.  Let it go on with `kill -CONT PID`.
wait_stopped() {
	local pid=$1 stat i
	for ((i = 0; i < 3000; i++)); do
		stat=$(cat "/proc/$pid/stat" 2>/dev/null) || fail "process $pid ended before it stopped"
		stat=${stat##*) }
		case ${stat%% *} in
		T | t) return 0 ;;
		Z | X) fail "process $pid ended before it stopped" ;;
		esac
		sleep 0.02
	done
	fail "process $pid did not stop at its fault point within a minute"
}

# small_disk DIR SIZE: mounts a tmpfs of SIZE (e.g. 64k) on DIR (created) to
# fill up.  It needs root, as the suite runs in CI: without it the test
# fails (a disk-full test that cannot run is not a pass).  Unmount with
# `umount DIR` before the assertions.
small_disk() {
	[[ $(id -u) -eq 0 ]] || fail "mounting a small tmpfs needs root: run the suite as root"
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2" tmpfs "$1" || fail "cannot mount a tmpfs on $1"
}

# ---------------------------------------------------------------------------

# ERR trap inside a test (set -e): name the failed command and the call
# chain from the test function down to it.
_tl_on_err() {
	local rc=$1 cmd=$2 line=$3 k
	echo "FAIL: command failed with status $rc: $cmd" >&2
	echo "  at ${BASH_SOURCE[1]##*/}:$line (${FUNCNAME[1]:-main})" >&2
	for ((k = 1; k + 1 < ${#FUNCNAME[@]}; k++)); do
		[[ ${FUNCNAME[k]} == "$_TL_CUR_TEST" ]] && break
		echo "  called from ${BASH_SOURCE[k + 1]##*/}:${BASH_LINENO[k]} (${FUNCNAME[k + 1]})" >&2
	done
}

_TL_TORN_DOWN=0
_TL_ROOT=""
_TL_CUR_TEST=""

_tl_teardown() {
	local out rc=0
	((_TL_TORN_DOWN)) && return 0
	_TL_TORN_DOWN=1
	if declare -F teardown_file >/dev/null; then
		out=$(teardown_file 2>&1) || rc=$?
		if ((rc != 0)); then
			echo "# teardown_file failed (status $rc):"
			[[ -n $out ]] && printf '%s\n' "$out" | sed 's/^/#   /'
		fi
	fi
	if [[ -n $_TL_ROOT ]]; then
		if [[ -n ${DD_KEEP_TMP:-} ]]; then
			echo "# temp dirs kept in $_TL_ROOT"
		else
			rm -rf "$_TL_ROOT"
		fi
	fi
	return 0
}

# INT/TERM (e.g. the runner's time limit): report the running test as
# failed, then exit through the EXIT trap (teardown_file, temp dirs).  Uses
# run_tests' counters (dynamic scope).
_tl_on_signal() {
	trap - INT TERM
	if [[ -n $_TL_CUR_TEST ]]; then
		echo "not ok - $_TL_CUR_TEST # interrupted"
		failed=$((failed + 1))
	fi
	if [[ -n ${DD_TEST_COUNTS:-} ]]; then
		echo "passed $passed failed $failed skipped $skipped" >>"$DD_TEST_COUNTS"
	fi
	exit "$1"
}

# _tl_took START: " (N.N s)" since START ($EPOCHREALTIME) when a test took
# a second or more, so slow tests show in every run's TAP output.
_tl_took() {
	local us
	us=$(( (${EPOCHREALTIME/./} - ${1/./}) ))
	((us >= 1000000)) && printf ' (%d.%d s)' $((us / 1000000)) $((us / 100000 % 10))
	return 0
}

# Test functions (t_*) in definition order: those of the test file first.
_tl_list_tests() {
	local fn line file main
	main=$(realpath -- "$0" 2>/dev/null || printf '%s' "$0")
	shopt -s extdebug
	while read -r _ _ fn; do
		[[ $fn == t_* ]] || continue
		read -r _ line file < <(declare -F "$fn")
		if [[ $(realpath -- "$file" 2>/dev/null || printf '%s' "$file") == "$main" ]]; then
			echo "0 $line $fn"
		else
			echo "1 $line $fn"
		fi
	done < <(declare -F)
	shopt -u extdebug
}

# run_tests: run the file's tests; exits with 0 (all passed/skipped) or 1.
run_tests() {
	local -a tests=()
	local fn passed=0 failed=0 skipped=0 rc setup_rc=0 setup_err='' log i t0 took
	set +e +u
	set -o pipefail

	mapfile -t tests < <(_tl_list_tests | sort -k1,1n -k2,2n | cut -d' ' -f3)
	if [[ -n ${DD_TEST_FILTER:-} ]]; then
		for i in "${!tests[@]}"; do
			# shellcheck disable=SC2053  # glob match intended
			[[ ${tests[i]} == $DD_TEST_FILTER ]] || unset 'tests[i]'
		done
		tests=(${tests[@]+"${tests[@]}"})
	fi

	_TL_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/dd-test.XXXXXX") || exit 1
	trap '_tl_teardown' EXIT
	trap '_tl_on_signal 130' INT
	trap '_tl_on_signal 143' TERM

	if declare -F setup_file >/dev/null; then
		# Runs in this shell so its exports reach the tests.  Any failed
		# command inside it counts (ERR trap), as does its return status.
		T=$_TL_ROOT
		log=$_TL_ROOT/setup_file.log
		set -E
		trap '[[ -n $setup_err ]] || setup_err="$BASH_COMMAND (status $?)"' ERR
		setup_file >"$log" 2>&1 </dev/null
		setup_rc=$?
		trap - ERR
		set +E
		cd "$_TL_ROOT" || exit 1
		if ((setup_rc != 0)) || [[ -n $setup_err ]]; then
			echo "# setup_file failed (status $setup_rc; first failed command: ${setup_err:-?}):"
			sed 's/^/#   /' "$log"
			for fn in ${tests[@]+"${tests[@]}"}; do
				echo "not ok - $fn # setup_file failed"
				failed=$((failed + 1))
			done
			tests=()
		fi
	fi

	i=0
	for fn in ${tests[@]+"${tests[@]}"}; do
		i=$((i + 1))
		T=$_TL_ROOT/$i.$fn
		_TL_CUR_TEST=$fn
		mkdir -p "$T"
		log=$_TL_ROOT/$i.$fn.log
		_TL_SKIP_FILE=$_TL_ROOT/$i.$fn.skip
		t0=$EPOCHREALTIME
		# A foreground subshell (a background one would ignore SIGINT, and
		# so would everything it runs).
		(
			trap - EXIT INT TERM
			_TL_TEST_PID=$BASHPID
			set -eEuo pipefail
			trap '_tl_on_err $? "$BASH_COMMAND" "$LINENO"' ERR
			cd "$T"
			"$fn"
		) >"$log" 2>&1 </dev/null
		rc=$?
		took=$(_tl_took "$t0")
		if ((rc == 0)) && [[ -e $_TL_SKIP_FILE ]]; then
			echo "ok - $fn # SKIP $(head -n 1 "$_TL_SKIP_FILE")"
			skipped=$((skipped + 1))
		elif ((rc == 0)); then
			echo "ok - $fn$took"
			passed=$((passed + 1))
			[[ -n ${DD_TEST_VERBOSE:-} && -s $log ]] && sed 's/^/#   /' "$log"
		else
			echo "not ok - $fn$took"
			[[ -s $log ]] && sed 's/^/#   /' "$log"
			[[ -s $log ]] || echo "#   (exit status $rc, no output)"
			failed=$((failed + 1))
		fi
		[[ -n ${DD_KEEP_TMP:-} ]] || rm -rf "$T"
	done
	_TL_CUR_TEST=""

	_tl_teardown
	trap - EXIT INT TERM
	if [[ -n ${DD_TEST_COUNTS:-} ]]; then
		echo "passed $passed failed $failed skipped $skipped" >>"$DD_TEST_COUNTS"
	fi
	((failed == 0)) || exit 1
	exit 0
}

# Every table of a staging file but the two that hold times and server
# identity, each ordered by all its columns, values quoted with their
# SQLite type: what the file holds, whatever order rows were written in.
dump_stage() { # FILE
	local t n cols
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table'
			AND name NOT IN ('dd_meta', 'dd_source') ORDER BY name"); do
		n=$(sqlite3 "$1" "SELECT count(*) FROM pragma_table_info('$t')")
		cols=$(seq -s, 1 "$n")
		echo "== $t"
		sqlite3 -cmd '.mode quote' "$1" "SELECT * FROM \"$t\" ORDER BY $cols"
	done
}
