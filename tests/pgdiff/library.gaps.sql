-- Known gaps, schema library (library.schema.sql): statements PostgreSQL
-- runs that drydock refuses before running them (or, marked in the
-- message, stops at run time with an error saying it cannot compute the
-- result exactly).  tests/e2e/test_pgdiff.sh counts them and fails if one
-- of them gives different rows; when one passes, move it to library.sql.
-- Format: see library.sql.

-- refused: L prints lc_monetary's currency symbol, which drydock cannot
-- know (the test server's C locale prints a blank)
-- construct: to_char(number) with L
UPDATE books SET code = to_char(price, 'L999.99')

-- PL/pgSQL is refused by design: a loop belongs in a batched step
-- construct: PL/pgSQL DO blocks
DO $$ BEGIN UPDATE books SET title = upper(title); END $$

-- stops at run time: a target row joined with several FROM rows giving
-- different values; PostgreSQL takes one, and which is unpredictable
-- construct: UPDATE ... FROM with several different new values per row
UPDATE authors a SET country = b.code FROM books b WHERE b.author_id = a.id

UPDATE authors a SET name = a.name || b.id FROM books b WHERE b.author_id = a.id

-- refused: a data-modifying WITH query writes a table another part of the
-- statement names (PostgreSQL's parts all see the table as it was before)
-- construct: data-modifying WITH naming its table elsewhere
WITH d AS (DELETE FROM loans RETURNING id) SELECT count(*) FROM loans

WITH d AS (DELETE FROM loans WHERE fee IS NULL RETURNING id) DELETE FROM loans WHERE id IN (SELECT id FROM d)

-- refused: ordering an enum against an array's elements needs the label
-- order inside the array module, which compares enum elements by label
-- construct: enum op ANY/ALL (array) with <, <=, >, >=
UPDATE books SET code = 'lt' WHERE rating < ANY ('{PG-13}')
