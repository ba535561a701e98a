#!/usr/bin/env bash
# Regenerates src/sql/pgfn_volatility.c: the volatility (pg_proc.provolatile)
# of every registry signature that is not immutable, as a PostgreSQL 15
# server reports it.  The compiler folds an immutable call over constants
# at compile time, as PostgreSQL's planner does (eval_const_expressions),
# and leaves stable and volatile ones to run time.
#
#   tests/gen/gen-volatility.sh [OUT]     (default src/sql/pgfn_volatility.c)
#
# Needs build/pgfn-dump (make build/pgfn-dump).  Uses the server of
# $DD_PG_URL when set, else starts a throwaway one (tests/lib/pg.sh).
# tests/e2e/test_volatility.sh runs it and fails when the file is stale.
#
# How a signature finds its pg_proc row:
#   function   name(args); for a variadic one name(..., last[]); with a
#              defaulted trailing boolean (jsonb_set); with polymorphic
#              types as PostgreSQL 15 declares them (anycompatible...,
#              anyrange, anynonarray); else the one volatility of every
#              function of that name and number of arguments
#              (convert_to(text, name)); PGFN_VOLATILE ones are volatile
#   operator   pg_operator.oprcode of the operator over those types
#   cast       pg_cast.castfunc; binary-coercible: immutable; I/O
#              conversion (castmethod 'i' or no pg_cast row): the
#              stricter of the source's output and the target's input
#              function, as CoerceViaIO folds only when both are immutable;
#              array to array: its element cast's (ArrayCoerceExpr)
#   current_date, current_timestamp, localtime...: SQL value functions,
#              which the planner never folds: stable
#   any, all, array, [], [:]: the compiler's names for ScalarArrayOpExpr,
#              ArrayExpr and SubscriptingRef, which fold when their
#              inputs are constants: immutable
# Aggregates, window and set-returning functions are never folded.
# A signature none of this resolves fails the script.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$repo/src/sql/pgfn_volatility.c}
dump=$repo/build/pgfn-dump
[[ -x $dump ]] || { echo "gen-volatility: build $dump first (make build/pgfn-dump)" >&2; exit 2; }
if [[ -z ${DD_PG_URL:-} ]]; then
	source "$repo/tests/lib/pg.sh"
	pg_start
	pg_trap
fi
psql_bin=psql
[[ -x /usr/lib/postgresql/15/bin/psql ]] && psql_bin=/usr/lib/postgresql/15/bin/psql
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$dump" >"$tmp/sigs.tsv"
"$psql_bin" -X -q -v ON_ERROR_STOP=1 -d "$DD_PG_URL" >"$tmp/vol.tsv" <<SQL
CREATE TEMP TABLE sig (kind text, name text, args text, ret text, fn text, flags int, c text);
\copy sig FROM '$tmp/sigs.tsv'
CREATE FUNCTION pg_temp.fvol(sig text) RETURNS text LANGUAGE plpgsql AS \$\$
BEGIN RETURN (SELECT provolatile::text FROM pg_proc WHERE oid = to_regprocedure(sig));
EXCEPTION WHEN others THEN RETURN NULL; END \$\$;
CREATE FUNCTION pg_temp.ovol(sig text) RETURNS text LANGUAGE plpgsql AS \$\$
BEGIN RETURN (SELECT provolatile::text FROM pg_proc p JOIN pg_operator o ON o.oprcode = p.oid
              WHERE o.oid = to_regoperator(sig));
EXCEPTION WHEN others THEN RETURN NULL; END \$\$;
CREATE FUNCTION pg_temp.iovol(s regtype, t regtype) RETURNS text LANGUAGE sql AS \$\$
SELECT greatest(po.provolatile, pi.provolatile)::text FROM pg_type ts, pg_type tt, pg_proc po, pg_proc pi
WHERE ts.oid = s AND tt.oid = t AND po.oid = ts.typoutput AND pi.oid = tt.typinput \$\$;
-- the argument list with PostgreSQL 15's polymorphic declarations
CREATE FUNCTION pg_temp.poly(args text) RETURNS text LANGUAGE sql AS \$\$
SELECT CASE WHEN args ~ '(int4|int8|num|date|ts|tstz)range'
            THEN (SELECT string_agg(CASE WHEN a ~ 'range\$' THEN 'anyrange' ELSE 'anyelement' END, ',' ORDER BY n)
                  FROM unnest(string_to_array(args, ',')) WITH ORDINALITY u(a, n))
            ELSE replace(replace(replace(args, 'anyelement', 'anycompatible'), 'anyarray', 'anycompatiblearray'),
                         '"any"', 'anynonarray') END \$\$;
CREATE FUNCTION pg_temp.vol(kind text, name text, args text, ret text, flags int) RETURNS text LANGUAGE sql AS \$\$
SELECT CASE
 WHEN flags & 2 <> 0 THEN 'v'
 WHEN name IN ('current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp') THEN 's'
 WHEN name IN ('any', 'all', 'array', '[]', '[:]') THEN 'i'
 WHEN kind = 'func' THEN coalesce(
   pg_temp.fvol(format('%s(%s)', quote_ident(name), args)),
   pg_temp.fvol(format('%s(%s)', quote_ident(name), regexp_replace(args, '([^,]+)\$',
        CASE WHEN args ~ '"any"\$' THEN '\1' WHEN args ~ 'anyelement\$' THEN 'anyarray' ELSE '\1[]' END))),
   pg_temp.fvol(format('%s(%s,boolean)', quote_ident(name), args)),
   pg_temp.fvol(format('%s(%s)', quote_ident(name), pg_temp.poly(args))),
   (SELECT min(provolatile::text) FROM pg_proc WHERE proname = name
      AND pronargs = coalesce(array_length(string_to_array(args, ','), 1), 0)
    HAVING count(DISTINCT provolatile) = 1))
 WHEN kind = 'op' THEN coalesce(
   pg_temp.ovol(format('%s(%s)', name, CASE WHEN args LIKE '%,%' THEN args ELSE 'NONE,' || args END)),
   pg_temp.ovol(format('%s(%s)', name, CASE WHEN args LIKE '%,%' THEN pg_temp.poly(args) ELSE 'NONE,' || pg_temp.poly(args) END)))
 WHEN kind = 'cast' AND args LIKE '%[]' AND ret LIKE '%[]' THEN pg_temp.vol(kind, name, left(args, -2), left(ret, -2), flags)
 WHEN kind = 'cast' THEN coalesce(
   (SELECT CASE c.castmethod WHEN 'b' THEN 'i' WHEN 'f' THEN (SELECT provolatile::text FROM pg_proc WHERE oid = c.castfunc)
           ELSE pg_temp.iovol(c.castsource, c.casttarget) END
    FROM pg_cast c WHERE c.castsource = to_regtype(args) AND c.casttarget = to_regtype(ret)),
   pg_temp.iovol(to_regtype(args), to_regtype(ret)))
 END \$\$;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
\pset format unaligned
\pset tuples_only on
\pset fieldsep '\t'
SELECT kind, name, args, c, coalesce(pg_temp.vol(kind, name, args, ret, flags), '?'), ret
FROM sig WHERE kind IN ('func', 'op', 'cast');
SQL
if awk -F'\t' '$5 == "?"' "$tmp/vol.tsv" | grep -q .; then
	echo "gen-volatility: no pg_proc row found for:" >&2
	awk -F'\t' '$5 == "?" { print "  " $1 " " $2 "(" $3 ")" }' "$tmp/vol.tsv" >&2
	exit 1
fi
{
	cat <<'HEAD'
/*
 * Generated by tests/gen/gen-volatility.sh from a PostgreSQL 15 server's
 * pg_proc: every registry signature that is not immutable, with its
 * provolatile.  Do not edit; regenerate after adding signatures
 * (tests/e2e/test_volatility.sh fails when this file is stale).
 */
#include "pgfn.h"

const struct pgfn_volatility pgfn_volatilities[] = {
HEAD
	awk -F'\t' '$5 != "i" {
		what = $1 == "cast" ? $3 " -> " $6 : $2 "(" $3 ")"
		printf "\t{ %s, '"'"'%s'"'"' }, /* %s %s */\n", $4, $5, $1, what }' "$tmp/vol.tsv" | LC_ALL=C sort
	printf '};\nconst int pgfn_nvolatilities = (int)(sizeof(pgfn_volatilities) / sizeof(pgfn_volatilities[0]));\n'
} >"$out.tmp"
mv "$out.tmp" "$out"
