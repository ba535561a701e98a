-- Known gaps, schema shop (shop.schema.sql): statements PostgreSQL
-- runs that drydock refuses before running them (or, marked in the
-- message, stops at run time with an error saying it cannot compute the
-- result exactly).  tests/e2e/test_pgdiff.sh counts them and fails if one
-- of them gives different rows; when one passes, move it to shop.sql.
-- Format: see library.sql.

-- stops at run time: the column default's nextval() of an INTEGER PRIMARY
-- KEY is evaluated after the row's other values in SQLite, so currval() in
-- the same row is not yet defined; PostgreSQL evaluates left to right
INSERT INTO customers (email, tier) VALUES ('seq@x', currval('customers_id_seq'))
