#!/usr/bin/env python3
"""
Expected answers for the json, array and range runtime modules, asked of
the real PostgreSQL 15 (see tests/gen/gen-fn-cases.sh, which starts a
throwaway server and runs this with PGHOST/PGPORT set).

Each case is one PostgreSQL expression and the SQLite expression that the
compiler would produce from it over drydock's runtime functions
(src/sql/fn_json.c, fn_array.c, fn_range.c).  Typed arguments are written
once, as T(type, literal): PostgreSQL gets `literal::type`, SQLite gets the
value in drydock's runtime form (PostgreSQL's own text of it, integers and
booleans as SQLite integers), asked of PostgreSQL too, so no expected
value or argument is typed by hand.

Writes tests/unit/fn_<module>_cases.h: {sqlite expression, kind, expected}
with kind 'V' (value; booleans as 1/0), 'N' (NULL) or 'E' (error message).
The SQLite side names types as $INT4, $TEXT|$ARRAY ...: the test replaces
them with enum pgkind values.
"""
import json
import sys
sys.dont_write_bytecode = True
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(HERE, '..', 'unit')

# PostgreSQL type -> (pgkind token, runtime storage: 'int', 'bool' or 'text')
TYPES = {
    'int2': ('INT2', 'int'), 'int4': ('INT4', 'int'), 'int8': ('INT8', 'int'),
    'bool': ('BOOL', 'bool'), 'float4': ('FLOAT4', 'text'), 'float8': ('FLOAT8', 'text'),
    'numeric': ('NUMERIC', 'text'), 'text': ('TEXT', 'text'), 'varchar': ('VARCHAR', 'text'),
    'uuid': ('UUID', 'text'), 'json': ('JSON', 'text'), 'jsonb': ('JSONB', 'text'),
    'date': ('DATE', 'text'), 'time': ('TIME', 'text'), 'timestamp': ('TIMESTAMP', 'text'),
    'timestamptz': ('TIMESTAMPTZ', 'text'), 'interval': ('INTERVAL', 'text'),
    'int4range': ('INT4RANGE', 'text'), 'int8range': ('INT8RANGE', 'text'),
    'numrange': ('NUMRANGE', 'text'), 'daterange': ('DATERANGE', 'text'),
    'tsrange': ('TSRANGE', 'text'), 'tstzrange': ('TSTZRANGE', 'text'),
}


class T:
    """A typed value: literal::type in PostgreSQL, its runtime form in SQLite."""
    def __init__(self, typ, lit):
        self.typ, self.lit = typ, lit
        self.runtime = None

    def base(self):
        return self.typ[:-2] if self.typ.endswith('[]') else self.typ

    def token(self):
        t = '$' + TYPES[self.base()][0]
        return t + '|$ARRAY' if self.typ.endswith('[]') else t

    def pg(self):
        return '%s::%s' % (self.lit, self.typ)


def sqlq(s):
    return "'" + s.replace("'", "''") + "'"


class Case:
    def __init__(self, pg, parts):
        self.pg = pg          # PostgreSQL expression
        self.parts = parts    # SQLite expression: strings and T values

    def sqlite(self):
        out = []
        for p in self.parts:
            if isinstance(p, T):
                out.append(p.runtime)
            else:
                out.append(p)
        return ''.join(out)


CASES = {}


def case(module, pg, *parts):
    CASES.setdefault(module, []).append(Case(pg, list(parts)))


def call(module, pgexpr, fn, *args, types=False):
    """SQLite fn(args...) [+ a type token per T argument when types]."""
    parts = [fn, '(']
    for i, a in enumerate(args):
        if i:
            parts.append(', ')
        parts.append(a)
    if types:
        for a in args:
            parts.append(', ')
            parts.append(a.token() if isinstance(a, T) else '$UNKNOWN')
    parts.append(')')
    case(module, pgexpr, *parts)


def pgof(a):
    return a.pg() if isinstance(a, T) else a


def fcall(module, pgname, fn, *args, types=False):
    call(module, '%s(%s)' % (pgname, ', '.join(pgof(a) for a in args)), fn, *args, types=types)


def opcall(module, op, fn, a, b):
    call(module, '(%s %s %s)' % (pgof(a), op, pgof(b)), fn, a, b)


def psql(sql):
    r = subprocess.run(['psql', '-X', '-At', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres'],
                       input=sql, capture_output=True, text=True)
    if r.returncode:
        sys.exit('psql failed: ' + r.stderr)
    return r.stdout


EVAL = r"""
SET TimeZone = 'UTC';
SET DateStyle = 'ISO';
SET extra_float_digits = 1;
CREATE OR REPLACE FUNCTION pg_temp.ev(q text) RETURNS json LANGUAGE plpgsql AS $f$
DECLARE r text; t text;
BEGIN
  EXECUTE 'SELECT (' || q || ')::text, pg_typeof(' || q || ')::text' INTO r, t;
  IF r IS NULL THEN RETURN json_build_array('N', ''); END IF;
  IF t = 'boolean' THEN r := CASE WHEN r = 'true' THEN '1' ELSE '0' END; END IF;
  RETURN json_build_array('V', r);
EXCEPTION WHEN others THEN
  RETURN json_build_array('E', SQLERRM);
END $f$;
"""


def evaluate(exprs):
    sql = EVAL + "SELECT json_agg(pg_temp.ev(q) ORDER BY n) FROM (VALUES %s) v(n, q);\n" % \
        ', '.join('(%d, %s)' % (i, sqlq(e)) for i, e in enumerate(exprs))
    out = psql(sql).strip().splitlines()[-1]
    return json.loads(out)


def resolve_values():
    vals = {}
    for cases in CASES.values():
        for c in cases:
            for p in c.parts:
                if isinstance(p, T):
                    vals.setdefault((p.typ, p.lit), []).append(p)
    keys = list(vals)
    res = evaluate(['%s::%s' % (lit, typ) for typ, lit in keys])
    for (typ, lit), (kind, text) in zip(keys, res):
        if kind == 'E':
            sys.exit('bad argument %s::%s: %s' % (lit, typ, text))
        storage = 'text' if typ.endswith('[]') else TYPES[typ][1]
        if kind == 'N':
            rt = 'NULL'
        elif storage in ('int', 'bool'):
            rt = text
        else:
            rt = sqlq(text)
        for p in vals[(typ, lit)]:
            p.runtime = rt


def cstr(s):
    out = ['"']
    for ch in s.encode('utf-8'):
        c = chr(ch)
        if c == '"' or c == '\\':
            out.append('\\' + c)
        elif c == '\n':
            out.append('\\n')
        elif c == '\t':
            out.append('\\t')
        elif ch < 0x20 or ch >= 0x7f:
            out.append('\\%03o' % ch)
        else:
            out.append(c)
    out.append('"')
    return ''.join(out)


def write(module, cases, results):
    path = os.path.join(UNIT, 'fn_%s_cases.h' % module)
    with open(path + '.tmp', 'w') as f:
        f.write('/* Generated by tests/gen/fn_cases.py from PostgreSQL %s: do not edit. */\n' % PG_VERSION)
        f.write('static const struct fn_case fn_%s_cases[] = {\n' % module)
        for c, (kind, text) in zip(cases, results):
            f.write('\t{ %s,\n\t  %s, \'%s\', %s },\n' % (cstr(c.pg), cstr(c.sqlite()), kind, cstr(text)))
        f.write('};\n')
    os.rename(path + '.tmp', path)
    print('%s: %d cases' % (path, len(cases)))


# ---------------------------------------------------------------- cases

import fn_cases_json  # noqa: E402
import fn_cases_array  # noqa: E402
import fn_cases_range  # noqa: E402

if __name__ == '__main__':
    sys.path.insert(0, HERE)
    for m in (fn_cases_json, fn_cases_array, fn_cases_range):
        m.define(sys.modules[__name__])
        if hasattr(m, 'define_more'):
            m.define_more(sys.modules[__name__])
    PG_VERSION = psql('SHOW server_version;').strip()
    resolve_values()
    for module, cases in CASES.items():
        write(module, cases, evaluate([c.pg for c in cases]))
