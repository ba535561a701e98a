#!/usr/bin/env python3
"""Regenerates tests/unit/fn_text_cases.h from tests/unit/fn_text_cases.txt
by asking a real PostgreSQL 15 server (tests/gen/gen-fn-text-cases.sh starts
one).  Each case is evaluated in two databases, one with LC_COLLATE and
LC_CTYPE "C" and one with "C.UTF-8" (named by the arguments), as

    SELECT (expr) IS NULL, format('%s', (expr))

so the answer is the value's output-function text ("t" for true, "\\x.."
for bytea, char(n) with its padding), NULL, or the error message.

Case file lines:
    PG_EXPR                     the SQLite form is derived: f( -> pg_f(
    PG_EXPR ;; SQLITE_EXPR      both given
    !refuse PG_EXPR ;; SQLITE   drydock refuses it (PostgreSQL's answer is
                                kept for reference)
    # comment
"""
import re
import subprocess
import sys

AUTO = {
    'lower': 'pg_lower', 'upper': 'pg_upper', 'initcap': 'pg_initcap',
    'length': 'pg_length', 'char_length': 'pg_length',
    'character_length': 'pg_length', 'octet_length': 'pg_octet_length',
    'bit_length': 'pg_bit_length', 'substr': 'pg_substr',
    'strpos': 'pg_strpos', 'replace': 'pg_replace',
    'split_part': 'pg_split_part', 'lpad': 'pg_lpad', 'rpad': 'pg_rpad',
    'repeat': 'pg_repeat', 'btrim': 'pg_btrim', 'ltrim': 'pg_ltrim',
    'rtrim': 'pg_rtrim', 'left': 'pg_left', 'right': 'pg_right',
    'reverse': 'pg_reverse', 'concat': 'pg_concat',
    'concat_ws': 'pg_concat_ws', 'format': 'pg_format',
    'quote_ident': 'pg_quote_ident', 'quote_literal': 'pg_quote_literal',
    'quote_nullable': 'pg_quote_nullable', 'md5': 'pg_md5', 'chr': 'pg_chr',
    'ascii': 'pg_ascii', 'starts_with': 'pg_starts_with',
    'translate': 'pg_translate', 'regexp_replace': 'pg_regexp_replace',
    'regexp_match': 'pg_regexp_match',
    'regexp_split_to_array': 'pg_regexp_split_to_array',
    'regexp_like': 'pg_regexp_like', 'regexp_count': 'pg_regexp_count',
    'like_escape': 'pg_like_escape',
    'similar_to_escape': 'pg_similar_to_escape', 'encode': 'pg_encode',
    'decode': 'pg_decode', 'to_hex': 'pg_to_hex32', 'convert_to': 'pg_convert_to',
}


# Functions taking "any" arguments: the compiler appends each one's type
# (pgfn.h, PGFN_ELEMTYPE), written $KIND here; the test substitutes enum
# pgkind values.  Values: integers stay, true/false become 1/0.
ANYFN = {'pg_concat': 0, 'pg_concat_ws': 1, 'pg_format': 1}


def split_args(s):
    args, depth, cur, q = [], 0, '', False
    for ch in s:
        if q:
            cur += ch
            if ch == "'":
                q = False
            continue
        if ch == "'":
            q = True
        elif ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        elif ch == ',' and depth == 0:
            args.append(cur.strip())
            cur = ''
            continue
        cur += ch
    if cur.strip():
        args.append(cur.strip())
    return args


def typed_any(fn, inner):
    args = split_args(inner)
    fixed, rest = args[:ANYFN[fn]], args[ANYFN[fn]:]
    vals, types = [], []
    for a in rest:
        if re.fullmatch(r'-?\d+', a):
            vals.append(a); types.append('$INT4')
        elif re.fullmatch(r'-?\d+\.\d+', a):
            vals.append("'%s'" % a); types.append('$NUMERIC')
        elif a in ('true', 'false'):
            vals.append('1' if a == 'true' else '0'); types.append('$BOOL')
        else:
            vals.append(a); types.append('$TEXT')
    return '%s(%s)' % (fn, ', '.join(fixed + vals + types))


def derive(pg):
    def sub(m):
        return AUTO[m.group(1)] + '('
    pat = r'\b(' + '|'.join(sorted(AUTO, key=len, reverse=True)) + r')\('
    out = re.sub(pat, sub, pg)
    m = re.match(r'^(pg_concat_ws|pg_concat|pg_format)\((.*)\)$', out)
    if m:
        out = typed_any(m.group(1), m.group(2))
    return out


def read_cases(path):
    cases = []
    for ln, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        refuse = 0
        if line.startswith('!refuse '):
            refuse = 1
            line = line[len('!refuse '):]
        if ' ;; ' in line:
            pg, lite = line.split(' ;; ', 1)
        else:
            pg, lite = line, derive(line)
        cases.append((pg.strip(), lite.strip(), refuse))
    return cases


EV = r"""
create or replace function pg_temp.ev(q text) returns text language plpgsql as $f$
declare wasnull bool; v text;
begin
  execute 'select (' || q || ') is null, format(''%s'', (' || q || '))' into wasnull, v;
  if wasnull then return 'N'; end if;
  return 'V:' || v;
exception when others then return 'E:' || sqlerrm;
end $f$;
"""


def evaluate(db, cases):
    sql = ['set client_min_messages = warning;', EV]
    for pg, _, _ in cases:
        if '$c$' in pg:
            sys.exit('case uses $c$: ' + pg)
        sql.append("select encode(convert_to(pg_temp.ev($c$%s$c$), 'UTF8'), 'hex');" % pg)
    out = subprocess.run(['psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db],
                         input='\n'.join(sql) + '\n', capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit('psql failed: ' + out.stderr)
    lines = [l for l in out.stdout.split('\n')]
    # one hex line per case (CREATE FUNCTION and SET print nothing with -q)
    lines = lines[:len(cases)]
    if len(lines) != len(cases):
        sys.exit('psql returned %d lines for %d cases' % (len(lines), len(cases)))
    return [bytes.fromhex(l).decode('utf-8') for l in lines]


def cstr(s):
    out = ['"']
    for ch in s.encode('utf-8'):
        c = chr(ch)
        if c == '"' or c == '\\':
            out.append('\\' + c)
        elif 32 <= ch < 127:
            out.append(c)
        else:
            out.append('\\%03o' % ch)
    out.append('"')
    return ''.join(out)


def main():
    if len(sys.argv) != 5:
        sys.exit('usage: fn_text_cases.py CASES.txt OUT.h DB_C DB_C_UTF8')
    cases = read_cases(sys.argv[1])
    c = evaluate(sys.argv[3], cases)
    u = evaluate(sys.argv[4], cases)
    ver = subprocess.run(['psql', '-X', '-At', '-d', sys.argv[3], '-c', 'show server_version'],
                         capture_output=True, text=True, check=True).stdout.strip()
    with open(sys.argv[2], 'w', encoding='utf-8') as f:
        f.write('/* Generated by tests/gen/gen-fn-text-cases.sh from tests/unit/fn_text_cases.txt:\n')
        f.write(' * the answers of PostgreSQL %s in a C and a C.UTF-8 database.\n' % ver)
        f.write(' * "V:text" a value, "N" NULL, "E:message" an error.  Do not edit. */\n')
        f.write('static const struct text_case text_cases[] = {\n')
        for (pg, lite, refuse), rc, ru in zip(cases, c, u):
            f.write('\t{ %s,\n\t  %s,\n\t  %s, %s, %d },\n' % (cstr(pg), cstr(lite), cstr(rc), cstr(ru), refuse))
        f.write('};\n')
    print('%d cases' % len(cases))


main()
