-- Differential corpus, schema misc (misc.schema.sql): uuid, arrays,
-- intervals, bytea, floats, ranges; expressions assigned to the typed
-- columns of "results".  Format: see library.sql.

-- uuid
UPDATE items SET uid = gen_random_uuid() WHERE id = 99

UPDATE items SET name = left(uid::text, 8)

-- construct: uuid
UPDATE items SET flag = uid = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'

UPDATE items SET flag = uid < 'b0000000-0000-0000-0000-000000000000'

UPDATE items SET uid = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A99' WHERE id = 1

UPDATE items SET uid = '{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}' WHERE id = 2

UPDATE items SET uid = 'not-a-uuid' WHERE id = 1

INSERT INTO results (k, u) SELECT 'u' || id, uid FROM items WHERE uid IS NOT NULL

INSERT INTO results (k, t) SELECT 'max', max(uid::text) FROM items

-- no min/max aggregate for uuid, boolean, bytea, jsonb (PostgreSQL 15)
INSERT INTO results (k, t) SELECT 'max', max(uid)::text FROM items

INSERT INTO results (k, t) SELECT 'min', min(flag)::text FROM items

INSERT INTO results (k, t) SELECT 'max', max(data)::text FROM items

INSERT INTO results (k, t) SELECT 'max', max(doc)::text FROM items

INSERT INTO results (k, t) SELECT 'max', max(qty)::text FROM items

-- arrays
-- construct: array_append, array_remove
UPDATE items SET tags = array_append(tags, 'new')

UPDATE items SET tags = array_remove(tags, 'red')

UPDATE items SET tags = 'first' || tags

UPDATE items SET nums = nums || 4

-- construct: cardinality, array_length
UPDATE items SET small = cardinality(tags)

UPDATE items SET small = array_length(nums, 1)

UPDATE items SET name = tags[2:3]::text

UPDATE items SET name = array_to_string(tags, ',', '*')

UPDATE items SET tags = string_to_array('a,b,,c', ',') WHERE id = 1

INSERT INTO results (k, ia) VALUES ('bad', '{1,two}')

-- intervals
-- construct: interval arithmetic
UPDATE items SET span = span * 2

UPDATE items SET span = span / 3

UPDATE items SET span = span + interval '1 hour'

UPDATE items SET span = -span

UPDATE items SET span = justify_hours(span * 30)

UPDATE items SET span = justify_days(span * 40)

UPDATE items SET name = extract(epoch from span)::bigint::text

UPDATE items SET name = extract(day from span)::text

UPDATE items SET flag = span > interval '1 day'

UPDATE items SET flag = interval '1 month' = interval '30 days'

UPDATE items SET span = '1.5 hours' WHERE id = 1

UPDATE items SET span = 'P1Y2M3DT4H5M6S' WHERE id = 1

UPDATE items SET span = '@ 1 minute ago' WHERE id = 1

UPDATE items SET span = 'soon' WHERE id = 1

INSERT INTO results (k, iv) SELECT 'max', max(span) FROM items

INSERT INTO results (k, iv) VALUES ('diff', timestamp '2024-03-01 00:00' - timestamp '2024-02-01 12:00')

INSERT INTO results (k, iv) VALUES ('age', age(timestamp '2024-03-31', timestamp '2024-02-29 12:00'))

-- bytea
-- construct: bytea
UPDATE items SET data = data || '\x00'::bytea

UPDATE items SET name = length(data)::text

UPDATE items SET name = encode(data, 'hex')

UPDATE items SET name = encode(data, 'base64')

UPDATE items SET data = decode('68656c6c6f', 'hex') WHERE id = 1

UPDATE items SET data = 'hello' WHERE id = 1

UPDATE items SET name = md5(data)

UPDATE items SET flag = data > '\x41'

UPDATE items SET data = substring(data from 2 for 2)

UPDATE items SET data = '\xzz' WHERE id = 1

-- floats
-- construct: float8 (NaN, Infinity)
UPDATE items SET score = score * 3

UPDATE items SET score = score / 0

UPDATE items SET score = 'Infinity'::float8 - 'Infinity'::float8 WHERE id = 1

UPDATE items SET score = sqrt(abs(score))

UPDATE items SET score = 0.1 + 0.2

UPDATE items SET score = score::numeric

UPDATE items SET amount = score WHERE id <> 4

UPDATE items SET amount = score WHERE id = 4

UPDATE items SET ratio = score WHERE id = 1

-- construct: float4 overflow is an error
UPDATE items SET ratio = 1e39 WHERE id = 1

UPDATE items SET score = ln(10) * exp(1)

UPDATE items SET score = round(score)

UPDATE items SET score = round(2.5::float8) + round(3.5::float8) + round(-2.5::float8)

UPDATE items SET score = 1e308 * 10 WHERE id = 1

UPDATE items SET flag = score > 'NaN'::float8

UPDATE items SET flag = score = 'NaN'

UPDATE items SET score = -0.0 WHERE id = 1

UPDATE items SET name = score::text

UPDATE items SET name = ratio::text

INSERT INTO results (k, f) SELECT 'sum', sum(score) FROM items WHERE id <> 4

INSERT INTO results (k, f) SELECT 'avg', avg(ratio) FROM items

INSERT INTO results (k, f) SELECT 'max', max(score) FROM items

INSERT INTO results (k, f) SELECT 'min', min(score) FROM items

INSERT INTO results (k, f) VALUES ('lit', 1.0000000000000002), ('lit2', 0.1), ('lit3', 1e-320)

-- ranges
-- construct: ranges: lower, upper, isempty, upper_inf
UPDATE items SET flag = isempty(qty)

UPDATE items SET big = lower(qty)

UPDATE items SET big = upper(qty)

UPDATE items SET flag = upper_inf(valid)

UPDATE items SET flag = lower_inc(during)

-- construct: ranges: @> &&
UPDATE items SET flag = qty @> 3

UPDATE items SET flag = valid @> date '2024-06-01'

UPDATE items SET flag = during && tstzrange('2024-01-15 00:00:00+00', '2024-01-16 00:00:00+00')

-- construct: range constructors
UPDATE items SET qty = int4range(1, 5, '[]') WHERE id = 1

UPDATE items SET qty = int4range(5, 1) WHERE id = 1

UPDATE items SET valid = daterange('2024-01-01', '2024-01-01') WHERE id = 1

UPDATE items SET valid = '[2024-01-01,2024-01-31]' WHERE id = 2

UPDATE items SET during = tstzrange(now(), NULL) WHERE id = 1

UPDATE items SET qty = qty * int4range(2, 8)

UPDATE items SET qty = qty + int4range(8, 20) WHERE id = 1

UPDATE items SET flag = qty < int4range(2, 3)

INSERT INTO results (k, d) SELECT 'lower ' || id, lower(valid) FROM items WHERE valid IS NOT NULL

-- integers
UPDATE items SET big = big + 1

UPDATE items SET big = big - 1

UPDATE items SET big = big * 2 WHERE id = 6

UPDATE items SET big = abs(big)

UPDATE items SET small = small + 1

UPDATE items SET small = small * big WHERE id = 6

UPDATE items SET small = big WHERE id = 6

UPDATE items SET big = -big WHERE id = 2

UPDATE items SET big = big / -1 WHERE id = 2

UPDATE items SET big = 10 / 3 + 10 % 3 + (-7) / 2 + (-7) % 2

UPDATE items SET big = 2 ^ 62

-- construct: bigint
UPDATE items SET big = 9223372036854775807 WHERE id = 6

UPDATE items SET big = '9223372036854775808' WHERE id = 6

UPDATE items SET big = 1.5 WHERE id = 6

UPDATE items SET big = 2.5 WHERE id = 6

UPDATE items SET big = '2.5' WHERE id = 6

UPDATE items SET big = ' 42 ' WHERE id = 6

UPDATE items SET small = 5 & 3 | 8 # 1

UPDATE items SET big = 1 << 40

INSERT INTO results (k, b8) SELECT 'sum', sum(big) FROM items WHERE id > 2

INSERT INTO results (k, n) SELECT 'sumall', sum(big) FROM items

INSERT INTO results (k, n) SELECT 'avg', avg(small) FROM items

INSERT INTO results (k, i) SELECT 'count', count(*) FROM items

-- numeric
UPDATE items SET amount = amount * amount

UPDATE items SET amount = amount / 7

UPDATE items SET amount = round(amount, 2)

UPDATE items SET amount = round(amount, -1)

UPDATE items SET amount = amount::numeric(10,1)

UPDATE items SET amount = 1 / 3.0

UPDATE items SET amount = 10 ^ 20 WHERE id = 1

UPDATE items SET amount = 'NaN' WHERE id = 1

UPDATE items SET amount = sqrt(2::numeric)

UPDATE items SET amount = 0.1 + 0.2

UPDATE items SET amount = 1.10 * 3

UPDATE items SET amount = -amount

UPDATE items SET amount = trim_scale(amount)

UPDATE items SET name = scale(amount)::text

-- construct: numeric rounding half-way
INSERT INTO results (k, n52) VALUES ('a', 1.005), ('b', 2.675), ('c', -0.125), ('d', 999.994)

INSERT INTO results (k, n52) VALUES ('over', 999.995)

INSERT INTO results (k, n) SELECT 'sum', sum(amount) FROM items

INSERT INTO results (k, n) SELECT 'avg', avg(amount) FROM items

INSERT INTO results (k, t) SELECT 'max', max(amount)::text FROM items

-- varchar / char assignment
INSERT INTO results (k, vc) VALUES ('ok', 'abcde')

-- construct: varchar(n): too long is an error
INSERT INTO results (k, vc) VALUES ('long', 'abcdef')

INSERT INTO results (k, vc) VALUES ('spaces', 'abcde   ')

INSERT INTO results (k, vc) VALUES ('cast', 'abcdef'::varchar(5))

INSERT INTO results (k, vc) VALUES ('uni', 'ééééé')

-- construct: char(n) pads
INSERT INTO results (k, ch) VALUES ('pad', 'ab')

INSERT INTO results (k, ch) VALUES ('long', 'abcdefg')

INSERT INTO results (k, ch, t) VALUES ('cmp', 'ab', ('ab'::char(4) = 'ab  '::char(4))::text)

INSERT INTO results (k, t) VALUES ('catch', 'ab'::char(4) || 'c')

-- timestamps without time zone, casts between date/time types
-- construct: timestamp
INSERT INTO results (k, ts) VALUES ('a', '2024-02-29 23:59:59.999999'), ('b', 'epoch'), ('c', 'infinity')

INSERT INTO results (k, ts) VALUES ('round', '2024-01-01 00:00:00.0000005')

INSERT INTO results (k, ts) SELECT 'from tz', tz FROM (VALUES (timestamptz '2024-07-01 12:00:00+02')) v(tz)

INSERT INTO results (k, tz) VALUES ('off', '2024-01-01 00:00:00-08')

INSERT INTO results (k, tz) VALUES ('bc', '0044-03-15 12:00:00 BC')

INSERT INTO results (k, d) VALUES ('d', timestamp '2024-01-01 23:00' + interval '2 hours')

INSERT INTO results (k, d) VALUES ('bad', '2024-13-01')

INSERT INTO results (k, t) VALUES ('trunc', date_trunc('week', timestamp '2024-03-14 10:00')::text)

INSERT INTO results (k, t) VALUES ('q', extract(quarter from date '2024-08-01')::text || extract(isodow from date '2024-08-04')::text || extract(doy from date '2024-12-31')::text)

INSERT INTO results (k, t) VALUES ('char', to_char(timestamptz '2024-03-05 07:08:09.123+00', 'YYYY/MM/DD HH12:MI:SS.MS AM TZ'))

INSERT INTO results (k, t) VALUES ('nchar', to_char(1234567.891, 'FM9,999,999.99') || to_char(-0.5, 'S0.0') || to_char(42, 'FMRNth') || to_char(2.5::float8, '9') || to_char('NaN'::numeric, '999.9'))

INSERT INTO results (k, t) VALUES ('nchar', to_char(12, '99V9999999999'))

INSERT INTO results (k, n) VALUES ('num', to_number('-1,234.5', 'S9G999D9') + to_number('<12>', '99PR') + to_number('12', '99V9'))

INSERT INTO results (k, n) VALUES ('num', to_number('1,234', '9G9'))

INSERT INTO results (k, tz) VALUES ('tots', to_timestamp('2024-03-05 07:08', 'YYYY-MM-DD HH24:MI'))

INSERT INTO results (k, d) VALUES ('todate', to_date('05 Mar 2024', 'DD Mon YYYY'))

-- jsonb into typed columns, json vs jsonb
INSERT INTO results (k, j) SELECT 'doc' || id, doc FROM items WHERE doc IS NOT NULL

INSERT INTO results (k, t) SELECT 'json' || id, '{"b": 1, "a": [1 , 2]}'::json::text FROM items WHERE id = 1

INSERT INTO results (k, j) VALUES ('num', '{"n": 1.000, "m": 1E+2, "o": -0.0}')

-- construct: unicode
INSERT INTO results (k, j) VALUES ('uni', '{"é": "\u00e9", "emoji": "😀"}')

INSERT INTO results (k, j) VALUES ('minus', '["a", "b", "a"]'::jsonb - 'a')

INSERT INTO results (k, j) VALUES ('minusi', '["a", "b", "c"]'::jsonb - 1)

INSERT INTO results (k, bo) VALUES ('cmp', '{"a": 1}'::jsonb = '{"a": 1.0}'::jsonb)

INSERT INTO results (k, t) SELECT 'typeof' || id, jsonb_typeof(doc) FROM items WHERE doc IS NOT NULL

-- NULL handling across operators
-- construct: NULL semantics
INSERT INTO results (k, t, n, bo) SELECT 'nulls', NULL || 'x', NULL + 1, NULL = NULL

INSERT INTO results (k, bo) VALUES ('and', NULL AND false), ('or', NULL OR true), ('not', NOT NULL::bool)

INSERT INTO results (k, i) SELECT 'coalesce', coalesce(NULL, NULL, 3)

INSERT INTO results (k, t) SELECT 'case', CASE NULL WHEN NULL THEN 'eq' ELSE 'neq' END

UPDATE items SET name = coalesce(name, '?') || '!' WHERE flag IS NULL

-- construct: IN with NULL
UPDATE items SET flag = name IN ('alpha', NULL)

UPDATE items SET flag = name NOT IN ('alpha', NULL)

INSERT INTO results (k, t) SELECT 'upper', upper(name) FROM items WHERE id = 5

INSERT INTO results (k, t) SELECT 'len', length(name) || ':' || char_length(name) || ':' || octet_length(name) FROM items WHERE id = 5

UPDATE items SET tags = '{}' WHERE id = 1

UPDATE items SET name = tags[1]

UPDATE items SET flag = 'red' = ANY (tags)

UPDATE items SET flag = 5 = ALL (nums)

UPDATE items SET flag = nums @> ARRAY[2]

UPDATE items SET flag = tags && ARRAY['z', 'a']

UPDATE items SET flag = nums = '{1,2,3}'

UPDATE items SET flag = nums < '{1,3}'

-- construct: unnest
INSERT INTO results (k, t) SELECT 'tag ' || t, t FROM items, unnest(tags) AS t WHERE id = 5

-- construct: empty arrays
INSERT INTO results (k, ia) VALUES ('lit', '{3,2,1}'), ('empty', '{}'), ('null', NULL)

INSERT INTO results (k, ta) VALUES ('nested', ARRAY['a"b', 'c,d', NULL, '', 'NULL'])

UPDATE items SET data = convert_to(name, 'UTF8')

INSERT INTO results (k, j) SELECT 'path' || id, doc #> '{b,2}' FROM items

INSERT INTO results (k, j) VALUES ('set', jsonb_set('[1, 2, 3]', '{-1}', '"last"'))

INSERT INTO results (k, i) SELECT 'num ' || id || ' ' || n, n FROM items, unnest(nums) WITH ORDINALITY AS x(n, o) WHERE o = 1

INSERT INTO results (k, iv) SELECT 'sum', sum(span) FROM items

INSERT INTO results (k, iv) SELECT 'avg', avg(span) FROM items

INSERT INTO results (k, t) SELECT 'elt' || ord, e ->> 'c' FROM items, jsonb_array_elements(doc -> 'b') WITH ORDINALITY AS a(e, ord) WHERE id = 1

-- Found by make fuzz-sql.  The common type of CASE, COALESCE, GREATEST,
-- UNION and VALUES keeps a typmod only when every input has it (an input
-- coerced to the common type is not rounded to numeric(8,2))
INSERT INTO results (k, t) SELECT 'coalesce' || id, coalesce(0, amount::numeric(8,2))::text FROM items

INSERT INTO results (k, t) SELECT 'case' || id, (CASE WHEN id > 2 THEN amount::numeric(8,2) ELSE 1 END)::text FROM items

INSERT INTO results (k, t) SELECT 'greatest' || id, greatest(amount::numeric(8,2), 7)::text FROM items

INSERT INTO results (k, t) SELECT x::text, x::text FROM (SELECT 0 AS x UNION SELECT 1.5::numeric(8,2)) s

INSERT INTO results (k, t) SELECT 'v' || x::text, x::text FROM (VALUES (0), (1.5::numeric(8,2))) v(x)

INSERT INTO results (k, n52) SELECT 'case-n52' || id, CASE WHEN id > 2 THEN amount::numeric(5,2) END FROM items WHERE id < 5

-- nullif(a, b) returns a as coerced for a = b: numeric against float8 is float8
INSERT INTO results (k, t) SELECT 'nullif' || id, nullif(amount, score)::text FROM items

INSERT INTO results (k, t) VALUES ('nullif-int', (nullif(7, 2.5) / 2)::text)

INSERT INTO results (k, n) VALUES ('nullif-trunc', trunc(nullif(1.5, 0::float8), 2))

-- the grammar folds signs into one negative constant
INSERT INTO results (k, i) VALUES ('neg', - (- -13)), ('neg2', -(3) + - /* c */ 4)

-- a BC timestamptz in JSON: the offset before the era
INSERT INTO results (k, j) VALUES ('bc', to_jsonb('0001-12-31 12:00:00.5 BC'::timestamptz)), ('bc2', jsonb_build_array('0044-03-15 BC'::timestamptz))

-- a polymorphic (anyelement) parameter given only an unknown literal is
-- refused, as PostgreSQL does; "any" parameters take it as text
INSERT INTO results (k, j) VALUES ('poly', to_jsonb('text'))

INSERT INTO results (k, j) SELECT 'poly-agg', jsonb_agg('x') FROM items

INSERT INTO results (k, t) VALUES ('poly-json', to_json(NULL)::text)

INSERT INTO results (k, j) VALUES ('any', jsonb_build_object('a', 'b', 'c', NULL)), ('any2', jsonb_build_array('x', 1))

-- constant folding as PostgreSQL's planner does it: a strict call over a
-- NULL constant is NULL without evaluating its other arguments
INSERT INTO results (k, i) SELECT 'fold' || id, (small / 0) + NULL::int FROM items

INSERT INTO results (k, bo) SELECT 'fold-and' || id, (NULL::int IS NOT NULL) AND (small / 0 > 1) FROM items

INSERT INTO results (k, i) SELECT 'fold-case' || id, CASE WHEN NULL::boolean THEN small / 0 WHEN true THEN 2 ELSE small / 0 END FROM items

INSERT INTO results (k, i) SELECT 'fold-coalesce' || id, coalesce(NULL::int, NULL::int) + small / 0 FROM items

INSERT INTO results (k, bo) SELECT 'fold-cmp' || id, NULL::int = small / 0 OR (small / 0 BETWEEN NULL::int AND NULL::int) FROM items

INSERT INTO results (k, t) SELECT 'fold-cast' || id, (NULL::int8 + big)::int4::text FROM items

INSERT INTO results (k, i) SELECT 'fold-not' || id, small / 0 FROM items WHERE NOT (NULL::boolean IS NULL)

-- constant folding of immutable calls (eval_const_expressions): an
-- immutable function, operator or cast over constants is evaluated at plan
-- time, so its error fails the statement even where no row reaches it; a
-- CASE arm after a constant TRUE or under a constant FALSE, an OR/AND
-- argument after the constant that decides it and a COALESCE argument after
-- a constant are never simplified; stable calls are left to run time
-- construct: constant folding
INSERT INTO results (k, i) SELECT 'fold-arm' || id, CASE WHEN small > 100000 THEN 1 / 0 ELSE 1 END FROM items

INSERT INTO results (k, i) SELECT 'fold-int4' || id, CASE WHEN flag THEN (1e20)::int4 END FROM items

INSERT INTO results (k, i) SELECT 'fold-agg', sum(CASE WHEN id < 0 THEN 2147483647 + 1 ELSE id END)::int FROM items

INSERT INTO results (k, i) SELECT 'fold-false-arm' || id, CASE WHEN false THEN 1 / 0 WHEN small > 0 THEN 1 ELSE 2 END FROM items

INSERT INTO results (k, i) SELECT 'fold-true-arm' || id, CASE WHEN small > 0 THEN 1 WHEN true THEN 2 ELSE 1 / 0 END FROM items

INSERT INTO results (k, bo) SELECT 'fold-or-after' || id, flag OR true OR 1 / 0 = 1 FROM items

INSERT INTO results (k, bo) SELECT 'fold-or-before' || id, flag OR 1 / 0 = 1 OR true FROM items

INSERT INTO results (k, i) SELECT 'fold-coalesce-stop' || id, coalesce(small, 7, 1 / 0) FROM items

INSERT INTO results (k, t) SELECT 'fold-stable' || id, CASE WHEN id > 100 THEN 'x'::text::date::text ELSE 'ok' END FROM items

INSERT INTO results (k, t) SELECT 'fold-nullif' || id, nullif(name, NULL) || nullif(NULL::text, name) FROM items

INSERT INTO results (k, n) SELECT 'fold-typmod-arm' || id, CASE WHEN false THEN (4294967296)::numeric(10,2) ELSE amount END FROM items

INSERT INTO results (k, n) SELECT 'fold-typmod-coalesce' || id, coalesce(amount + 1.5, (mod(1.5, -2.5 * 0))::numeric(10,2)) FROM items

INSERT INTO results (k, n) SELECT 'fold-typmod' || id, CASE WHEN flag THEN (4294967296)::numeric(10,2) ELSE amount END FROM items

-- AND and OR stop where PostgreSQL's executor stops: not after NULL
INSERT INTO results (k, bo) SELECT 'andor-stop' || id, id >= 3 AND small * 2::smallint > 0 FROM items

INSERT INTO results (k, bo) SELECT 'andor-null' || id, CASE WHEN (NULLIF(id, id) > 0 AND small * 2::smallint > 0) THEN true END FROM items

INSERT INTO results (k, bo) SELECT 'andor-or' || id, id < 3 OR small * 2::smallint > 0 FROM items

-- x IN (list) as transformAExprIn: the items that read no column share one
-- common type with x (an = ANY(array)), every item that reads a column is
-- a comparison of its own; char(n) items compare as PostgreSQL resolves them
-- construct: IN list types
INSERT INTO results (k, bo) SELECT 'in-char' || id, name IN ('alpha'::char(8), 'beta '::char(6)) FROM items

INSERT INTO results (k, bo) SELECT 'in-char-text' || id, name::text IN ('alpha'::char(8), 'beta'::char(6)) FROM items

INSERT INTO results (k, bo) SELECT 'in-char-lhs' || id, name::char(7) IN ('alpha ', 'beta ') FROM items

INSERT INTO results (k, bo) SELECT 'in-char-col' || id, name::text IN (name::char(7), 'x') FROM items

INSERT INTO results (k, bo) SELECT 'in-char-col2' || id, (name || ' ')::text IN ('alpha ', name::char(7)) FROM items

INSERT INTO results (k, bo) SELECT 'in-char-col3' || id, name::char(7) IN (name::text || ' ', 'beta') FROM items

INSERT INTO results (k, bo) SELECT 'in-mixed' || id, small IN (1, 2.5, big, 7) FROM items

INSERT INTO results (k, bo) SELECT 'in-null-lhs' || id, (NULL::date - date '2017-12-05') IN (small + 1, length(substring(name from 3 for -2)), 7) FROM items

INSERT INTO results (k, bo) SELECT 'notin' || id, small NOT IN (0, 7, NULL) FROM items

-- an aggregate inside a plain function call: the call's arguments are the
-- select list's, not an aggregate's
INSERT INTO results (k, n) SELECT 'round-sum', round(sum(amount), 2) FROM items

INSERT INTO results (k, n) SELECT 'round-avg' || flag, round(avg(small) * 2, 1) FROM items GROUP BY flag

INSERT INTO results (k, n) SELECT 'nested-agg', sum(sum(amount)) FROM items

-- aggregates with ORDER BY (fn_ordagg): rows sorted by the keys' orders
-- construct: array_agg
INSERT INTO results (k, t) SELECT 'agg', array_to_string(a, ',', '*') FROM (SELECT array_agg(name ORDER BY name NULLS FIRST) AS a FROM items) s

INSERT INTO results (k, j) SELECT 'arr', jsonb_agg(x ORDER BY x) FROM unnest(ARRAY[3, 1, 2]) x

-- ordering of text (C collation of the test server)
-- construct: text ordering
INSERT INTO results (k, t) SELECT 'order', string_agg(name, ',' ORDER BY name) FROM items

INSERT INTO results (k, t) SELECT 'order desc', string_agg(name, ',' ORDER BY name DESC NULLS LAST) FROM items

INSERT INTO results (k, t) SELECT 'grouped ' || flag, string_agg(name || ':' || score, ';' ORDER BY score DESC, id) FROM items GROUP BY flag

INSERT INTO results (k, j) SELECT 'objagg', json_object_agg(name, amount ORDER BY amount, name)::jsonb FROM items WHERE name IS NOT NULL

INSERT INTO results (k, t) SELECT 'ordfilter', string_agg(name, ',' ORDER BY big, small DESC) FILTER (WHERE id > 1) FROM items

INSERT INTO results (k, t) SELECT 'ordkeys', array_to_string(a, ',', '*') FROM (SELECT array_agg(name ORDER BY score DESC NULLS LAST, uid) AS a FROM items) s

-- construct: array to text casts
INSERT INTO results (k, t) SELECT 'arrtext' || id, tags::text || nums::text FROM items

INSERT INTO results (k, vc) SELECT 'arrvc' || id, nums::varchar(5) FROM items

INSERT INTO results (k, t) SELECT 'arrnotconst' || id, coalesce('{1}'::int[]::text, (small / 0)::text) FROM items

-- an IN item that reads a column is compared on its own even when it folds
-- to a constant ((false AND flag) is false), and before the constant items:
-- PostgreSQL evaluates small = 1 / (small - small) first and fails on row 4
-- construct: IN list types
INSERT INTO results (k, bo) SELECT 'in-folded-var' || id, small IN (1 / (small - small), (false AND flag)::int4, 7) FROM items WHERE id = 4

INSERT INTO results (k, bo) SELECT 'in-folded-var-ok' || id, small IN (100 / nullif(small, 0), (false AND flag)::int4, 7) FROM items

-- nullif keeps its first argument's type where PostgreSQL has a cross-type
-- = (int2 = int8, float4 = float8): nullif(float4, float8) prints as float4
-- and -nullif(int2, int8) overflows as int2
INSERT INTO results (k, t) SELECT 'nullif-float4' || id, nullif(ratio, 2.5::float8)::text FROM items

INSERT INTO results (k, i) SELECT 'nullif-int2' || id, - nullif(small, 7::int8) FROM items

-- a folding error inside an expression the planner never simplifies is
-- never raised, however deep: under nullif over NULL, an AND or a CASE
-- that folded to a constant, a cast of a NULL
INSERT INTO results (k, bo) SELECT 'fold-drop-nullif' || id, coalesce(false, nullif(NULL::int4, (1e20)::int4) > 0) FROM items

INSERT INTO results (k, i) SELECT 'fold-drop-nullif-arm' || id, CASE WHEN flag IS NULL AND false THEN nullif(NULL::int4, (1e20)::int4) ELSE 1 END FROM items

INSERT INTO results (k, i) SELECT 'fold-drop-case' || id, CASE WHEN true THEN 1 ELSE CASE WHEN (1e20)::int4 > 1 AND false THEN 2 ELSE 3 END END FROM items

INSERT INTO results (k, t) SELECT 'fold-drop-cast' || id, (CASE WHEN true THEN NULL::timestamptz ELSE to_timestamp((2147483647 + 1) - NULL::int4) END)::text FROM items

INSERT INTO results (k, bo) SELECT 'fold-drop-and' || id, coalesce(true, (NULL::int4 + (1 / 0)) > 1 AND false) FROM items

-- arrays coerced element by element (ArrayCoerceExpr): varchar[] to text[]
-- as is, bigint[] to integer[] on assignment with int84's range check;
-- text[] || text[] is array_cat (array_append would need text[] elements)
-- construct: ARRAY[...]
UPDATE items SET tags = tags || ARRAY['x', 'y']

UPDATE items SET nums = ARRAY[id, id * 2]

UPDATE items SET nums = ARRAY[big]

UPDATE items SET nums = ARRAY[small, small * 2]::int8[] WHERE small IS NOT NULL

UPDATE items SET tags = ARRAY[name, name || '!']

INSERT INTO results (k, ta) SELECT 'agg-vc', array_agg(name ORDER BY name NULLS FIRST) FROM items

INSERT INTO results (k, ta) SELECT 'ordkeys-vc', array_agg(name ORDER BY score DESC NULLS LAST, uid) FROM items

-- named zones: the tz database PostgreSQL reads, both ways
-- construct: AT TIME ZONE
INSERT INTO results (k, ts) VALUES ('at', timestamptz '2024-01-01 00:00:00+00' AT TIME ZONE 'Europe/Paris')

INSERT INTO results (k, tz) VALUES ('at2', timestamp '2024-01-01 00:00:00' AT TIME ZONE 'Europe/Paris')

INSERT INTO results (k, tz) SELECT 'at3' || id, (lower(during) AT TIME ZONE 'America/New_York') AT TIME ZONE 'Asia/Kolkata' FROM items WHERE NOT isempty(during)

INSERT INTO results (k, tz) VALUES ('at-unknown', timestamp '2024-01-01 00:00:00' AT TIME ZONE 'Mars/Base')

-- construct: aggregate ORDER BY over interval and enum keys
INSERT INTO results (k, ta) SELECT 'ordspan', array_agg(name ORDER BY span) FROM items

INSERT INTO results (k, ta) SELECT 'ordspan2', array_agg(id::text ORDER BY span DESC NULLS LAST) FROM items

INSERT INTO results (k, t) SELECT 'ordspan3', string_agg(span::text, ';' ORDER BY span, id) FROM items

-- construct: time zones in timestamptz input
INSERT INTO results (k, tz) VALUES ('ny', '2024-11-03 01:30:00 America/New_York')

INSERT INTO results (k, tz) VALUES ('gap', '2024-03-10 02:30:00 America/New_York')

INSERT INTO results (k, tz) VALUES ('paris', '2024-07-01 12:00:00.25 Europe/Paris'), ('kolkata', '2000-01-01 Asia/Kolkata'), ('lower', '2024-01-01 10:00 europe/london')

INSERT INTO results (k, t) VALUES ('cast', ('2024-03-31 02:30 Europe/Berlin'::timestamptz)::text), ('ts', ('2024-03-31 02:30 Europe/Berlin'::timestamp)::text)

INSERT INTO results (k, tz) VALUES ('bad', '2024-01-01 10:00 Mars/Olympus')

INSERT INTO results (k, tz) VALUES ('old', '1900-01-01 00:00 Europe/Amsterdam'), ('lord', '2035-06-01 00:00 Australia/Lord_Howe')

-- construct: constant folding: COALESCE in a dropped CASE arm
UPDATE items SET score = CASE WHEN (NULL::int4 > 7) THEN coalesce(NULL::int4 + (1/0), id) ELSE 1 END

UPDATE items SET score = CASE WHEN (NULL::int4 > 7) THEN coalesce(NULL::int4 + (1/0), NULL, id) ELSE 2 END

UPDATE items SET score = coalesce(NULL::int4 + (1/0), id)

INSERT INTO results (k, bo) SELECT 'cj', CASE WHEN (NULL::int4 > 7) THEN coalesce((('{}'::jsonb -> 'a') @> (jsonb_set('[1]'::jsonb, '{a}', '1.50'::jsonb))), true) ELSE false END
