-- Known gaps, schema misc (misc.schema.sql): statements PostgreSQL
-- runs that drydock refuses before running them (or, marked in the
-- message, stops at run time with an error saying it cannot compute the
-- result exactly).  tests/e2e/test_pgdiff.sh counts them and fails if one
-- of them gives different rows; when one passes, move it to misc.sql.
-- Format: see library.sql.

-- PostgreSQL's own guard digits in power_var/ln_var/exp_var: refused
-- construct: power(numeric, numeric)
UPDATE items SET score = power(2, 0.5)

UPDATE items SET score = 2 ^ 0.5

