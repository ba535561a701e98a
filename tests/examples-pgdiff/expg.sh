# shellcheck shell=bash
# The plan-level differential test (issue 11): every example's steps,
# applied by PostgreSQL itself to a copy of the example's database, give the
# rows drydock's run gives on a snapshot of that database.
#
# Source it after tests/lib/testlib.sh and tests/lib/pg.sh (a server from
# pg_start); tests/e2e/test_examples_pgdiff.sh does.
#
#   expg_compare NAME PLAN TARGET=SQLFILE [SOURCE=SQLFILE ...]
#       NAME      a prefix for the databases and files of this comparison
#       PLAN      the example's plan directory
#       TARGET=F  the plan's target source and the SQL file loading it
#       SOURCE=F  every other source of the plan and its SQL file
#     Compares the target's tables and those the plan's schema changes
#     create.  Prints one line per table, "table: N rows equal" or
#     "table: differs" and the differing lines (at most 20 per table);
#     returns 1 when a table differs or a side fails.  Files are left in
#     $PWD/NAME/.
#
# PostgreSQL's side, database NAME_pg (a copy of the loaded target, each
# other source loaded as the schema of its name, so `v1.users` means what
# it means in the plan), in ONE transaction: $EXPG_DIR/NAME.before.sql
# (the plan's schema changes that come before the data, written by hand as
# a PostgreSQL user would; NAME is $EXPG_DDL when set), the step files in
# the plan's order, and NAME.after.sql.  A batched step runs once per batch: the ranges of the
# batch table's primary key (batch.size keys each, in key order) are fixed
# when the step starts, and each batch sees its keys as the table
# dd_batch(key), as drydock does.  $EXPG_PG_EXTRA, when set, is SQL run
# after the steps on this side only (the test that proves a difference is
# caught plants one with it).
#
# drydock's side: snapshot of the loaded databases, `drydock run --seed
# expg --clock T` where T is now() of PostgreSQL's transaction, so every
# now() (in steps and in column defaults) is the same instant on both
# sides; when an error check fails, `drydock check --fix`, and PostgreSQL
# then applies the same fix files in a second transaction; then approve
# and push to the target database that was snapshotted: what production
# would get.
#
# Compared: every table of the target, as sorted COPY text.  UUIDs that
# neither database held before and that the two sides did not both
# compute (gen_random_uuid(): PostgreSQL's are random, drydock's seeded)
# are compared by shape: on each side every such UUID is renamed new-1,
# new-2, ... in the order rows sort with the still-unnamed ones masked
# (expg-relabel.py), by the same rule on both sides.  The results are then
# equal only when one is the other with its new UUIDs renamed one-to-one
# (rows that tie once masked could make equal results look different,
# never the reverse).

EXPG_DIR=${EXPG_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}

_expg_psql() { "$(_pg_psql_bin)" -X -q -v ON_ERROR_STOP=1 "$@"; }

# _expg_plan PLAN WHAT: from plan.json (sqlite3's JSON functions read it)
#   steps    "file batch-table batch-size" per step ("- 0" unbatched)
#   created  the tables create_table schema changes add
#   target   the target source (the only one, or the one marked target)
_expg_plan() {
	local sql
	case $2 in
	steps) sql="SELECT value ->> 'sql', coalesce(value ->> '\$.batch.table', '-'), coalesce(value ->> '\$.batch.size', 0)
		FROM json_each(readfile('$1/plan.json'), '\$.steps') ORDER BY key" ;;
	created) sql="SELECT value ->> 'table' FROM json_each(readfile('$1/plan.json'), '\$.schema_changes')
		WHERE value ->> 'op' = 'create_table'" ;;
	target) sql="SELECT key FROM json_each(readfile('$1/plan.json'), '\$.sources')
		WHERE value ->> 'target' OR (SELECT count(*) FROM json_each(readfile('$1/plan.json'), '\$.sources')) = 1" ;;
	esac
	sqlite3 -batch -noheader -separator ' ' :memory: "$sql"
}

# _expg_step_sql FILE TABLE SIZE DB: the psql lines running one step.
_expg_step_sql() {
	local file=$1 table=$2 size=$3 db=$4 pk type key nmax b
	if [[ $table == - ]]; then
		printf '\\i %s\n' "$file"
		return
	fi
	local rows
	read -r pk rows type < <(_expg_psql -At -F ' ' -d "$db" -c "SELECT quote_ident(a.attname),
			(SELECT count(*) FROM public.$table), format_type(a.atttypid, a.atttypmod)
		FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		WHERE i.indrelid = 'public.$table'::regclass AND i.indisprimary")
	key=$pk
	# drydock orders text keys bytewise (SQLite's BINARY)
	[[ $type == text || $type == character* ]] && key="$pk COLLATE \"C\""
	# as many batch blocks as the table's rows can make now, and a margin;
	# the script fails when the ranges need more
	nmax=$(( (rows + size - 1) / size + 2 ))
	# the keys in order, numbered: batch b is rows (b - 1) * size + 1 ..
	printf 'DROP TABLE IF EXISTS dd_keys;\n'
	printf 'CREATE TEMP TABLE dd_keys AS SELECT %s AS k, row_number() OVER (ORDER BY %s) AS rn FROM public.%s;\n' \
		"$pk" "$key" "$table"
	printf 'SELECT count(*) > %d AS dd_toomany FROM dd_keys \\gset\n' "$((nmax * size))"
	printf '\\if :dd_toomany\n\\echo expg: more batches than planned\nSELECT 1 / 0;\n\\endif\n'
	for ((b = 1; b <= nmax; b++)); do
		printf 'SELECT EXISTS (SELECT 1 FROM dd_keys WHERE rn = %d) AS dd_has \\gset\n' "$(((b - 1) * size + 1))"
		printf '\\if :dd_has\n'
		printf 'DROP TABLE IF EXISTS dd_batch;\n'
		printf 'CREATE TEMP TABLE dd_batch AS SELECT %s AS key FROM public.%s\n' "$pk" "$table"
		printf ' WHERE %s BETWEEN (SELECT k FROM dd_keys WHERE rn = %d)\n' "$key" "$(((b - 1) * size + 1))"
		printf '   AND (SELECT k FROM dd_keys WHERE rn = (SELECT least(%d, max(rn)) FROM dd_keys));\n' "$((b * size))"
		printf '\\i %s\n\\endif\n' "$file"
	done
	printf 'DROP TABLE IF EXISTS dd_batch;\n'
}

# _expg_dump DB TABLE...: "table<TAB>row" lines, sorted.
_expg_dump() {
	local db=$1 t
	local -a args=(-c "SET TimeZone = 'UTC'" -c "SET extra_float_digits = 1")
	shift
	for t in "$@"; do
		args+=(-c "\\echo @@table $t" -c "COPY public.\"$t\" TO STDOUT")
	done
	_expg_psql -d "$db" "${args[@]}" | awk '/^@@table / { t = $2; next } { print t "\t" $0 }' | LC_ALL=C sort
}

# _expg_uuids FILE: the UUIDs in FILE, sorted, once each.
_expg_uuids() {
	grep -oE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$1" | LC_ALL=C sort -u
}

expg_compare() {
	local name=$1 plan=$2 ddl=${EXPG_DDL:-$1} target tfile turl src f w tables t rc=0 n now
	shift 2
	local -a sources=() srcargs=()
	w=$PWD/$name
	rm -rf "$w"
	mkdir -p "$w"
	target=$(_expg_plan "$plan" target)
	for src in "$@"; do
		f=${src#*=}
		src=${src%%=*}
		pg_createdb "${name}_$src"
		_expg_psql -d "${name}_$src" -f "$f" >/dev/null || { echo "$name: cannot load $f"; return 1; }
		if [[ $src == "$target" ]]; then
			tfile=$f
			turl="postgresql://postgres@/${name}_$src?host=$(_pg_uri_escape "$PGHOST")&port=$PGPORT"
		else
			sources+=("$src")
		fi
		srcargs+=(--source "$src=postgresql://postgres@/${name}_$src?host=$(_pg_uri_escape "$PGHOST")&port=$PGPORT")
	done
	[[ -n ${tfile:-} ]] || { echo "$name: no file for the target source '$target'"; return 1; }
	((${#srcargs[@]} == 2)) && srcargs=(--source "${srcargs[1]#*=}")   # one source: no name

	# the UUIDs the databases hold before anything runs (new ones are
	# compared by shape)
	for src in "$target" "${sources[@]}"; do
		# shellcheck disable=SC2046  # one word per table
		_expg_dump "${name}_$src" $(_expg_psql -At -d "${name}_$src" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
	done | grep -oE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' | LC_ALL=C sort -u >"$w/before.uuids"
	# --- PostgreSQL: NAME_pg, every other source as a schema of its name
	# (a source's file is loaded into a fresh schema public, renamed after)
	_expg_psql -d postgres -c "CREATE DATABASE \"${name}_pg\" TEMPLATE \"${name}_$target\" STRATEGY FILE_COPY" >/dev/null
	for src in "${sources[@]}"; do
		f=$(printf '%s\n' "$@" | sed -n "s/^$src=//p")
		if ! _expg_psql -d "${name}_pg" -c "ALTER SCHEMA public RENAME TO expg_target" -c "CREATE SCHEMA public" >/dev/null ||
			! _expg_psql -d "${name}_pg" -f "$f" >/dev/null ||
			! _expg_psql -d "${name}_pg" -c "ALTER SCHEMA public RENAME TO \"$src\"" \
				-c "ALTER SCHEMA expg_target RENAME TO public" >/dev/null; then
			echo "$name: cannot load source $src into ${name}_pg"
			return 1
		fi
	done
	{
		printf "SET TimeZone = 'UTC';\nSET client_min_messages = warning;\nBEGIN;\nSELECT now() AS dd_now \\\\gset\n\\\\echo @@now :dd_now\n"
		[[ -f $EXPG_DIR/$ddl.before.sql ]] && printf '\\i %s\n' "$EXPG_DIR/$ddl.before.sql"
		while read -r f t n; do
			_expg_step_sql "$plan/$f" "$t" "$n" "${name}_pg"
		done < <(_expg_plan "$plan" steps)
		[[ -n ${EXPG_PG_EXTRA:-} ]] && printf '%s\n' "$EXPG_PG_EXTRA"
		[[ -f $EXPG_DIR/$ddl.after.sql ]] && printf '\\i %s\n' "$EXPG_DIR/$ddl.after.sql"
		printf 'COMMIT;\n'
	} >"$w/pg.sql"
	if ! _expg_psql -d "${name}_pg" -f "$w/pg.sql" >"$w/pg.out" 2>"$w/pg.err"; then
		echo "$name: PostgreSQL refused the steps: $(grep -m 3 . "$w/pg.err")"
		return 1
	fi
	now=$(sed -n 's/^@@now //p' "$w/pg.out")

	# --- drydock: snapshot, run at PostgreSQL's now(), render
	"$DRYDOCK" -q snapshot --plan "$plan" "${srcargs[@]}" -o "$w/stage.db" >"$w/dd.out" 2>"$w/dd.err" ||
		{ echo "$name: drydock snapshot failed: $(grep -m 3 . "$w/dd.err")"; return 1; }
	"$DRYDOCK" -q run "$w/stage.db" --plan "$plan" --seed expg --clock "$now" >"$w/dd.out" 2>"$w/dd.err" || rc=$?
	if ((rc > 1)); then
		echo "$name: drydock run failed (exit $rc): $(grep -m 3 . "$w/dd.err")"
		return 1
	fi
	# a failed error check blocks approval: the plan's fixes decide, on
	# both sides (PostgreSQL applies the fix files drydock applied)
	if ((rc == 1)); then
		"$DRYDOCK" -q check "$w/stage.db" --fix >"$w/dd.out" 2>"$w/dd.err" ||
			{ echo "$name: drydock check --fix failed: $(grep -m 3 . "$w/dd.err" "$w/dd.out")"; return 1; }
		sqlite3 "$w/stage.db" "SELECT substr(message, 10, instr(message, ' (') - 10) FROM dd_check_result
			WHERE check_run = (SELECT max(check_run) FROM dd_check_result) AND status = 'fixed'
			ORDER BY seq" >"$w/fixes"
		{
			printf "SET TimeZone = 'UTC';\nSET client_min_messages = warning;\nBEGIN;\n"
			while read -r f; do printf '\\i %s/%s\n' "$plan" "$f"; done <"$w/fixes"
			printf 'COMMIT;\n'
		} >"$w/pg-fix.sql"
		_expg_psql -d "${name}_pg" -f "$w/pg-fix.sql" >>"$w/pg.out" 2>"$w/pg.err" ||
			{ echo "$name: PostgreSQL refused the fixes: $(grep -m 3 . "$w/pg.err")"; return 1; }
		echo "fixes applied on both sides: $(paste -sd ' ' "$w/fixes")"
	fi
	rc=0
	# what production gets: approve and push to the database snapshotted
	if ! "$DRYDOCK" -q approve "$w/stage.db" --by expg >"$w/dd.out" 2>"$w/dd.err" ||
		! "$DRYDOCK" -q push "$w/stage.db" --target "$turl" --yes >"$w/dd.out" 2>"$w/dd.err"; then
		echo "$name: drydock approve or push failed: $(grep -m 3 . "$w/dd.err" "$w/dd.out")"
		return 1
	fi

	# --- compare every table of the target (drydock's scratch tables and
	# PostgreSQL's tables the steps created are not part of the target)
	tables=$( (sqlite3 "$w/stage.db" "SELECT t.name FROM dd_table t JOIN dd_source s ON s.name = t.source
		WHERE s.is_target"; _expg_plan "$plan" created) | LC_ALL=C sort -u)
	[[ -n $tables ]] || { echo "$name: no target table in the staging file"; return 1; }
	# shellcheck disable=SC2086  # one word per table
	_expg_dump "${name}_pg" $tables >"$w/pg.rows"
	# shellcheck disable=SC2086
	_expg_dump "${name}_$target" $tables >"$w/dd.rows"
	# new UUIDs by shape; those both sides computed alike (uuid_generate_v5 of the same
	# name): compared by value too; a random one cannot be on both sides
	cat "$w/before.uuids" <(comm -12 <(_expg_uuids "$w/pg.rows") <(_expg_uuids "$w/dd.rows")) |
		LC_ALL=C sort -u >"$w/known.uuids"
	python3 "$EXPG_DIR/expg-relabel.py" "$w/known.uuids" "$w/pg.rows" "$w/pg.cmp" "$w/dd.rows" "$w/dd.cmp"
	for t in $tables; do
		if diff <(grep "^$t	" "$w/pg.cmp") <(grep "^$t	" "$w/dd.cmp") >"$w/$t.diff"; then
			echo "$t: $(grep -c "^$t	" "$w/pg.cmp") rows equal"
		else
			rc=1
			echo "$t: differs (< PostgreSQL, > drydock)"
			grep '^[<>]' "$w/$t.diff" | head -n 20 | cut -c1-300 | sed 's/^/    /'
		fi
	done
	return $rc
}
