#!/usr/bin/env bash
# make test: every fuzz target, built with a plain driver (make test-asan:
# with ASan + UBSan, FUZZ_DRIVER_DIR=build/asan-fuzz), runs once over its
# hand-made corpus (tests/fuzz/corpus/<target>/); the
# staging-file target also gets damaged copies of a real staging file made
# here (truncated, bytes flipped, versions changed).  Any sanitizer report
# or crash fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${FUZZ_DRIVER_DIR:-build/fuzz}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# damaged staging files
build/drydock -q snapshot --plan examples/avatars --fixture fixtures/avatars -o "$W/s.db"
mkdir -p "$W/stage"
size=$(stat -c %s "$W/s.db")
for cut in 0 1 99 100 4096 16384 32768 $((size / 2)) $((size - 1)); do
	head -c "$cut" "$W/s.db" >"$W/stage/cut_$cut.db"
done
for off in 18 24 60 68 100 16390 40000 $((size / 3)); do
	cp "$W/s.db" "$W/stage/flip_$off.db"
	printf '\xff\xff\xff\xff' | dd of="$W/stage/flip_$off.db" bs=1 seek="$off" conv=notrunc status=none
done
cp "$W/s.db" "$W/stage/newer.db"; sqlite3 "$W/stage/newer.db" "PRAGMA user_version = 7"
cp "$W/s.db" "$W/stage/nocat.db"; sqlite3 "$W/stage/nocat.db" "DROP TABLE dd_column"
cp "$W/s.db" "$W/stage/badjson.db"; sqlite3 "$W/stage/badjson.db" "UPDATE dd_constraint SET columns = '[1,'"
cp "$W/s.db" "$W/stage/valid.db"

status=0
for t in plan fixture rows stage report values sql sqlc; do
	dirs=()
	[[ -d tests/fuzz/corpus/$t ]] && dirs+=("tests/fuzz/corpus/$t")
	[[ $t == stage ]] && dirs+=("$W/stage")
	# each driver's scratch folder (fuzz.h) goes under $W, removed on exit
	if ! TMPDIR=$W "$B/driver_$t" "${dirs[@]}"; then
		echo "fuzz corpus: target $t failed" >&2
		status=1
	fi
done
exit $status
