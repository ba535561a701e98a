# shellcheck shell=bash
# Shared pieces of the benchmarks: measure a command's wall time and peak
# RSS (bench/rss, built by `make bench`), print aligned result lines.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
DRYDOCK=${DRYDOCK:-$REPO/build/drydock}
RSS_BIN=${RSS_BIN:-$REPO/build/rss}

# measure OUTVAR_PREFIX CMD...: runs CMD, sets ${PREFIX}_S (seconds) and
# ${PREFIX}_KB (peak RSS in KiB); stdout of CMD goes to /dev/null.
measure() {
	local prefix=$1 line
	shift
	line=$("$RSS_BIN" "$@" 2>&1 >/dev/null | tail -n 1)
	printf -v "${prefix}_S" '%s' "${line% *}"
	printf -v "${prefix}_KB" '%s' "${line#* }"
}

# measure_sh PREFIX 'shell pipeline': the same for a pipeline.
measure_sh() {
	local prefix=$1
	measure "$prefix" bash -c "$2"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == 0) print "n/a"; else printf "%.0f", n / s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

section() { printf '\n== %s\n' "$*"; }
row() { printf '  %-44s %10s s %12s rows/s %9s MB\n' "$1" "$2" "$3" "$4"; }

# items_table DB N: the benchmarks' table of N generated rows in database DB
# (bigint key, an indexed account, text, numeric(12,2), a status and a
# timestamptz), vacuumed and analysed.  Needs a server from tests/lib/pg.sh.
items_table() {
	pg_psql -v ON_ERROR_STOP=1 -d "$1" >/dev/null <<SQL
CREATE TABLE items (
    id bigint PRIMARY KEY,
    account integer NOT NULL,
    name text NOT NULL,
    amount numeric(12,2) NOT NULL,
    status text NOT NULL,
    updated_at timestamptz NOT NULL,
    note text);
INSERT INTO items SELECT g, g % 1000, 'item ' || g, (g % 100000) / 100.0,
    CASE WHEN g % 3 = 0 THEN 'open' ELSE 'closed' END,
    '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second', NULL
FROM generate_series(1, $2) g;
CREATE INDEX items_account ON items (account);
VACUUM ANALYZE items;
SQL
}
