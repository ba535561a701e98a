-- Known gaps, schema misc (misc.schema.sql): statements PostgreSQL
-- runs that drydock refuses before running them (or, marked in the
-- message, stops at run time with an error saying it cannot compute the
-- result exactly).  tests/e2e/test_pgdiff.sh counts them and fails if one
-- of them gives different rows; when one passes, move it to misc.sql.
-- Format: see library.sql.

UPDATE items SET tags = tags || ARRAY['x', 'y']

-- construct: ARRAY[...]
UPDATE items SET nums = ARRAY[id, id * 2]

-- construct: array_agg
INSERT INTO results (k, ta) SELECT 'agg', array_agg(name ORDER BY name NULLS FIRST) FROM items

UPDATE items SET score = power(2, 0.5)

-- construct: time zones in timestamptz input
INSERT INTO results (k, tz) VALUES ('ny', '2024-11-03 01:30:00 America/New_York')

INSERT INTO results (k, ts) VALUES ('at', timestamptz '2024-01-01 00:00:00+00' AT TIME ZONE 'Europe/Paris')

INSERT INTO results (k, tz) VALUES ('at2', timestamp '2024-01-01 00:00:00' AT TIME ZONE 'Europe/Paris')

INSERT INTO results (k, j) SELECT 'arr', jsonb_agg(x ORDER BY x) FROM unnest(ARRAY[3, 1, 2]) x

-- ordering of text (C collation of the test server)
-- construct: text ordering
INSERT INTO results (k, t) SELECT 'order', string_agg(name, ',' ORDER BY name) FROM items

INSERT INTO results (k, t) SELECT 'order desc', string_agg(name, ',' ORDER BY name DESC NULLS LAST) FROM items
