-- Schema "misc": uuid, arrays, intervals, bytea, floats, ranges, and an
-- "results" table whose typed columns receive expressions (assignment casts).
CREATE TABLE items (
	id bigint PRIMARY KEY,
	uid uuid,
	name varchar(10),
	tags text[],
	nums integer[],
	span interval,
	data bytea,
	score float8,
	ratio float4,
	during tstzrange,
	valid daterange,
	qty int4range,
	big bigint,
	small smallint,
	amount numeric,
	flag boolean,
	doc jsonb
);

CREATE TABLE results (
	k text PRIMARY KEY,
	t text,
	n numeric,
	i integer,
	b8 bigint,
	s2 smallint,
	f float8,
	bo boolean,
	d date,
	ts timestamp,
	tz timestamptz,
	iv interval,
	j jsonb,
	ta text[],
	ia integer[],
	u uuid,
	by bytea,
	n52 numeric(5,2),
	vc varchar(5),
	ch char(4)
);

INSERT INTO items VALUES
	(1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'alpha', '{red,green}', '{1,2,3}', '1 day 02:00:00', '\xdeadbeef', 1.5, 0.1, '[2024-01-01 00:00:00+00,2024-02-01 00:00:00+00)', '[2024-01-01,2024-12-31]', '[1,10)', 9223372036854775807, 32767, 123.4500, true, '{"a": 1, "b": [1, 2, {"c": "d"}], "n": null}'),
	(2, '00000000-0000-0000-0000-000000000000', 'beta', '{}', '{}', '-3 mons +5 days', '\x', -0.0, 3.4028235e+38, 'empty', 'empty', 'empty', -9223372036854775808, -32768, -0.5, false, '[1, "two", 3.0, true, null]'),
	(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	(4, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', 'gamma ü', '{"with space","NULL",NULL,"q\"uote"}', '{-1,0,2147483647}', '1 year 2 mons 3 days 04:05:06.789', '\x00ff10', 'NaN', 'Infinity', '(,2025-01-01 00:00:00+00]', '[2020-02-28,)', '(0,5]', 0, 0, 1e-10, NULL, '"just a string"'),
	(5, 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13', 'δέλτα', '{a,b,c,d}', '{5,5,5}', '00:00:00.000001', '\x41424344', -1e300, -1.25, '[2024-06-01 12:00:00+00,2024-06-01 13:00:00+00]', '[2024-03-01,2024-03-31)', '[-5,-1]', 42, 7, 999999999999.999999, true, '{"k": {"k2": {"k3": [10, 20]}}, "arr": []}'),
	(6, 'c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a14', 'epsilon', '{z}', '{10}', '-1 days', '\x0a', 2.5, 2.5, NULL, '(2023-01-01,2023-01-02)', '[3,3]', 1000000, 100, 2.5, false, '{"x": 1.10, "y": 1e2}');

INSERT INTO results (k) VALUES ('seed');
