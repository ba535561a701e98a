-- A table with every type drydock must carry exactly, edge values and
-- NULLs.  With -v only_schema=1 only the schema is created.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE everything (
    id              int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    c_int2          smallint,
    c_int4          integer,
    c_int8          bigint,
    c_numeric       numeric,
    c_numeric_10_2  numeric(10,2),
    c_float4        real,
    c_float8        double precision,
    c_bool          boolean,
    c_text          text,
    c_varchar       varchar(12),
    c_char          char(3),
    c_uuid          uuid,
    c_json          json,
    c_jsonb         jsonb,
    c_date          date,
    c_time          time,
    c_timetz        timetz,
    c_timestamp     timestamp,
    c_timestamptz   timestamptz,
    c_interval      interval,
    c_int_arr       int[],
    c_text_arr      text[],
    c_bytea         bytea,
    c_mood          mood,
    CONSTRAINT everything_int4_positive CHECK (c_int4 IS NULL OR c_int4 > -2147483648)
);
CREATE INDEX everything_c_text_idx ON everything (c_text);
CREATE TABLE child (
    id      bigint PRIMARY KEY,
    parent  int REFERENCES everything(id) ON DELETE CASCADE,
    note    text NOT NULL DEFAULT 'n/a'
);
\if :{?only_schema}
\else
INSERT INTO everything (c_int2, c_int4, c_int8, c_numeric, c_numeric_10_2, c_float4, c_float8,
    c_bool, c_text, c_varchar, c_char, c_uuid, c_json, c_jsonb, c_date, c_time, c_timetz,
    c_timestamp, c_timestamptz, c_interval, c_int_arr, c_text_arr, c_bytea, c_mood) VALUES
 (32767, 2147483647, 9223372036854775807, 123456789012345678901234567890.123456789, 1234.50,
  3.4028235e38, 1.7976931348623157e308, true, E'tab\there\nnewline \\ backslash ''quote'' "dq" Zoë 北京 😀',
  'twelve chars', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '{ "b": 1,  "a": [1, 2, {"x": null}], "a": "dup" }', '{"k": [1, 2.50, {"z": null}], "u": "é\u00e9"}',
  '2024-02-29', '23:59:59.999999', '12:00:00+05:30', '2026-01-01 00:00:00.123456',
  '2019-03-04 05:06:07.890123+00', '1 year 2 mons 3 days 04:05:06.789', '{1,2,NULL,-3}',
  '{"a,b","c\"d",NULL,"NULL","",e}', '\x00ff10', 'happy'),
 (-32768, -2147483647, -9223372036854775808, 'NaN', -0.01, '-Infinity', 'NaN', false,
  E'line1\r\nline2', '', 'x', '00000000-0000-0000-0000-000000000000', 'null', '[]',
  'infinity', '00:00', '00:00:00-12', '-infinity', 'infinity', '-00:00:01', '{}', '{}', '\x', 'sad'),
 (0, 0, 0, 0, 0, 1.5e-45, 4.9e-324, NULL, E'\\N', NULL, NULL, NULL, NULL, NULL,
  '0044-03-15 BC', NULL, NULL, '1970-01-01 00:00:00', '1999-12-31 23:59:59.999999+00', '0', NULL, NULL,
  NULL, NULL),
 (NULL, NULL, NULL, 'Infinity', NULL, 'NaN', '-0', NULL, '', NULL, NULL, NULL, '"just a string"',
  '"é"', NULL, NULL, NULL, NULL, NULL, NULL, '{{1,2},{3,4}}', '{{"x"},{"y"}}', '\x5c7830', NULL),
 (1, 1, 1, 1e-20, 99999999.99, 1, 0.1, true, repeat('long ', 2000), 'a', 'abc',
  'ffffffff-ffff-ffff-ffff-ffffffffffff', '{}', '{}', '2000-01-01', '24:00:00', '24:00:00+00',
  '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', '1 day -00:00:01', '{0}', '{"\\\\"}', '\x0a0d09', 'ok'),
 (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO child VALUES (1, 1, 'first'), (2, 1, DEFAULT), (9007199254740993, 2, 'big key'),
 (-9007199254740993, NULL, 'neg key');
\endif
