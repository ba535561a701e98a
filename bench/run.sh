#!/usr/bin/env bash
# make bench: every benchmark, each printing its figures side by side with
# the reference it must beat.  BENCH_ONLY="snapshot changeset" selects.
set -euo pipefail
cd "$(dirname "$0")/.."
gcc -O2 -o build/rss bench/rss.c
for b in ${BENCH_ONLY:-snapshot changeset sqlstep checks push report}; do
	if [[ -x bench/$b.sh ]]; then
		bench/$b.sh
	else
		printf '\n== %s: no benchmark yet\n' "$b"
	fi
done
