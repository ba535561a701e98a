"""json/jsonb cases for fn_cases.py."""


def define(g):
    T, case, fcall, opcall, call = g.T, g.case, g.fcall, g.opcall, g.call
    M = 'json'

    def jb(lit):
        return T('jsonb', lit)

    def js(lit):
        return T('json', lit)

    def tx(lit):
        return T('text', lit)

    def ta(lit):
        return T('text[]', lit)

    def i4(lit):
        return T('int4', lit)

    # input and canonical output
    for lit in ["'{\"b\":1,\"a\":2}'", "'{\"aa\":1,\"b\":2,\"a\":3}'", "'{\"a\":1,\"a\":2}'",
                "'[1, 2.50, 1e2, 1.5e-1, -0, -0.0, 0.000]'", "'  true '", "'null'",
                "'\"\\u00e9\\n\\t\\\"\"'", "'\"\\ud83d\\ude00\"'", "'\"\\u001f\"'", "'[]'", "'{}'",
                "'{\"a\":{\"b\":[1,{\"c\":null}]}}'", "'12345678901234567890.123456789'",
                "'-1.0E+3'", "'1E-3'", "'\"a/b\\/c\"'", "'[1,'", "'{\"a\"}'", "'01'", "'1.'",
                "'\"\\u0000\"'", "'\"\\ud800\"'", "'tru'", "''", "'[1] x'", "'\"é\"'",
                "'{\"\":1}'", "'123.456e5'", "'0.1e1'"]:
        call(M, '%s::jsonb::text' % lit, 'pg_jsonb_in', lit)
    for lit in ["'{\"b\":1,  \"a\":2}'", "'[1,'", "'\"\\u0000\"'", "'  [ 1 ]  '", "'{\"a\":1,\"a\":2}'"]:
        call(M, '%s::json::text' % lit, 'pg_json_in', lit)
    call(M, "NULL::jsonb", 'pg_jsonb_in', 'NULL')

    # casts to scalars
    for lit in ["'1.50'", "'2.5'", "'-2.5'", "'1e2'", "'\"1\"'", "'true'", "'null'", "'[1]'",
                "'{\"a\":1}'", "'2147483648'", "'-2147483648'", "'32767.4'", "'32767.5'",
                "'9223372036854775807'", "'9223372036854775808'", "'0.49999'", "'1e20'",
                "'123456789012345678'", "'1e-5'", "'0.1'", "'1e400'", "'3.4e39'"]:
        for typ, fn in [('numeric', 'pg_jsonb_to_numeric'), ('int2', 'pg_jsonb_to_int2'),
                        ('int4', 'pg_jsonb_to_int4'), ('int8', 'pg_jsonb_to_int8'),
                        ('float4', 'pg_jsonb_to_float4'), ('float8', 'pg_jsonb_to_float8'),
                        ('bool', 'pg_jsonb_to_bool')]:
            call(M, '(%s::jsonb)::%s' % (lit, typ), fn, jb(lit))
    call(M, "('false'::jsonb)::bool", 'pg_jsonb_to_bool', jb("'false'"))

    # -> ->> by key and index
    docs = ["'{\"a\":1,\"b\":\"x\",\"c\":null,\"d\":[1,2],\"e\":{\"f\":true}}'",
            "'[10,\"s\",null,[1],{\"k\":1}]'", "'5'", "'\"str\"'", "'{}'", "'[]'"]
    for d in docs:
        for k in ["'a'", "'b'", "'c'", "'d'", "'e'", "'zz'", "''", "NULL"]:
            opcall(M, '->', 'pg_jsonb_object_field', jb(d), tx(k))
            opcall(M, '->>', 'pg_jsonb_object_field_text', jb(d), tx(k))
        for i in ['0', '1', '2', '3', '4', '5', '-1', '-5', '-6', 'NULL']:
            opcall(M, '->', 'pg_jsonb_array_element', jb(d), i4(i))
            opcall(M, '->>', 'pg_jsonb_array_element_text', jb(d), i4(i))
    # json keeps the text as written
    jdocs = ["'{\"a\" :  [1,  2], \"b\": \"x\\u00e9\", \"a\": {\"z\" : 1}}'", "'[ 1 , \"two\" , null, { } ]'"]
    for d in jdocs:
        for k in ["'a'", "'b'", "'q'"]:
            opcall(M, '->', 'pg_json_object_field', js(d), tx(k))
            opcall(M, '->>', 'pg_json_object_field_text', js(d), tx(k))
        for i in ['0', '1', '2', '3', '-1', '9']:
            opcall(M, '->', 'pg_json_array_element', js(d), i4(i))
            opcall(M, '->>', 'pg_json_array_element_text', js(d), i4(i))

    # #> #>> paths
    deep = "'{\"a\":{\"b\":[10,{\"c\":\"deep\"},[5,6]]},\"n\":null,\"s\":\"t\"}'"
    for p in ["'{a}'", "'{a,b}'", "'{a,b,0}'", "'{a,b,1,c}'", "'{a,b,-1,0}'", "'{a,b,-1,-1}'",
              "'{a,b,x}'", "'{a,b,9}'", "'{n}'", "'{s}'", "'{s,x}'", "'{}'", "'{a,NULL}'",
              "'{zz,b}'", "'{a,b,\" 1\"}'", "'{a,b,1 }'", "'{a,b,+1}'"]:
        opcall(M, '#>', 'pg_jsonb_extract_path_op', jb(deep), ta(p))
        opcall(M, '#>>', 'pg_jsonb_extract_path_text_op', jb(deep), ta(p))
        opcall(M, '#>', 'pg_json_extract_path_op', js(deep), ta(p))
        opcall(M, '#>>', 'pg_json_extract_path_text_op', js(deep), ta(p))
    for d in ["'\"str\"'", "'5'", "'[1,2]'"]:
        opcall(M, '#>', 'pg_jsonb_extract_path_op', jb(d), ta("'{}'"))
        opcall(M, '#>>', 'pg_jsonb_extract_path_text_op', jb(d), ta("'{}'"))
    fcall(M, 'jsonb_extract_path', 'pg_jsonb_extract_path', jb(deep), tx("'a'"), tx("'b'"), tx("'1'"))
    fcall(M, 'jsonb_extract_path_text', 'pg_jsonb_extract_path_text', jb(deep), tx("'a'"), tx("'b'"), tx("'1'"), tx("'c'"))
    fcall(M, 'jsonb_extract_path', 'pg_jsonb_extract_path', jb(deep), tx("'a'"), tx('NULL'))
    fcall(M, 'jsonb_extract_path_text', 'pg_jsonb_extract_path_text', jb(deep), tx("'s'"))
    fcall(M, 'json_extract_path', 'pg_json_extract_path', js(deep), tx("'a'"), tx("'b'"))
    fcall(M, 'json_extract_path_text', 'pg_json_extract_path_text', js(deep), tx("'a'"), tx("'b'"), tx("'1'"), tx("'c'"))

    # containment
    pairs = [
        ("'{\"a\":1,\"b\":2}'", "'{\"a\":1}'"), ("'{\"a\":1}'", "'{\"a\":1,\"b\":2}'"),
        ("'{\"a\":1.0}'", "'{\"a\":1}'"), ("'{\"a\":[1,2,3]}'", "'{\"a\":[3,1]}'"),
        ("'{\"a\":[1,2,3]}'", "'{\"a\":1}'"), ("'[1,2,[3,4]]'", "'[[3]]'"), ("'[1,2,[3,4]]'", "'[3]'"),
        ("'[1,2]'", "'1'"), ("'1'", "'[1]'"), ("'[1,2]'", "'[]'"), ("'{}'", "'{}'"), ("'[]'", "'{}'"),
        ("'\"a\"'", "'\"a\"'"), ("'[{\"a\":1,\"b\":2}]'", "'[{\"a\":1}]'"), ("'[{\"a\":1}]'", "'{\"a\":1}'"),
        ("'{\"a\":{\"b\":{\"c\":1,\"d\":2}}}'", "'{\"a\":{\"b\":{\"c\":1}}}'"), ("'[1,1]'", "'[1,1,1]'"),
        ("'{\"a\":null}'", "'{\"a\":null}'"), ("'{\"a\":null}'", "'{\"b\":null}'"), ("'[true]'", "'[false]'"),
        ("'[\"a\",\"b\"]'", "'\"a\"'"), ("'{\"a\":\"x\"}'", "'\"x\"'"), ("'[[1,2]]'", "'[1]'"),
    ]
    for a, b in pairs:
        opcall(M, '@>', 'pg_jsonb_contains', jb(a), jb(b))
        opcall(M, '<@', 'pg_jsonb_contained', jb(b), jb(a))

    # ? ?| ?&
    for d in ["'{\"a\":1,\"b\":null}'", "'[\"a\",1,\"c\"]'", "'\"a\"'", "'1'", "'{\"x\":{\"a\":1}}'"]:
        for k in ["'a'", "'b'", "'c'", "'1'", "''"]:
            opcall(M, '?', 'pg_jsonb_exists', jb(d), tx(k))
        for ks in ["'{a,b}'", "'{a,z}'", "'{z}'", "'{}'", "'{a,NULL}'"]:
            opcall(M, '?|', 'pg_jsonb_exists_any', jb(d), ta(ks))
            opcall(M, '?&', 'pg_jsonb_exists_all', jb(d), ta(ks))

    # ||
    cats = ["'{\"a\":1,\"b\":2}'", "'{\"b\":3,\"c\":4}'", "'[1,2]'", "'[3]'", "'5'", "'\"s\"'", "'[]'", "'{}'", "'null'"]
    for a in cats:
        for b in cats:
            opcall(M, '||', 'pg_jsonb_concat', jb(a), jb(b))

    # - text, - int, - text[], #-
    for d in ["'{\"a\":1,\"b\":2,\"c\":{\"a\":3}}'", "'[\"a\",\"b\",\"a\",1]'", "'5'", "'\"a\"'", "'{}'", "'[]'"]:
        for k in ["'a'", "'z'"]:
            opcall(M, '-', 'pg_jsonb_delete', jb(d), tx(k))
        for i in ['0', '1', '-1', '-4', '-5', '9']:
            opcall(M, '-', 'pg_jsonb_delete_idx', jb(d), i4(i))
        for ks in ["'{a,b}'", "'{}'", "'{z,NULL}'"]:
            opcall(M, '-', 'pg_jsonb_delete_keys', jb(d), ta(ks))
    for d in [deep, "'[1,[2,3],{\"a\":[4]}]'", "'5'"]:
        for p in ["'{a}'", "'{a,b}'", "'{a,b,0}'", "'{a,b,-1}'", "'{a,b,-9}'", "'{1,0}'", "'{2,a,0}'",
                  "'{-1}'", "'{x}'", "'{}'", "'{n,x}'", "'{a,b,1,c}'", "'{1,NULL}'", "'{9}'"]:
            opcall(M, '#-', 'pg_jsonb_delete_path', jb(d), ta(p))

    # jsonb_set / jsonb_insert
    tgt = ["'{\"a\":1,\"b\":{\"c\":[1,2,3]}}'", "'[1,[2,3],{\"k\":1}]'", "'5'", "'{}'", "'[]'"]
    paths = ["'{a}'", "'{z}'", "'{b,c}'", "'{b,c,0}'", "'{b,c,-1}'", "'{b,c,5}'", "'{b,c,-5}'",
             "'{b,z,0}'", "'{0}'", "'{1,0}'", "'{1,9}'", "'{-1,k}'", "'{2,new}'", "'{x}'", "'{}'",
             "'{a,x}'", "'{NULL}'", "'{b,c,x}'"]
    for d in tgt:
        for p in paths:
            fcall(M, 'jsonb_set', 'pg_jsonb_set', jb(d), ta(p), jb("'\"new\"'"))
            fcall(M, 'jsonb_set', 'pg_jsonb_set', jb(d), ta(p), jb("'{\"n\":[1]}'"), T('bool', 'false'))
            fcall(M, 'jsonb_insert', 'pg_jsonb_insert', jb(d), ta(p), jb("'\"new\"'"))
            fcall(M, 'jsonb_insert', 'pg_jsonb_insert', jb(d), ta(p), jb("'\"new\"'"), T('bool', 'true'))
    fcall(M, 'jsonb_set', 'pg_jsonb_set', jb(tgt[0]), ta("'{a}'"), jb('NULL'))
    fcall(M, 'jsonb_set', 'pg_jsonb_set', jb(tgt[0]), ta('NULL'), jb("'1'"))

    # typeof, array_length, strip_nulls, pretty
    for d in ["'{}'", "'[]'", "'1.5'", "'\"s\"'", "'true'", "'false'", "'null'", "'[1,null,{\"a\":null,\"b\":[null,{\"c\":null}]}]'",
              "'{\"a\":[],\"b\":{},\"c\":[1,{\"d\":null}],\"e\":\"x\"}'", "'[1,2,3]'"]:
        fcall(M, 'jsonb_typeof', 'pg_jsonb_typeof', jb(d))
        fcall(M, 'json_typeof', 'pg_json_typeof', js(d))
        fcall(M, 'jsonb_array_length', 'pg_jsonb_array_length', jb(d))
        fcall(M, 'json_array_length', 'pg_json_array_length', js(d))
        fcall(M, 'jsonb_strip_nulls', 'pg_jsonb_strip_nulls', jb(d))
        fcall(M, 'jsonb_pretty', 'pg_jsonb_pretty', jb(d))

    # to_jsonb / to_json of values of other types
    vals = [T('int4', '42'), T('int8', '-9007199254740993'), T('int2', '7'), T('numeric', '1.50'),
            T('numeric', "'NaN'"), T('numeric', '1e20'), T('float8', '1.5'), T('float8', "'1e20'"),
            T('float8', "'NaN'"), T('float8', "'-Infinity'"), T('float4', '0.1'), T('bool', 'true'),
            T('bool', 'false'), T('text', "'a\"b\\c\n'"), T('text', "''"), T('varchar', "'v'"),
            T('date', "'2020-06-01'"), T('date', "'infinity'"),
            T('timestamp', "'2020-06-01 12:00:00'"), T('timestamp', "'2020-06-01 12:00:00.123'"),
            T('timestamptz', "'2020-06-01 12:00:00+00'"), T('timestamptz', "'2020-06-01 12:00:00.5+02'"),
            T('timestamptz', "'infinity'"), T('uuid', "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'"),
            T('interval', "'1 day 02:00'"), T('jsonb', "'{\"b\":1,\"a\":[1.0]}'"),
            T('json', "'{\"b\":1,  \"a\":[1.0]}'"), T('int4[]', "'{1,2,NULL}'"), T('int4[]', "'{}'"),
            T('int4[]', "'{{1,2},{3,4}}'"), T('text[]', "'{\"a b\",NULL,c}'"), T('bool[]', "'{t,f}'"),
            T('numeric[]', "'{1.50,NaN}'"), T('jsonb[]', "'{\"{\\\"a\\\": 1}\",null}'"),
            T('date[]', "'{2020-01-01}'"), T('timestamptz[]', "'{\"2020-01-01 00:00:00+00\"}'"),
            T('text', 'NULL'), T('time', "'12:30:00'")]
    for v in vals:
        call(M, 'to_jsonb(%s)::text' % v.pg(), 'pg_to_jsonb', v, types=True)
        call(M, 'to_json(%s)::text' % v.pg(), 'pg_to_json', v, types=True)
        call(M, 'jsonb_build_array(%s)::text' % v.pg(), 'pg_jsonb_build_array', v, types=True)
        call(M, 'json_build_array(%s)::text' % v.pg(), 'pg_json_build_array', v, types=True)
        call(M, "jsonb_build_object('k', %s)::text" % v.pg(), 'pg_jsonb_build_object', T('text', "'k'"), v, types=True)
        call(M, "json_build_object('k', %s)::text" % v.pg(), 'pg_json_build_object', T('text', "'k'"), v, types=True)
    # keys of other types
    for k in [T('int4', '1'), T('numeric', '1.50'), T('bool', 'true'), T('date', "'2020-06-01'"),
              T('timestamptz', "'2020-06-01 12:00:00+00'"), T('text', 'NULL'), T('int4[]', "'{1}'"),
              T('jsonb', "'1'"), T('text', "'b'")]:
        call(M, "jsonb_build_object(%s, 1)::text" % k.pg(), 'pg_jsonb_build_object', k, T('int4', '1'), types=True)
        call(M, "json_build_object(%s, 1)::text" % k.pg(), 'pg_json_build_object', k, T('int4', '1'), types=True)
    call(M, "jsonb_build_object('b', 1, 'a', 2, 'b', 3)::text", 'pg_jsonb_build_object',
         tx("'b'"), i4('1'), tx("'a'"), i4('2'), tx("'b'"), i4('3'), types=True)
    call(M, "json_build_object('b', 1, 'a', 2, 'b', 3)::text", 'pg_json_build_object',
         tx("'b'"), i4('1'), tx("'a'"), i4('2'), tx("'b'"), i4('3'), types=True)
    call(M, "jsonb_build_object('a', 1, 'b')::text", 'pg_jsonb_build_object', tx("'a'"), i4('1'), tx("'b'"), types=True)
    call(M, "jsonb_build_object()::text", 'pg_jsonb_build_object')
    call(M, "json_build_object()::text", 'pg_json_build_object')
    call(M, "jsonb_build_array()::text", 'pg_jsonb_build_array')
    call(M, "json_build_array()::text", 'pg_json_build_array')
    call(M, "jsonb_build_array(1, 'x', NULL::int, true, '{\"a\":1}'::jsonb)::text", 'pg_jsonb_build_array',
         i4('1'), tx("'x'"), i4('NULL'), T('bool', 'true'), jb("'{\"a\":1}'"), types=True)
    call(M, "json_build_array(1, 'x', NULL::int, true, '{\"a\":  1}'::json)::text", 'pg_json_build_array',
         i4('1'), tx("'x'"), i4('NULL'), T('bool', 'true'), js("'{\"a\":  1}'"), types=True)

    # aggregates
    rows = {
        'int4': "(VALUES (3),(1),(NULL::int),(2)) v(x)",
        'text': "(VALUES ('b'),('a'),(NULL)) v(x)",
        'jsonb': "(VALUES ('{\"a\":1}'::jsonb),('[1, 2]'),('null')) v(x)",
        'numeric': "(VALUES (1.50),(2.0)) v(x)",
        'int4[]': "(VALUES ('{1,2}'::int[]),('{3}')) v(x)",
        'empty': "(SELECT 1 AS x WHERE false) v",
    }
    for typ, src in rows.items():
        t = 'int4' if typ == 'empty' else typ
        tok = T(t, 'NULL').token()
        sq_src = src.replace('::int[]', '').replace('::jsonb', '').replace('::int', '').replace(' v(x)', '')
        sq_src = sq_src if typ != 'empty' else "(SELECT 1 AS column1 WHERE 0)"
        if typ == 'numeric':
            sq_src = "(VALUES ('1.50'),('2.0'))"
        col = 'column1'
        case(M, '(SELECT jsonb_agg(x) FROM %s)::text' % src, '(SELECT pg_jsonb_agg(%s, %s) FROM %s)' % (col, tok, sq_src))
        case(M, '(SELECT json_agg(x) FROM %s)::text' % src, '(SELECT pg_json_agg(%s, %s) FROM %s)' % (col, tok, sq_src))
    case(M, "(SELECT jsonb_object_agg(k, v) FROM (VALUES ('b', 1), ('a', 2), ('b', 3)) x(k, v))::text",
         "(SELECT pg_jsonb_object_agg(column1, column2, $TEXT, $INT4) FROM (VALUES ('b', 1), ('a', 2), ('b', 3)))")
    case(M, "(SELECT json_object_agg(k, v) FROM (VALUES ('b', 1), ('a', 2), ('b', 3)) x(k, v))::text",
         "(SELECT pg_json_object_agg(column1, column2, $TEXT, $INT4) FROM (VALUES ('b', 1), ('a', 2), ('b', 3)))")
    case(M, "(SELECT jsonb_object_agg(k, v) FROM (VALUES ('a', NULL::int)) x(k, v))::text",
         "(SELECT pg_jsonb_object_agg(column1, column2, $TEXT, $INT4) FROM (VALUES ('a', NULL)))")
    case(M, "(SELECT jsonb_object_agg(k, v) FROM (VALUES (NULL::text, 1)) x(k, v))::text",
         "(SELECT pg_jsonb_object_agg(column1, column2, $TEXT, $INT4) FROM (VALUES (NULL, 1)))")
    case(M, "(SELECT jsonb_object_agg(k, v) FROM (SELECT 'a', 1 WHERE false) x(k, v))::text",
         "(SELECT pg_jsonb_object_agg(column1, column2, $TEXT, $INT4) FROM (SELECT 'a' AS column1, 1 AS column2 WHERE 0))")

    # set-returning functions, seen through string_agg / count
    srf_docs = ["'[1,\"a\",null,{\"b\":[2]},true]'", "'{\"b\":1,\"a\":\"x\",\"c\":null,\"aa\":[1]}'",
                "'5'", "'\"s\"'", "'[]'", "'{}'", "NULL"]
    for d in srf_docs:
        for fn, cols in [('jsonb_array_elements', 'value'), ('jsonb_array_elements_text', 'value'),
                         ('jsonb_each', "key || '=' || value"), ('jsonb_each_text', "key || '=' || coalesce(value, '~')"),
                         ('jsonb_object_keys', 'jsonb_object_keys')]:
            pgcols = cols.replace("value", "value::text") if fn in ('jsonb_array_elements', 'jsonb_each') else cols
            if fn == 'jsonb_array_elements_text':
                pgcols = "coalesce(value, '~')"
                cols = pgcols
            case(M, "(SELECT count(*) || ':' || coalesce(string_agg(%s, '|'), '') FROM %s(%s::jsonb))" % (pgcols, fn, d),
                 "(SELECT count(*) || ':' || coalesce(group_concat(%s, '|'), '') FROM pg_%s(" % (cols, fn), jb(d), "))")
        jd = d.replace('\"b\":1', '\"b\" :  1')
        for fn, cols in [('json_array_elements', 'value'), ('json_array_elements_text', "coalesce(value, '~')"),
                         ('json_each', "key || '=' || value"), ('json_each_text', "key || '=' || coalesce(value, '~')"),
                         ('json_object_keys', 'json_object_keys')]:
            pgcols = cols.replace("value", "value::text") if fn in ('json_array_elements', 'json_each') else cols
            case(M, "(SELECT count(*) || ':' || coalesce(string_agg(%s, '|'), '') FROM %s(%s::json))" % (pgcols, fn, jd),
                 "(SELECT count(*) || ':' || coalesce(group_concat(%s, '|'), '') FROM pg_%s(" % (cols, fn), js(jd), "))")
    # a lateral use: keys of every row
    case(M, "(SELECT string_agg(k, ',' ORDER BY k) FROM (VALUES ('{\"a\":1}'::jsonb), ('{\"b\":2,\"c\":3}')) t(d), jsonb_object_keys(d) k)",
         "(SELECT group_concat(jsonb_object_keys, ',') FROM (SELECT jsonb_object_keys FROM (VALUES ('{\"a\": 1}'), ('{\"b\": 2, \"c\": 3}')) t, pg_jsonb_object_keys(t.column1) ORDER BY 1))")

    # order (collation pg_jsonb): compare pairs through the collation
    ordvals = ["'null'", "'\"\"'", "'\"a\"'", "'\"b\"'", "'\"aa\"'", "'1'", "'1.0'", "'-1'", "'10'", "'2'",
               "'false'", "'true'", "'[]'", "'[1]'", "'[2]'", "'[1,2]'", "'[\"a\"]'", "'{}'",
               "'{\"a\":1}'", "'{\"b\":1}'", "'{\"aa\":1}'", "'{\"a\":2}'", "'{\"a\":1,\"b\":2}'", "'[[1]]'", "'[{}]'"]
    for a in ordvals:
        for b in ordvals:
            A, B = jb(a), jb(b)
            case(M, "(CASE WHEN %s < %s THEN -1 WHEN %s = %s THEN 0 ELSE 1 END)" % (A.pg(), B.pg(), A.pg(), B.pg()),
                 "(CASE WHEN ", A, " < ", B, " COLLATE pg_jsonb THEN -1 WHEN ", A, " = ", B, " COLLATE pg_jsonb THEN 0 ELSE 1 END)")


def define_more(g):
    """Window aggregates and WITH ORDINALITY."""
    case = g.case
    M = 'json'
    frames = ['ROWS BETWEEN 1 PRECEDING AND CURRENT ROW', 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
              'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING', 'ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING']
    for fr in frames:
        for pgf, sqf, arg, sqarg in [('jsonb_agg(x)', 'pg_jsonb_agg', 'x', 'column2, $TEXT'),
                                     ('json_agg(x)', 'pg_json_agg', 'x', 'column2, $TEXT'),
                                     ('jsonb_object_agg(x, i)', 'pg_jsonb_object_agg', '', 'column2, column1, $TEXT, $INT4'),
                                     ('json_object_agg(x, i)', 'pg_json_object_agg', '', 'column2, column1, $TEXT, $INT4')]:
            case(M, "(SELECT string_agg(coalesce(w::text, '~'), '|' ORDER BY i) FROM (SELECT i, %s OVER (ORDER BY i %s) w "
                    "FROM (VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, 'c')) v(i, x)) s)" % (pgf, fr),
                 "(SELECT group_concat(coalesce(w, '~'), '|') FROM (SELECT column1 AS i, %s(%s) OVER (ORDER BY column1 %s) w "
                 "FROM (VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, 'c')) ORDER BY i))" % (sqf, sqarg, fr))
    case(M, "(SELECT string_agg(n || '=' || value::text, ',') FROM jsonb_array_elements('[\"x\", 2, null]') WITH ORDINALITY t(value, n))",
         "(SELECT group_concat(ordinality || '=' || value, ',') FROM pg_jsonb_array_elements('[\"x\", 2, null]'))")
    case(M, "(SELECT string_agg(n || '=' || k, ',') FROM jsonb_each('{\"b\": 1, \"a\": 2}') WITH ORDINALITY t(k, v, n))",
         "(SELECT group_concat(ordinality || '=' || key, ',') FROM pg_jsonb_each('{\"b\": 1, \"a\": 2}'))")
