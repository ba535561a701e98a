# shellcheck shell=bash
# The differential test against PostgreSQL (issue 11): each case of a corpus
# file is applied by PostgreSQL (in a transaction that is rolled back) and by
# drydock (the case as the one step of a plan, run on a snapshot of the same
# database), and the tables are compared row by row.
#
# Source it (tests/e2e/test_pgdiff.sh does), with a server from tests/lib/pg.sh:
#
#   pgdiff_prepare SCHEMA DIR [DB]   database DB (default SCHEMA) from
#                                    tests/pgdiff/SCHEMA.schema.sql, its snapshot
#                                    DIR/stage.db and plan DIR/plan/; DIR/db names DB.
#                                    Corpus runs side by side need a database each:
#                                    sequences are shared by every session.
#   pgdiff_corpus SCHEMA FILE DIR    runs every case of FILE; prints one line per
#                                    case that is not "equal" or "both refuse",
#                                    and the counts as the last line:
#                                    "CORPUS: N equal, N both refuse, N gap, N differ"
#
# A corpus file holds cases separated by blank lines; a case is a step file
# (usually one statement; several statements each end their line with ';').
# Comment lines belong to the case below them.
#
# Outcomes of a case:
#   equal         both ran; every table has the same rows (as COPY text)
#   both refuse   PostgreSQL raised an error, and drydock refused the step at
#                 compile time (FILE:LINE:COL), failed with PostgreSQL's own
#                 message, or (integrity errors, SQLSTATE class 23) its
#                 constraint checks failed
#   gap           PostgreSQL ran it and drydock refused it
#   differ        anything else: different rows, drydock ran what PostgreSQL
#                 refuses, or a different error at run time
#
# Environment: DRYDOCK (the binary), PGDIFF (build/pgdiff, the driver),
# PGDIFF_RENDER (build/pgdiff-render, for the push path).

PGDIFF_DIR=${PGDIFF_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}

_pgdiff_psql() { "$(_pg_psql_bin)" -X -q "$@"; }

# pgdiff_prepare SCHEMA DIR [DB]
pgdiff_prepare() {
	local s=$1 dir=$2 db=${3:-$1} tables t
	mkdir -p "$dir/plan" "$dir/cases"
	printf '%s\n' "$db" >"$dir/db"
	pg_createdb "$db"
	_pgdiff_psql -v ON_ERROR_STOP=1 -d "$db" -f "$PGDIFF_DIR/$s.schema.sql" >/dev/null
	tables=$(_pgdiff_psql -At -d "$db" -c "SELECT string_agg(tablename, ' ' ORDER BY tablename)
		FROM pg_tables WHERE schemaname = 'public'")
	printf '%s\n' "$tables" >"$dir/tables"
	{
		printf '{"name": "pgdiff-%s", "sources": {"db": {"schema": "public", "tables": [' "$s"
		local first=1
		for t in $tables; do
			((first)) || printf ', '
			first=0
			printf '"%s"' "$t"
		done
		printf ']}},\n "steps": [{"name": "case", "sql": "case.sql"}]}\n'
	} >"$dir/plan/plan.json"
	: >"$dir/plan/case.sql"
	# Sequences are not transactional: every case starts from their state now.
	_pgdiff_psql -At -d "$db" -c "SELECT format('SELECT setval(%L, %s, %s);',
		format('%I.%I', schemaname, sequencename), coalesce(last_value, start_value),
		CASE WHEN last_value IS NULL THEN 'false' ELSE 'true' END) FROM pg_sequences" >"$dir/reset-sequences.sql"
	"$DRYDOCK" -q snapshot --plan "$dir/plan" -o "$dir/stage.db" --source "dbname=$db"
}

# _pgdiff_split FILE DIR: DIR/cases/N.sql per case, DIR/index "N LINE".
_pgdiff_split() {
	rm -rf "$2/cases"
	mkdir -p "$2/cases"
	awk -v dir="$2/cases" -v idx="$2/index" '
		function flush() {
			if (buf != "" && stmt) {
				n++
				f = dir "/" n ".sql"
				printf "%s", buf > f
				close(f)
				print n, start > idx
			}
			buf = ""; stmt = 0
		}
		/^[ \t]*$/ { flush(); next }
		{ if (buf == "") start = NR; buf = buf $0 "\n"; if ($0 !~ /^[ \t]*--/) stmt = 1 }
		END { flush(); close(idx) }' "$1"
	[[ -f $2/index ]] || : >"$2/index"
}

# _pgdiff_pg_script SCHEMA DIR: the psql script applying every case.
_pgdiff_pg_script() {
	local dir=$2 n t
	printf '\\pset format unaligned\n\\pset tuples_only on\n'
	printf "SET TimeZone = 'UTC';\nSET DateStyle = 'ISO';\nSET IntervalStyle = 'postgres';\nSET extra_float_digits = 1;\nSET bytea_output = 'hex';\n"
	while read -r n _; do
		cat "$dir/reset-sequences.sql"
		printf '\\echo @@case %s\nBEGIN;\nSELECT now() AS dd_now \\gset\n\\echo @@now :dd_now\n' "$n"
		# each statement (a line ending with ';', and the case's end) is
		# followed by the capture of the first error
		awk '
			function capture() {
				print "\\if :ERROR"
				print "\\if :{?dd_err}"
				print "\\else"
				print "\\set dd_err 1"
				print "\\echo @@error :LAST_ERROR_SQLSTATE :LAST_ERROR_MESSAGE"
				print "\\endif"
				print "\\endif"
			}
			{ print; if ($0 !~ /^[ \t]*--/) last = $0 }
			$0 !~ /^[ \t]*--/ && /;[ \t]*$/ { capture(); pending = 0; next }
			$0 !~ /^[ \t]*--/ { pending = 1 }
			END { if (pending) { print ";"; capture() } }' "$dir/cases/$n.sql"
		printf '\\if :{?dd_err}\n\\else\n'
		for t in $(<"$dir/tables"); do
			printf '\\echo @@table %s\nCOPY \"%s\" TO STDOUT;\n' "$t" "$t"
		done
		printf '\\endif\n\\unset dd_err\n\\echo @@end\nROLLBACK;\n'
	done <"$dir/index"
}

# _pgdiff_pg SCHEMA DIR: DIR/pg/N (sorted rows or "ERROR state message"), DIR/now/N.
_pgdiff_pg() {
	local s=$1 dir=$2
	rm -rf "$dir/pg" "$dir/now"
	mkdir -p "$dir/pg" "$dir/now"
	_pgdiff_pg_script "$s" "$dir" >"$dir/pg.sql"
	_pgdiff_psql -d "$(<"$dir/db")" -f "$dir/pg.sql" >"$dir/pg.out" 2>"$dir/pg.err" || true
	awk -v dir="$dir" '
		/^@@case / { n = $2; out = dir "/pg/" n; printf "" > out; tbl = ""; next }
		/^@@now / { sub(/^@@now /, ""); print > (dir "/now/" n); close(dir "/now/" n); next }
		/^@@error / { sub(/^@@error /, ""); print "ERROR " $0 > out; next }
		/^@@table / { tbl = $2; next }
		/^@@end$/ { close(out); tbl = ""; next }
		tbl != "" { print tbl "\t" $0 > out }' "$dir/pg.out"
}

# pgdiff_corpus SCHEMA FILE DIR: the fast driver (build/pgdiff, C: both
# sides in one process per corpus file) applies every case; the cases
# PostgreSQL refused with an integrity error (class 23) and drydock ran go
# once through `drydock run` with its checks, which must refuse them.
pgdiff_corpus() {
	local s=$1 file=$2 dir=$3 name line rc last equal refuse gap differ
	name=$(basename "$file")
	if ! "$PGDIFF" "dbname=$(<"$dir/db")" "$dir/stage.db" "$file" >"$dir/driver.out" 2>"$dir/driver.err"; then
		echo "$name: the driver failed: $(head -n 3 "$dir/driver.err")"
		echo "$name: 0 equal, 0 both refuse, 0 gap, 1 differ"
		return 0
	fi
	grep -v -e '^CHECK ' "$dir/driver.out" | sed '$d'
	last=$(tail -n 1 "$dir/driver.out")
	equal=$(grep -oE '[0-9]+ equal' <<<"$last" | cut -d' ' -f1)
	refuse=$(grep -oE '[0-9]+ both refuse' <<<"$last" | cut -d' ' -f1)
	gap=$(grep -oE '[0-9]+ gap' <<<"$last" | cut -d' ' -f1)
	differ=$(grep -oE '[0-9]+ differ' <<<"$last" | cut -d' ' -f1)
	while read -r _ line; do
		awk -v from="$line" 'NR >= from { if ($0 ~ /^[ \t]*$/) exit; print }' "$file" >"$dir/plan/case.sql"
		rc=0
		"$DRYDOCK" -q run "$dir/stage.db" --plan "$dir/plan" --seed pgdiff \
			>"$dir/dd.out" 2>"$dir/dd.err" </dev/null || rc=$?
		if ((rc == 1)); then
			refuse=$((refuse + 1))
		else
			differ=$((differ + 1))
			echo "$name:$line: differ: PostgreSQL refuses (integrity), drydock's run and checks pass it (exit $rc)"
			sed 's/^/    | /' "$dir/plan/case.sql"
			grep -m 3 . "$dir/dd.err" | sed 's/^/    /'
		fi
	done < <(grep '^CHECK ' "$dir/driver.out")
	echo "$name: $equal equal, $refuse both refuse, $gap gap, $differ differ"
}

# pgdiff_push SCHEMA FILE DIR: the cases of FILE that PostgreSQL accepts,
# that change rows and that name their construct ("-- construct:"), each pushed with drydock's whole path (run with checks,
# approve, push to database SCHEMA_target, rollback) and compared with
# PostgreSQL's rows as the target holds them after the push; after the
# rollback the target must hold its rows from before.  Prints the cases
# that differ and "FILE (push): N equal, N differ" last.
pgdiff_push() {
	local s=$1 file=$2 dir=$3 name n line rc equal=0 differ=0 db tgt t out
	name=$(basename "$file")
	db=$(<"$dir/db")
	tgt=${db}_target
	_pgdiff_split "$file" "$dir"
	_pgdiff_pg "$s" "$dir"
	_pgdiff_psql -d postgres -c "DROP DATABASE IF EXISTS $tgt" -c "CREATE DATABASE $tgt TEMPLATE $db STRATEGY FILE_COPY" >/dev/null
	_pgdiff_dump "$tgt" "$dir" >"$dir/before.rows"
	while read -r n line; do
		[[ -f $dir/pg/$n && $(head -c 6 "$dir/pg/$n") != "ERROR " ]] || continue
		# the representative subset: the cases that name their construct
		grep -q '^-- construct:' "$dir/cases/$n.sql" || continue
		cp "$dir/cases/$n.sql" "$dir/plan/case.sql"
		out=""
		rc=0
		"$DRYDOCK" -q run "$dir/stage.db" --plan "$dir/plan" --seed pgdiff --clock "$(<"$dir/now/$n")" \
			>"$dir/dd.out" 2>"$dir/dd.err" </dev/null || rc=$?
		if ((rc == 3)) && grep -qE -- '^drydock: error: .*:[0-9]+:[0-9]+: ' "$dir/dd.err"; then
			continue # refused before running: a gap, counted by pgdiff_corpus
		elif ((rc != 0)); then
			out="run failed: $(grep -m 1 . "$dir/dd.err" "$dir/dd.out")"
		elif [[ $(sqlite3 "$dir/stage.db" "SELECT count(*) FROM dd_change") == 0 ]]; then
			continue
		elif ! "$DRYDOCK" -q approve "$dir/stage.db" --by pgdiff >"$dir/dd.out" 2>"$dir/dd.err" ||
			! "$DRYDOCK" -q push "$dir/stage.db" --target "dbname=$tgt" --yes >"$dir/dd.out" 2>"$dir/dd.err"; then
			out="approve or push failed: $(grep -m 1 . "$dir/dd.err" "$dir/dd.out")"
		else
			_pgdiff_dump "$tgt" "$dir" >"$dir/target.rows"
			LC_ALL=C sort "$dir/pg/$n" >"$dir/pg.rows"
			cmp -s "$dir/pg.rows" "$dir/target.rows" || out="pushed rows differ"
			if ! "$DRYDOCK" -q rollback "$dir/stage.db" --target "dbname=$tgt" --yes >"$dir/dd.out" 2>"$dir/dd.err"; then
				out="${out:+$out; }rollback failed: $(grep -m 1 . "$dir/dd.err")"
			elif ! _pgdiff_dump "$tgt" "$dir" | cmp -s - "$dir/before.rows"; then
				out="${out:+$out; }the target differs after rollback"
			fi
		fi
		if [[ -z $out ]]; then
			equal=$((equal + 1))
			continue
		fi
		differ=$((differ + 1))
		echo "$name:$line: push: $out"
		sed 's/^/    | /' "$dir/cases/$n.sql"
		if [[ $out == "pushed rows differ"* ]]; then
			echo "    expected (PostgreSQL) < > actual (target after push):"
			diff "$dir/pg.rows" "$dir/target.rows" | grep '^[<>]' | head -n 20 | sed 's/^/    /'
		fi
		if [[ $out == *"rollback"* ]]; then
			# a target left changed would spoil every later case
			_pgdiff_psql -d postgres -c "DROP DATABASE IF EXISTS $tgt" \
				-c "CREATE DATABASE $tgt TEMPLATE $db STRATEGY FILE_COPY" >/dev/null
		fi
	done <"$dir/index"
	echo "$name (push): $equal equal, $differ differ"
}

# _pgdiff_dump DB DIR: every table of DIR/tables as sorted "table<TAB>row" lines.
_pgdiff_dump() {
	local t
	# one psql for every table (as _pgdiff_pg_script): a marker line names
	# the table whose COPY follows
	for t in $(<"$2/tables"); do
		printf '\\echo @@table %s\nCOPY "%s" TO STDOUT;\n' "$t" "$t"
	done | _pgdiff_psql -d "$1" -c "SET TimeZone = 'UTC'" -c "SET extra_float_digits = 1" -f - |
		awk '/^@@table / { tbl = $2; next } { print tbl "\t" $0 }' | LC_ALL=C sort
}
