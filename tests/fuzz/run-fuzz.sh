#!/usr/bin/env bash
# make fuzz: each libFuzzer target for N seconds, starting from (a copy of)
# its hand-made corpus; new crashing inputs land in build/fuzz/crash-*.
# Prints per target how many inputs ran; exits non-zero on any crash.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=$1
shift
status=0
for t in "$@"; do
	work=build/fuzz/corpus_$t
	mkdir -p "$work"
	[[ -d tests/fuzz/corpus/$t ]] && cp -n tests/fuzz/corpus/$t/* "$work"/ 2>/dev/null || true
	log=build/fuzz/$t.log
	if build/fuzz/lf_"$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -close_fd_mask=2 \
		-artifact_prefix=build/fuzz/crash-"$t"- "$work" >"$log" 2>&1; then
		runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*' || true)
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
		echo "fuzz $t: ${runs:-?} inputs in ${secs}s, coverage ${cov:-?} edges, no crash"
	else
		echo "fuzz $t: CRASH — see $log and build/fuzz/crash-$t-*"
		status=1
	fi
done
exit $status
