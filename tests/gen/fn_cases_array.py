"""array cases for fn_cases.py."""


def define(g):
    T, case, fcall, call = g.T, g.case, g.fcall, g.call
    M = 'array'

    def arr(typ, lit):
        return T(typ + '[]', lit)

    def k(typ):
        return '$' + g.TYPES[typ][0]

    def kcall(pgexpr, fn, *args, typ):
        """fn(args..., kind of typ)"""
        parts = [fn, '(']
        for i, a in enumerate(args):
            if i:
                parts.append(', ')
            parts.append(a)
        parts.append(', ' + k(typ) + ')')
        case(M, pgexpr, *parts)

    def pg(a):
        return a.pg() if isinstance(a, T) else a

    # input: PostgreSQL's quoting and each element type's input
    inputs = {
        'int4': ["'{1,2,3}'", "'{}'", "'{ 1 , -2 ,+3}'", "'{{1,2},{3,4}}'", "'{1,NULL,null}'", "'{1,x}'",
                 "'{2147483648}'", "'{1,{2}}'", "'{1'", "'{1}x'", "'[0:1]={1,2}'", "'[1:3]={1,2}'",
                 "'{{1},{2,3}}'", "'1,2'", "'{\"1\"}'", "'{}}'", "'{,}'", "'{1,}'"],
        'int8': ["'{9223372036854775807,-9223372036854775808}'", "'{9223372036854775808}'"],
        'int2': ["'{32767}'", "'{32768}'"],
        'text': ["'{a,b}'", "'{\"a b\",\"\",\" x\",\"NULL\",NULL,\"q\\\"\",\"\\\\\\\\\"}'",
                 "'{ a , b c }'", "'{a\\\\,b}'", "'{\"{}\",\",\"}'", "'{é,\"ü ß\"}'", "'{\"a\"b}'",
                 "'{{a,b},{c,d}}'", "'{\"\\\\\"\"}'", "'{a\tb}'"],
        'numeric': ["'{1.50,2,-0.0,1e2,.5,5.,+3}'", "'{NaN,Infinity,-Infinity}'", "'{x}'", "'{1e-3}'", "'{007.10}'"],
        'bool': ["'{t,f,true,FALSE,yes,no,on,off,1,0}'", "'{maybe}'", "'{ t }'"],
        'uuid': ["'{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11,a0eebc999c0b4ef8bb6d6bb9bd380a11}'",
                 "'{\"{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}\"}'", "'{xyz}'"],
        'jsonb': ["'{\"{\\\"b\\\":1,\\\"a\\\":2}\",null,\"[1, 2.50]\"}'", "'{\"{bad\"}'"],
        'date': ["'{2020-06-01,2020-6-1,1999-12-31}'", "'{2020-02-30}'", "'{infinity,-infinity}'"],
        'timestamp': ["'{\"2020-06-01 12:00\",\"2020-06-01T12:00:00.500\",2020-06-01}'", "'{\"2020-06-01 25:00\"}'"],
        'timestamptz': ["'{\"2020-06-01 12:00:00+02\",\"2020-06-01 00:30-01:30\",\"2020-06-01 12:00Z\",2020-06-01}'"],
        'float8': ["'{1.5,1e20,NaN}'"],
        'varchar': ["'{a,b}'"],
    }
    for typ, lits in inputs.items():
        for lit in lits:
            kcall('%s::%s[]::text' % (lit, typ), 'pg_array_in', lit, typ=typ)

    # ARRAY[...]
    ctors = [
        ('int4', ['1', '2', 'NULL']), ('text', ["'a b'", "''", "'NULL'", 'NULL', "'x\"y'", "'\\\\'"]),
        ('numeric', ['1.50', '2']), ('bool', ['true', 'false', 'NULL']), ('jsonb', ["'{\"a\":1}'", "'[]'"]),
        ('date', ["'2020-06-01'"]), ('timestamptz', ["'2020-06-01 12:00:00+00'"]), ('int8', ['-5']),
        ('uuid', ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"]),
    ]
    for typ, els in ctors:
        vals = [T(typ, e) for e in els]
        kcall('ARRAY[%s]::text' % ', '.join(v.pg() for v in vals), 'pg_array', *vals, typ=typ)
    kcall("ARRAY[ARRAY[1,2], ARRAY[3,4]]::text", 'pg_array_nest', arr('int4', "'{1,2}'"), arr('int4', "'{3,4}'"), typ='int4')
    kcall("ARRAY[ARRAY[1,2], ARRAY[3]]::text", 'pg_array_nest', arr('int4', "'{1,2}'"), arr('int4', "'{3}'"), typ='int4')

    # = ANY / op ALL
    anys = [
        ('int4', ['1', '3', 'NULL'], ["'{1,2}'", "'{}'", "'{NULL,1}'", "'{NULL,2}'", "NULL", "'{{1,2},{3,4}}'"]),
        ('numeric', ['1.0', '2.50', '10'], ["'{1,2.5}'", "'{9.99,29.99}'"]),
        ('text', ["'a'", "'B'", "''"], ["'{a,b}'", "'{\"\",NULL}'", "'{A,b}'"]),
        ('date', ["'2020-01-02'"], ["'{2020-01-01,2020-01-02}'", "'{2019-12-31}'"]),
        ('timestamptz', ["'2020-01-01 00:00:00+00'"], ["'{\"2020-01-01 01:00:00+01\"}'", "'{\"2020-01-01 00:00:00.5+00\"}'"]),
        ('bool', ['true'], ["'{f,NULL}'", "'{t}'"]),
        ('jsonb', ["'{\"a\":1.0}'"], ["'{\"{\\\"a\\\": 1}\"}'", "'{\"[]\"}'"]),
        ('uuid', ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"], ["'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'"]),
        ('float8', ["'NaN'", '1'], ["'{NaN,1.0}'", "'{2}'"]),
    ]
    for typ, xs, arrs in anys:
        for x in xs:
            for a in arrs:
                X, A = T(typ, x), arr(typ, a)
                for op in ['=', '<>', '<', '>=']:
                    case(M, '(%s %s ANY(%s))' % (X.pg(), op, A.pg()),
                         'pg_array_any(', X, ', ', A, ", '%s', %s)" % (op, k(typ)))
                    case(M, '(%s %s ALL(%s))' % (X.pg(), op, A.pg()),
                         'pg_array_all(', X, ', ', A, ", '%s', %s)" % (op, k(typ)))

    # append, prepend, cat, ||
    for typ, a, e in [('int4', "'{1,2}'", '3'), ('int4', "'{}'", '1'), ('int4', 'NULL', '1'), ('int4', "'{1}'", 'NULL'),
                      ('text', "'{a,\"b c\"}'", "'d e'"), ('numeric', "'{1.50}'", '2.0'), ('int4', "'{{1,2}}'", '3'),
                      ('int4', "'[0:1]={1,2}'", '3'), ('bool', "'{t}'", 'false'), ('jsonb', "'{}'", "'{\"a\":1}'")]:
        A, E = arr(typ, a), T(typ, e)
        kcall('array_append(%s, %s)::text' % (A.pg(), E.pg()), 'pg_array_append', A, E, typ=typ)
        kcall('array_prepend(%s, %s)::text' % (E.pg(), A.pg()), 'pg_array_prepend', E, A, typ=typ)
    cats = ["'{1,2}'", "'{}'", 'NULL', "'{{1,2},{3,4}}'", "'{3,4}'", "'{5}'", "'{{5,6}}'", "'[0:1]={7,8}'"]
    for a in cats:
        for b in cats:
            A, B = arr('int4', a), arr('int4', b)
            kcall('array_cat(%s, %s)::text' % (A.pg(), B.pg()), 'pg_array_cat', A, B, typ='int4')

    # remove, replace, position(s)
    for typ, a, e in [('int4', "'{1,2,1,NULL}'", '1'), ('int4', "'{1,2,1,NULL}'", 'NULL'), ('int4', "'{}'", '1'),
                      ('int4', "'{{1,2}}'", '1'), ('numeric', "'{1.0,1,2}'", '1.00'), ('text', "'{a,b,a}'", "'a'"),
                      ('int4', 'NULL', '1'), ('int4', "'[0:2]={5,6,5}'", '5')]:
        A, E = arr(typ, a), T(typ, e)
        kcall('array_remove(%s, %s)::text' % (A.pg(), E.pg()), 'pg_array_remove', A, E, typ=typ)
        kcall('array_replace(%s, %s, %s)::text' % (A.pg(), E.pg(), T(typ, 'NULL').pg()), 'pg_array_replace', A, E, T(typ, 'NULL'), typ=typ)
        kcall('array_position(%s, %s)::text' % (A.pg(), E.pg()), 'pg_array_position', A, E, typ=typ)
        kcall('array_position(%s, %s, 2)::text' % (A.pg(), E.pg()), 'pg_array_position', A, E, T('int4', '2'), typ=typ)
        kcall('array_positions(%s, %s)::text' % (A.pg(), E.pg()), 'pg_array_positions', A, E, typ=typ)

    # @> <@ &&
    sets = ["'{1,2,3}'", "'{3,1}'", "'{}'", "'{NULL}'", "'{1,NULL}'", "'{4}'", "'{{1,2},{3,4}}'", "'{1,1,1}'"]
    for a in sets:
        for b in sets:
            A, B = arr('int4', a), arr('int4', b)
            kcall('(%s @> %s)' % (A.pg(), B.pg()), 'pg_array_contains', A, B, typ='int4')
            kcall('(%s <@ %s)' % (A.pg(), B.pg()), 'pg_array_contained', A, B, typ='int4')
            kcall('(%s && %s)' % (A.pg(), B.pg()), 'pg_array_overlap', A, B, typ='int4')
    for a, b in [("'{1.0,2}'", "'{1}'"), ("'{2.50}'", "'{2.5,3}'")]:
        A, B = arr('numeric', a), arr('numeric', b)
        kcall('(%s @> %s)' % (A.pg(), B.pg()), 'pg_array_contains', A, B, typ='numeric')
        kcall('(%s && %s)' % (A.pg(), B.pg()), 'pg_array_overlap', A, B, typ='numeric')

    # shape
    for a in ["'{1,2,3}'", "'{}'", "'{{1,2},{3,4},{5,6}}'", "'[0:2]={1,2,3}'", "'{NULL}'", 'NULL']:
        A = arr('int4', a)
        for d in ['1', '2', '0', '3']:
            fcall(M, 'array_length', 'pg_array_length', A, T('int4', d))
            fcall(M, 'array_lower', 'pg_array_lower', A, T('int4', d))
            fcall(M, 'array_upper', 'pg_array_upper', A, T('int4', d))
        fcall(M, 'cardinality', 'pg_cardinality', A)
        fcall(M, 'array_ndims', 'pg_array_ndims', A)
        fcall(M, 'array_dims', 'pg_array_dims', A)
    # subscripts and slices
    for typ, a in [('int4', "'{10,20,30}'"), ('text', "'{a,\"b c\",NULL}'"), ('int4', "'[0:2]={1,2,3}'"),
                   ('bool', "'{t,f}'"), ('numeric', "'{1.50}'"), ('int4', "'{}'")]:
        A = arr(typ, a)
        for i in ['0', '1', '2', '3', '-1', 'NULL']:
            case(M, '(%s)[%s]' % (A.pg(), i), 'pg_array_subscript(', A, ', %s, %s)' % (i, k(typ)))
        for lo, hi in [('1', '2'), ('2', 'NULL'), ('NULL', '1'), ('0', '9'), ('3', '1')]:
            pglo = '' if lo == 'NULL' else lo
            pghi = '' if hi == 'NULL' else hi
            case(M, '(%s)[%s:%s]::text' % (A.pg(), pglo, pghi), 'pg_array_slice(', A, ', %s, %s)' % (lo, hi))
    M2 = arr('int4', "'{{1,2},{3,4}}'")
    for i, j in [('1', '1'), ('2', '1'), ('2', '2'), ('3', '1'), ('1', '3')]:
        case(M, '(%s)[%s][%s]::text' % (M2.pg(), i, j), 'pg_array_subscript(', M2, ', %s, %s, $INT4)' % (i, j))
    case(M, '(%s)[1]::text' % M2.pg(), 'pg_array_subscript(', M2, ', 1, $INT4)')

    # array_to_string, string_to_array
    for typ, a in [('int4', "'{1,NULL,3}'"), ('text', "'{a,\"b,c\",NULL}'"), ('bool', "'{t,f}'"), ('int4', "'{}'"),
                   ('int4', "'{{1,2},{3,4}}'"), ('numeric', "'{1.50,NaN}'")]:
        A = arr(typ, a)
        fcall(M, 'array_to_string', 'pg_array_to_string', A, T('text', "', '"))
        fcall(M, 'array_to_string', 'pg_array_to_string', A, T('text', "'-'"), T('text', "'*'"))
        fcall(M, 'array_to_string', 'pg_array_to_string', A, T('text', "'-'"), T('text', 'NULL'))
    for s in ["'a,b,,c'", "''", "'abc'", "'é,ü'", "',,'", 'NULL', "'a, b'"]:
        for d in ["','", "''", 'NULL', "', '", "'b'"]:
            fcall(M, 'string_to_array', 'pg_string_to_array', T('text', s), T('text', d))
        fcall(M, 'string_to_array', 'pg_string_to_array', T('text', s), T('text', "','"), T('text', "''"))
        fcall(M, 'string_to_array', 'pg_string_to_array', T('text', s), T('text', "','"), T('text', "'b'"))

    # array_agg, unnest
    case(M, "(SELECT array_agg(x) FROM (VALUES (3),(1),(NULL::int),(2)) v(x))::text",
         "(SELECT pg_array_agg(column1, $INT4) FROM (VALUES (3),(1),(NULL),(2)))")
    case(M, "(SELECT array_agg(x) FROM (VALUES ('a b'),(''),(NULL),('\"')) v(x))::text",
         "(SELECT pg_array_agg(column1, $TEXT) FROM (VALUES ('a b'),(''),(NULL),('\"')))")
    case(M, "(SELECT array_agg(x) FROM (VALUES (true),(false)) v(x))::text",
         "(SELECT pg_array_agg(column1, $BOOL) FROM (VALUES (1),(0)))")
    case(M, "(SELECT array_agg(x) FROM (SELECT 1 AS x WHERE false) v)::text",
         "(SELECT pg_array_agg(column1, $INT4) FROM (SELECT 1 AS column1 WHERE 0))")
    for typ, a in [('int4', "'{3,1,NULL,2}'"), ('text', "'{a,\"b c\",NULL}'"), ('int4', "'{}'"), ('int4', "'{{1,2},{3,4}}'"),
                   ('numeric', "'{1.50,2}'"), ('int4', 'NULL')]:
        A = arr(typ, a)
        case(M, "(SELECT count(*) || ':' || coalesce(string_agg(coalesce(u::text, '~'), '|'), '') FROM unnest(%s) u)" % A.pg(),
             "(SELECT count(*) || ':' || coalesce(group_concat(coalesce(unnest, '~'), '|'), '') FROM pg_unnest(", A, ", %s))" % k(typ))
    case(M, "(SELECT count(*) FILTER (WHERE u) FROM unnest('{t,f,t,NULL}'::bool[]) u)",
         "(SELECT sum(unnest) FROM pg_unnest('{t,f,t,NULL}', $BOOL))")
    # unnest gives runtime values: integers are integers
    case(M, "(SELECT sum(u) FROM unnest('{1,2,3}'::int[]) u)", "(SELECT sum(unnest) FROM pg_unnest('{1,2,3}', $INT4))")

    # order: comparisons through the element collation
    ordv = {
        'int4': ["'{}'", "'{1}'", "'{2}'", "'{10}'", "'{1,2}'", "'{1,NULL}'", "'{NULL}'", "'{{1,2}}'", "'[0:0]={1}'", "'{-1}'"],
        'numeric': ["'{1.0}'", "'{1}'", "'{9.99}'", "'{29.99}'", "'{NaN}'"],
        'text': ["'{a}'", "'{B}'", "'{\"\"}'", "'{a,b}'", "'{ab}'"],
    }
    for typ, vals in ordv.items():
        coll = {'int4': 'pg_array_int4', 'numeric': 'pg_array_numeric', 'text': 'pg_array_text'}[typ]
        for a in vals:
            for b in vals:
                A, B = arr(typ, a), arr(typ, b)
                case(M, "(CASE WHEN %s < %s THEN -1 WHEN %s = %s THEN 0 ELSE 1 END)" % (A.pg(), B.pg(), A.pg(), B.pg()),
                     "(CASE WHEN ", A, " < ", B, " COLLATE %s THEN -1 WHEN " % coll, A, " = ", B, " COLLATE %s THEN 0 ELSE 1 END)" % coll)


def define_more(g):
    """Window aggregates and WITH ORDINALITY."""
    case = g.case
    M = 'array'
    for fr in ['ROWS BETWEEN 1 PRECEDING AND CURRENT ROW', 'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING',
               'ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING']:
        case(M, "(SELECT string_agg(coalesce(w::text, '~'), '|' ORDER BY i) FROM (SELECT i, array_agg(x) OVER (ORDER BY i %s) w "
                "FROM (VALUES (1, 'a b'), (2, NULL), (3, 'c')) v(i, x)) s)" % fr,
             "(SELECT group_concat(coalesce(w, '~'), '|') FROM (SELECT column1 AS i, pg_array_agg(column2, $TEXT) OVER (ORDER BY column1 %s) w "
             "FROM (VALUES (1, 'a b'), (2, NULL), (3, 'c')) ORDER BY i))" % fr)
    case(M, "(SELECT string_agg(n || '=' || u, ',') FROM unnest('{7,8,9}'::int[]) WITH ORDINALITY t(u, n))",
         "(SELECT group_concat(ordinality || '=' || unnest, ',') FROM pg_unnest('{7,8,9}', $INT4))")
