-- Differential corpus, schema library (library.schema.sql).
-- One case per block; blocks are separated by blank lines.  A block is a
-- step file: usually one statement.  Each case is applied by PostgreSQL and
-- by drydock from the same starting data; the tables must end up equal, or
-- both must refuse.  Cases PostgreSQL runs and drydock refuses belong in
-- library.gaps.sql.

-- numeric compared with a number (issue 11: 0 rows instead of 2,858)
-- construct: numeric comparison with a number
UPDATE loans SET member = 'cheap' WHERE fee < 0.5

-- construct: BETWEEN
UPDATE loans SET member = 'mid' WHERE fee BETWEEN 0.25 AND 0.75

UPDATE loans SET member = 'half' WHERE fee = 0.5

-- construct: nullif
UPDATE loans SET fee = nullif(fee, 0)

-- construct: CASE
UPDATE loans SET member = CASE WHEN fee > 1 THEN 'high' ELSE 'low' END

UPDATE loans SET fee = fee * 1.1

UPDATE books SET price = price * 1.005

-- construct: round(numeric, n)
UPDATE books SET price = round(price * 1.1, 2) WHERE price > 5

UPDATE books SET price = price / 3

UPDATE books SET price = price + 0.005

UPDATE books SET price = -price

-- construct: numeric(p,s) overflow is an error
UPDATE books SET price = price * 1000

UPDATE books SET price = trunc(price)

UPDATE books SET price = ceil(price) WHERE price IS NOT NULL

UPDATE books SET price = floor(price), pages = pages - 1 WHERE id < 8

UPDATE books SET price = round(price, 1)

UPDATE books SET price = round(price)

UPDATE books SET price = abs(price - 10)

-- construct: numeric(p,s) assignment rounds half away from zero
UPDATE books SET price = 12.345 WHERE id = 1

UPDATE books SET price = 12.355 WHERE id = 1

UPDATE books SET price = -12.345 WHERE id = 1

UPDATE books SET price = '7.125' WHERE id = 2

UPDATE books SET price = 9999.995 WHERE id = 1

-- construct: division by zero is an error
UPDATE books SET price = 1 / 0 WHERE id = 1

UPDATE books SET price = price / 0 WHERE id = 1

UPDATE books SET price = mod(pages, 7) WHERE pages IS NOT NULL

UPDATE books SET pages = pages * 2 WHERE id = 9

UPDATE books SET pages = pages + 1 WHERE id = 1

UPDATE books SET pages = pages / 2

UPDATE books SET pages = pages % 10

UPDATE books SET pages = -pages

-- construct: smallint overflow is an error
UPDATE books SET pages = 100000 WHERE id = 1

UPDATE books SET pages = 7 / 2 WHERE id = 1

-- construct: numeric to integer assignment rounds
UPDATE books SET pages = 7.5 WHERE id = 1

UPDATE books SET pages = 6.5 WHERE id = 2

UPDATE books SET pages = -2.5 WHERE id = 3

UPDATE books SET pages = price WHERE price IS NOT NULL

UPDATE books SET pages = length(title)

-- construct: integer overflow is an error
UPDATE books SET pages = 2147483647 + 1 WHERE id = 1

UPDATE books SET pages = (2147483647::bigint + 1) % 1000 WHERE id = 1

-- enums compare in label order
-- construct: enum comparison in label order
UPDATE books SET in_print = false WHERE rating >= 'PG-13'

DELETE FROM loans WHERE book_id IN (SELECT id FROM books WHERE rating < 'PG')

-- construct: enum: invalid label is an error
UPDATE books SET rating = 'X' WHERE id = 1

UPDATE books SET rating = 'G' WHERE rating IS NULL

-- char(n) padding
-- construct: char(n) pads
UPDATE books SET isbn = 'abc' WHERE id = 1

UPDATE books SET isbn = '12345678901234' WHERE id = 1

UPDATE books SET code = isbn WHERE isbn IS NOT NULL

UPDATE books SET code = isbn || '|' WHERE id = 10

UPDATE books SET in_print = (isbn = '123') WHERE id = 10

UPDATE books SET pages = length(isbn) WHERE id = 10

-- construct: varchar(n): too long is an error
UPDATE books SET code = 'x' || repeat('y', 40) WHERE id = 1

UPDATE books SET code = repeat('é', 40) WHERE id = 1

UPDATE books SET code = 'trailing spaces   ' || repeat(' ', 30) WHERE id = 1

UPDATE books SET code = CAST(title AS varchar(4))

-- booleans
-- construct: boolean literals
UPDATE books SET code = 'yes' WHERE in_print = 't'

UPDATE books SET in_print = NOT in_print

UPDATE books SET in_print = 'yes' WHERE id = 5

UPDATE books SET in_print = 'maybe' WHERE id = 5

UPDATE books SET code = in_print::text

UPDATE books SET in_print = in_print IS NOT TRUE

UPDATE books SET in_print = (pages > 300) AND in_print

UPDATE books SET in_print = (pages > 300) OR in_print

-- LIKE and friends
-- construct: LIKE
UPDATE books SET code = 'like' WHERE title LIKE 'The%'

UPDATE books SET code = 'like' WHERE title LIKE 'the%'

-- construct: ILIKE
UPDATE books SET code = 'ilike' WHERE title ILIKE 'the%'

UPDATE books SET code = 'ilike' WHERE title ILIKE '%ÉCLAIR%'

UPDATE books SET code = 'notlike' WHERE title NOT LIKE '%a%'

UPDATE books SET code = 'esc' WHERE title LIKE '%\_%' OR code LIKE '__-_'

-- construct: regular expressions ~ ~* !~
UPDATE books SET code = 'regex' WHERE title ~ '^[A-Z][a-z]+$'

UPDATE books SET code = 'iregex' WHERE title ~* 'solaris|WOOD'

UPDATE books SET code = 'notregex' WHERE title !~ 'e'

-- string functions
-- construct: upper, lower, initcap
UPDATE authors SET name = upper(name)

UPDATE authors SET name = lower(name)

UPDATE authors SET name = initcap(lower(name))

-- construct: substring, position
UPDATE authors SET country = substring(name from 2 for 3)

UPDATE authors SET country = substring(name, 3)

UPDATE authors SET country = position('a' in name)::text

UPDATE authors SET name = replace(name, 'a', 'A')

-- construct: split_part
UPDATE authors SET country = split_part(name, ' ', 2)

UPDATE authors SET country = split_part(name, ' ', -1)

-- construct: lpad, rpad
UPDATE authors SET country = lpad(country, 8, '*')

UPDATE authors SET country = rpad(country, 3)

UPDATE authors SET country = trim(both 'a' from country)

UPDATE authors SET name = trim(' ' || name || '  ')

UPDATE authors SET name = ltrim(name, 'USJ')

UPDATE authors SET country = left(name, 3) || right(name, -3)

UPDATE authors SET country = left(name, -2)

-- construct: concat, concat_ws
UPDATE authors SET name = concat(name, ' (', country, ')')

UPDATE authors SET name = concat_ws(', ', name, country, born)

-- construct: format
UPDATE authors SET name = format('%s from %s, born %s', name, country, born)

UPDATE authors SET name = format('%I %L', name, country)

-- construct: regexp_replace, regexp_match
UPDATE authors SET name = regexp_replace(name, '[aeiou]', '_', 'g')

UPDATE authors SET name = regexp_replace(name, '(\w+) (\w+)', '\2, \1')

-- construct: md5
UPDATE authors SET country = md5(name)

UPDATE authors SET country = reverse(name) WHERE id < 4

UPDATE authors SET country = length(name)::text || '/' || octet_length(name)::text

UPDATE authors SET name = name || NULL WHERE id = 1

-- construct: coalesce
UPDATE authors SET country = coalesce(country, 'unknown')

-- construct: greatest, least
UPDATE authors SET country = greatest(country, 'Norway')

UPDATE authors SET country = least(country, name, 'M')

-- construct: to_char
UPDATE authors SET country = to_char(born, 'YYYY-MM-DD Dy')

UPDATE authors SET country = to_char(born, 'DD Mon YYYY')

-- construct: to_char of numbers
UPDATE books SET code = to_char(price, 'FM999.00')

UPDATE loans SET member = to_char(fee, 'FM999.00')

UPDATE loans SET member = to_char(-fee, 'FM990.00MI')

UPDATE books SET code = to_char(price, '9G999D99S')

UPDATE books SET code = to_char(price, '"$"FM999.00PR') || to_char(-price, ' FM999.00PR')

UPDATE books SET code = to_char(price * 100, '999.99')

UPDATE books SET code = to_char(price, '999V99')

UPDATE books SET code = to_char(pages, 'FM9,999th')

UPDATE books SET code = to_char(pages, 'RN') WHERE pages BETWEEN 1 AND 3999

UPDATE books SET code = to_char(pages::int8 * 1000000007, 'FM999,999,999,999,999')

UPDATE books SET code = to_char(price::float8 / 7, '9.99EEEE')

UPDATE books SET code = to_char(price::float4 / 3, 'FM9999.999999')

UPDATE books SET code = to_char(price, '9.9.9')

UPDATE books SET code = to_char(price, '99.99EEEE' || title)

-- construct: to_number
UPDATE books SET price = to_number('$' || price::text, '"$"999.99')

UPDATE loans SET fee = to_number(to_char(-fee, 'FM999.00MI'), 'FM999.99MI')

UPDATE books SET pages = to_number(isbn, '9999')

UPDATE books SET price = to_number(title, '999.99')

-- dates and times
-- construct: date + integer
UPDATE authors SET born = born + 365

UPDATE authors SET born = born - 1

-- construct: date/timestamp +/- interval
UPDATE authors SET born = born + interval '1 month'

UPDATE authors SET born = '2020-06-01' WHERE id = 5

-- construct: invalid date input is an error
UPDATE authors SET born = '2020-02-30' WHERE id = 5

-- construct: free-form date input (month names, DateStyle MDY order)
UPDATE authors SET born = 'June 1, 2020' WHERE id = 5

UPDATE authors SET country = 'old' WHERE born < 'June 1, 1925'

INSERT INTO authors VALUES (90, 'New', 'X', 'Jan 8 1999')

UPDATE books SET published = '1999-Jan-08', added = 'Sat Jan 08 1999 04:05 PM EST' WHERE id = 1

UPDATE books SET published = '08-Jan-99' WHERE published > '12/31/1970'

UPDATE loans SET due = '1/8/1999', loaned = 'January 8, 1999 04:05:06.5+02' WHERE id = 1

UPDATE loans SET due = due + 1 WHERE due BETWEEN 'Jan 1 2000' AND 'Dec 31 2030'

UPDATE authors SET born = 'J2451187' WHERE id = 1

UPDATE authors SET born = 'Feb 29 2023' WHERE id = 1

UPDATE authors SET born = '13/01/1999' WHERE id = 1

UPDATE authors SET born = 'Jan 8 1999 xyz' WHERE id = 1

-- construct: make_date
UPDATE authors SET born = make_date(2000, 2, 29) WHERE id = 5

-- construct: date_trunc
UPDATE authors SET born = date_trunc('month', born)

UPDATE authors SET born = date_trunc('year', born)::date

-- construct: extract, date_part
UPDATE authors SET country = extract(year from born)::text

UPDATE authors SET country = date_part('dow', born)::text

UPDATE authors SET country = extract(epoch from born)::text

-- construct: age
UPDATE authors SET country = age(date '2024-01-01', born)::text

UPDATE authors SET country = (date '2024-01-01' - born)::text

UPDATE books SET added = added + interval '1 day 2 hours'

UPDATE books SET added = added - interval '1 month'

UPDATE books SET added = date_trunc('day', added)

UPDATE books SET added = '2024-06-01' WHERE id = 1

UPDATE books SET added = '2024-06-01 12:00:00+05:30' WHERE id = 2

-- construct: to_timestamp
UPDATE books SET added = to_timestamp(1700000000) WHERE id = 1

UPDATE books SET added = published WHERE published IS NOT NULL

UPDATE books SET published = added WHERE added IS NOT NULL

UPDATE books SET code = extract(dow from added)::text || '-' || extract(hour from added)::text

UPDATE books SET in_print = added > '2021-01-01'

UPDATE books SET in_print = added BETWEEN '2020-01-01' AND '2020-12-31 23:59:59'

UPDATE loans SET due = due + 7 WHERE returned = false

UPDATE loans SET due = loaned::date + 14

UPDATE loans SET member = (due - loaned::date)::text

UPDATE loans SET returned = true WHERE due < date '2024-03-01'

-- construct: now(), current_date
UPDATE loans SET loaned = now() WHERE id = 4

UPDATE loans SET due = current_date WHERE id = 4

UPDATE loans SET member = age(loaned)::text WHERE id = 1

UPDATE loans SET member = (timestamptz '2024-03-31 01:59:00+00' + interval '1 hour')::text WHERE id = 1

-- jsonb
-- construct: jsonb - key
UPDATE books SET meta = meta - 'tags'

-- construct: jsonb ||
UPDATE books SET meta = meta || '{"new": true}'

-- construct: jsonb -> ->>
UPDATE books SET code = meta ->> 'series'

UPDATE books SET code = meta -> 'tags' ->> 0

-- construct: jsonb @> <@
UPDATE books SET in_print = meta @> '{"tags": ["sf"]}'

UPDATE books SET in_print = '{"stock": 3}' <@ meta

UPDATE books SET pages = (meta ->> 'stock')::int WHERE meta ? 'stock'

UPDATE books SET price = (meta ->> 'price')::numeric WHERE id = 9

-- construct: jsonb_typeof
UPDATE books SET code = jsonb_typeof(meta -> 'stock')

-- construct: jsonb_strip_nulls
UPDATE books SET meta = jsonb_strip_nulls(meta)

-- construct: jsonb_build_object, jsonb_build_array
UPDATE books SET meta = jsonb_build_object('title', title, 'price', price, 'pages', pages, 'added', added)

UPDATE books SET meta = jsonb_build_array(id, title, in_print, NULL)

-- construct: to_jsonb
UPDATE books SET meta = to_jsonb(title)

UPDATE books SET meta = to_jsonb(published)

UPDATE books SET meta = (SELECT jsonb_object_agg(l.member, l.fee) FROM loans l WHERE l.book_id = books.id AND l.member IS NOT NULL)

UPDATE books SET meta = '{"b": 1, "a": 2, "a": 3}' WHERE id = 1

UPDATE books SET meta = '{bad json' WHERE id = 1

UPDATE books SET meta = '[1.0, 1e3, -0, 0.00001]' WHERE id = 1

-- aggregates
-- construct: max/min of numeric
UPDATE authors SET country = (SELECT max(price)::text FROM books)

UPDATE authors SET country = (SELECT min(price)::text FROM books b WHERE b.author_id = authors.id)

-- construct: sum, avg with PostgreSQL's result types
UPDATE authors SET country = (SELECT sum(price)::text FROM books b WHERE b.author_id = authors.id)

UPDATE authors SET country = (SELECT avg(price)::text FROM books b WHERE b.author_id = authors.id)

UPDATE authors SET country = (SELECT avg(pages)::text FROM books b WHERE b.author_id = authors.id)

UPDATE authors SET country = (SELECT sum(pages)::text FROM books b WHERE b.author_id = authors.id)

UPDATE authors SET country = (SELECT count(*)::text || '/' || count(price)::text FROM books b WHERE b.author_id = authors.id)

-- construct: bool_and, bool_or
UPDATE authors SET country = (SELECT bool_and(in_print)::text || bool_or(in_print)::text FROM books b WHERE b.author_id = authors.id)

UPDATE authors SET country = (SELECT max(title) FROM books)

UPDATE authors SET country = (SELECT max(rating)::text FROM books b WHERE b.author_id = authors.id)

-- window functions
-- construct: row_number
UPDATE books SET pages = r.rn FROM (SELECT id, row_number() OVER (PARTITION BY author_id ORDER BY price DESC NULLS LAST, id) AS rn FROM books) r WHERE r.id = books.id

-- construct: rank, dense_rank
UPDATE books SET pages = r.rk FROM (SELECT id, rank() OVER (ORDER BY rating) AS rk FROM books) r WHERE r.id = books.id

UPDATE books SET pages = r.rk FROM (SELECT id, dense_rank() OVER (ORDER BY rating DESC) AS rk FROM books) r WHERE r.id = books.id

-- construct: lag, lead
UPDATE books SET code = r.prev FROM (SELECT id, lag(title) OVER (ORDER BY id) AS prev FROM books) r WHERE r.id = books.id

UPDATE books SET price = r.nxt FROM (SELECT id, lead(price, 1, 0.00) OVER (ORDER BY id) AS nxt FROM books) r WHERE r.id = books.id

UPDATE books SET price = r.s FROM (SELECT id, sum(price) OVER (PARTITION BY author_id) AS s FROM books) r WHERE r.id = books.id

-- statements: UPDATE FROM, DELETE USING, INSERT forms, CTEs
-- construct: UPDATE ... FROM with aliases
UPDATE loans l SET fee = l.fee + b.price FROM books b WHERE b.id = l.book_id AND b.price > 10

-- construct: DELETE ... USING with aliases
DELETE FROM loans l USING books b WHERE l.book_id = b.id AND b.in_print IS NOT TRUE

DELETE FROM loans WHERE member IS NULL OR member ILIKE 'ana'

DELETE FROM loans

INSERT INTO authors VALUES (7, 'New Author', 'Chile', '1990-01-01')

-- construct: INSERT ... VALUES
INSERT INTO authors (id, name) VALUES (8, 'Nobody'), (9, 'Somebody')

INSERT INTO authors (id, name) VALUES (1, 'duplicate')

-- construct: ON CONFLICT DO NOTHING
INSERT INTO authors (id, name) VALUES (1, 'duplicate') ON CONFLICT DO NOTHING

-- construct: ON CONFLICT DO UPDATE
INSERT INTO authors (id, name, country) VALUES (1, 'Ursula', 'US'), (10, 'Ten', NULL) ON CONFLICT (id) DO UPDATE SET name = excluded.name, country = coalesce(excluded.country, authors.country)

INSERT INTO authors (id, name) VALUES (11, NULL)

INSERT INTO loans (id, book_id, member, fee) VALUES (100, 1, 'zed', 1.999)

INSERT INTO loans (id, book_id, member) VALUES (102, 999, 'nobody')

-- construct: INSERT ... SELECT
INSERT INTO loans (id, book_id, member, fee, loaned, due) SELECT 200 + id, id, 'bulk', price / 10, added, published FROM books WHERE added IS NOT NULL

-- construct: INSERT ... DEFAULT
INSERT INTO loans (id, book_id, member, returned) VALUES (103, 2, 'def', DEFAULT)

INSERT INTO books (id, title, author_id, isbn) VALUES (11, 'Short', 1, '42')

INSERT INTO books (id, title, code) VALUES (12, 'Long', repeat('x', 41))

-- construct: CTE (WITH)
WITH cheap AS (SELECT id FROM books WHERE price < 5) UPDATE books SET in_print = false WHERE id IN (SELECT id FROM cheap)

-- construct: WITH RECURSIVE
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) INSERT INTO authors (id, name) SELECT 100 + i, 'gen ' || i FROM n

-- construct: DISTINCT ON
INSERT INTO authors (id, name) SELECT DISTINCT ON (author_id) 200 + author_id, title FROM books WHERE author_id IS NOT NULL ORDER BY author_id, price DESC NULLS LAST

-- construct: ORDER BY ... NULLS FIRST/LAST
INSERT INTO authors (id, name) SELECT 300 + row_number() OVER (ORDER BY country NULLS FIRST, id), country FROM authors WHERE country IS NOT NULL OR id = 5

UPDATE books SET code = 'top' WHERE id IN (SELECT id FROM books ORDER BY price DESC NULLS LAST LIMIT 3)

-- construct: LIMIT/OFFSET
UPDATE books SET code = 'next' WHERE id IN (SELECT id FROM books ORDER BY price NULLS FIRST LIMIT 2 OFFSET 1)

-- construct: GROUP BY/HAVING
UPDATE authors SET country = 'many' WHERE id IN (SELECT author_id FROM books GROUP BY author_id HAVING count(*) > 1)

-- construct: set operations (UNION, INTERSECT, EXCEPT)
UPDATE authors SET country = 'both' WHERE id IN (SELECT author_id FROM books WHERE rating = 'PG' INTERSECT SELECT author_id FROM books WHERE in_print)

UPDATE authors SET country = 'either' WHERE id IN (SELECT author_id FROM books WHERE price > 20 UNION SELECT author_id FROM books WHERE pages < 200)

UPDATE authors SET country = 'none' WHERE id IN (SELECT id FROM authors EXCEPT SELECT author_id FROM books)

-- construct: subqueries (EXISTS, IN, scalar)
UPDATE authors a SET country = 'exists' WHERE EXISTS (SELECT 1 FROM books b WHERE b.author_id = a.id AND b.price > 15)

UPDATE authors SET country = 'notin' WHERE id NOT IN (SELECT author_id FROM books WHERE author_id IS NOT NULL AND price > 10)

-- construct: IS DISTINCT FROM
UPDATE books SET author_id = NULL WHERE author_id IS DISTINCT FROM 5

UPDATE books SET code = 'nd' WHERE in_print IS NOT DISTINCT FROM NULL

UPDATE books SET title = title || ' (' || coalesce(rating::text, '?') || ')'

-- construct: CREATE TEMP TABLE ... AS (scratch)
CREATE TEMP TABLE best AS SELECT author_id, max(price) AS p FROM books GROUP BY author_id;
UPDATE books SET code = 'best' FROM best WHERE best.author_id = books.author_id AND best.p = books.price

-- construct: CREATE TABLE (scratch)
CREATE TABLE scratch_l (id int, v text);
INSERT INTO scratch_l SELECT id, upper(title) FROM books;
UPDATE books SET title = s.v FROM scratch_l s WHERE s.id = books.id AND s.id < 4

-- construct: TRUNCATE
TRUNCATE loans

-- construct: :: and CAST
UPDATE books SET price = CAST(pages AS numeric) / 100

UPDATE books SET price = pages::numeric(6,2) / 7

UPDATE books SET code = price::text || ' ' || (price::float8)::text

UPDATE books SET code = (price * 100)::int::text

UPDATE books SET code = '12abc'::int::text WHERE id = 1

UPDATE authors SET country = (regexp_match(name, '([A-Z])\w+$'))[1]

-- construct: jsonb_set, jsonb ?
UPDATE books SET meta = jsonb_set(meta, '{stock}', '0') WHERE meta ? 'stock'

UPDATE books SET meta = jsonb_set(meta, '{shelf,row}', '5', false)

-- construct: jsonb_insert
UPDATE books SET meta = jsonb_insert(meta, '{tags,0}', '"first"') WHERE meta ? 'tags'

-- construct: jsonb #-
UPDATE books SET meta = meta #- '{shelf,room}'

-- construct: jsonb #> #>>
UPDATE books SET code = meta #>> '{shelf,room}'

UPDATE books SET code = (meta #> '{a,b}')::text

-- construct: jsonb ?| ?&
UPDATE books SET in_print = meta ?| array['series', 'prize']

UPDATE books SET in_print = meta ?& array['tags', 'stock']

-- construct: jsonb_array_elements
UPDATE books SET pages = (SELECT count(*) FROM jsonb_array_elements(books.meta -> 'tags'))

-- construct: = ANY, ALL
UPDATE books SET code = 'any' WHERE id = ANY (ARRAY[1, 3, 5])

-- aggregates with ORDER BY (fn_ordagg): rows sorted by the keys' orders
-- construct: jsonb_agg, jsonb_object_agg
UPDATE books SET meta = (SELECT jsonb_agg(l.member ORDER BY l.id) FROM loans l WHERE l.book_id = books.id)

-- construct: jsonb_each
UPDATE books SET code = (SELECT string_agg(key, ',' ORDER BY key) FROM jsonb_each(books.meta))

-- construct: string_agg
UPDATE authors SET name = (SELECT string_agg(title, '; ' ORDER BY title) FROM books b WHERE b.author_id = authors.id)

UPDATE authors SET country = (SELECT array_to_string(a, ',') FROM (SELECT array_agg(id ORDER BY id DESC) AS a FROM books b WHERE b.author_id = authors.id) s)

-- an array cast to text: array_out's text, which is how arrays are stored
-- construct: array to text casts
UPDATE authors SET country = (SELECT array_agg(id ORDER BY id)::text FROM books b WHERE b.author_id = authors.id)

-- named time zones (tz database), both ways
-- construct: AT TIME ZONE
UPDATE books SET added = date_trunc('hour', added AT TIME ZONE 'America/New_York') AT TIME ZONE 'America/New_York'

UPDATE books SET code = to_char(added AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI')

-- construct: SIMILAR TO
UPDATE books SET code = 'similar' WHERE title SIMILAR TO '(The|A) %'

UPDATE books SET code = 'nsim' WHERE title NOT SIMILAR TO '%(a|e)%' ESCAPE '#'

UPDATE books SET code = 'sim2' WHERE title SIMILAR TO '%[0-9]+%' OR title SIMILAR TO NULL

UPDATE books SET code = 'sim3' WHERE code SIMILAR TO '_{3}%#_%' ESCAPE '#'

-- construct: op ANY/ALL (subquery)
UPDATE books SET code = 'all' WHERE pages > ALL (SELECT pages FROM books WHERE id < 3)

UPDATE books SET code = 'any' WHERE pages < ANY (SELECT pages FROM books WHERE id < 3)

UPDATE books SET code = 'allnull' WHERE pages > ALL (SELECT NULL::int FROM books WHERE id < 3)

UPDATE books SET code = 'allempty' WHERE pages > ALL (SELECT pages FROM books WHERE false)

UPDATE books SET code = 'anyempty' WHERE NOT (pages > ANY (SELECT pages FROM books WHERE false))

UPDATE books SET code = 'ne' WHERE title <> ALL (SELECT title FROM books b2 WHERE b2.id <> books.id)

UPDATE books SET code = 'eqall' WHERE price = ALL (SELECT price FROM books b2 WHERE b2.id = books.id)

UPDATE books SET code = CASE WHEN price >= ALL (SELECT 1.5) THEN 'x' WHEN price <= ANY (SELECT pages FROM books) IS NULL THEN 'n' END

UPDATE books SET code = 'nall' WHERE pages >= ALL (SELECT pages FROM books UNION ALL SELECT NULL)

-- construct: ON CONFLICT DO UPDATE affecting a row twice is an error
INSERT INTO authors (id, name, country) VALUES (1, 'A', 'US'), (1, 'B', NULL) ON CONFLICT (id) DO UPDATE SET name = excluded.name

INSERT INTO authors (id, name, country) VALUES (50, 'A', 'US'), (50, 'B', NULL) ON CONFLICT (id) DO UPDATE SET name = excluded.name

INSERT INTO authors (id, name, country) VALUES (1, 'A', 'US'), (1, 'B', NULL) ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE false

INSERT INTO authors (id, name, country) VALUES (50, 'A', 'US'), (50, 'B', NULL) ON CONFLICT (id) DO NOTHING

INSERT INTO authors (id, name) SELECT 60 + id % 2, name FROM authors ON CONFLICT (id) DO UPDATE SET name = excluded.name || '!'

INSERT INTO authors (id, name, country) VALUES (1, 'A', 'US'), (1, 'B', NULL) ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE excluded.name = 'B'

INSERT INTO authors (id, name, country) VALUES (1, 'A', 'US'), (2, 'B', NULL), (1, 'C', 'FR') ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE excluded.name <> 'A'

-- construct: UPDATE ... FROM joining a row several times
UPDATE authors a SET born = '1900-01-01' FROM books b WHERE b.author_id = a.id

UPDATE authors a SET country = NULL, name = upper(a.name) FROM books b WHERE b.author_id = a.id AND b.id > 5

UPDATE authors a SET country = b.code FROM books b WHERE b.author_id = a.id AND b.id IN (1, 2, 3)

UPDATE authors a SET country = 'x' || (b.pages / 0) FROM books b WHERE b.author_id = a.id

UPDATE books SET price = price + 1 FROM (SELECT 1 AS one UNION ALL SELECT 1) o WHERE books.id < 4

UPDATE books SET price = price + o.one FROM (SELECT 1 AS one UNION ALL SELECT 2) o WHERE books.id > 100

-- construct: INSERT ... SELECT of NULL into a NOT NULL column
INSERT INTO authors (id, name) SELECT NULL, 'x'

INSERT INTO authors (id, name) SELECT max(id) + 1, NULL FROM authors

INSERT INTO authors (id, name) SELECT id + 100, 'y' FROM authors WHERE id < 3 UNION ALL SELECT NULL, 'z'

INSERT INTO loans (id, book_id, returned) SELECT 500, 1, NULL

INSERT INTO authors (id, name) SELECT id + 100, country FROM authors ORDER BY country NULLS LAST LIMIT 1

INSERT INTO authors (id, name) SELECT id + 100, country FROM authors WHERE country IS NOT NULL

INSERT INTO authors (id, name) SELECT DISTINCT id + 100, 'n' || id FROM authors

-- construct: RETURNING
INSERT INTO loans (id, book_id, member) VALUES (101, 1, 'zed') RETURNING id

-- construct: data-modifying WITH
WITH moved AS (DELETE FROM loans WHERE returned RETURNING book_id) UPDATE books SET in_print = true WHERE id IN (SELECT book_id FROM moved)

WITH moved AS (DELETE FROM loans WHERE returned RETURNING *) INSERT INTO authors (id, name) SELECT 1000 + id, member FROM moved WHERE member IS NOT NULL

WITH up AS (UPDATE books SET price = price * 2 WHERE price > 5 RETURNING id, price) UPDATE authors SET name = name || (SELECT count(*) FROM up)

WITH d AS (DELETE FROM loans WHERE id < 0) UPDATE books SET code = 'x' WHERE id = 1

WITH a AS (INSERT INTO authors (id, name) VALUES (77, 'seven') RETURNING id AS aid, upper(name) AS n), b AS (DELETE FROM loans WHERE fee > 1 RETURNING id) INSERT INTO authors (id, name) SELECT aid + 1, n || (SELECT count(*) FROM b) FROM a

UPDATE books SET price = price + 1 WHERE id = 1 RETURNING price / 0

DELETE FROM loans WHERE id = 1 RETURNING 1 / (fee - fee)

INSERT INTO authors (id, name) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING id, name

INSERT INTO authors AS a (id, name) VALUES (1, 'x'), (300, 'y') ON CONFLICT (id) DO NOTHING RETURNING a.id

WITH x AS (UPDATE loans SET fee = fee + 1 RETURNING count(*)) SELECT 1

WITH d AS (DELETE FROM loans WHERE id < 3) SELECT * FROM d

-- construct: time zones in timestamptz input
UPDATE books SET added = '2024-03-10 02:30:00 America/New_York' WHERE id = 1

WITH d(bid) AS (DELETE FROM loans WHERE returned RETURNING book_id) UPDATE books SET in_print = true WHERE id IN (SELECT bid FROM d)

WITH x(a, b) AS (SELECT 1, 2) INSERT INTO authors (id, name) SELECT a + 500, b::text FROM x

WITH x(a, b, c) AS (SELECT 1, 2) SELECT 1

-- construct: domains over base types and enums
UPDATE editions SET year = year + 1

UPDATE editions SET year = 1200 WHERE id = 1

UPDATE editions SET year = greatest(year, 1970)

INSERT INTO editions (id, book_id, year, audience) VALUES (4, 2, '1999', 'PG')

UPDATE editions SET audience = 'G' WHERE id = 3

UPDATE editions SET audience = 'R' WHERE id = 1

UPDATE editions SET audience = 'PG'::kidrating

UPDATE editions SET audience = 'G' WHERE audience::rating > 'G'

UPDATE editions SET audience = 'G' WHERE audience > 'G'

UPDATE editions SET audience = 'G' WHERE audience IN ('PG', 'R')

UPDATE editions SET label = (SELECT max(audience) FROM editions)

UPDATE editions SET label = (SELECT max(audience::rating) FROM editions)

UPDATE editions SET label = audience::text

UPDATE editions SET label = coalesce(audience, 'G')::text

UPDATE editions SET label = 'none' WHERE audience IS NULL

UPDATE editions e SET audience = b.rating FROM books b WHERE b.id = e.book_id

UPDATE editions e SET audience = b.rating FROM books b WHERE b.id = e.book_id + 1 AND b.rating <= 'PG'

UPDATE editions SET label = (SELECT audience FROM editions ORDER BY audience DESC NULLS LAST LIMIT 1)

UPDATE editions SET label = 'x' WHERE 'PG'::kidrating < 'G'

UPDATE editions SET label = ('G'::kidrating)::text

UPDATE editions SET audience = 'PG'::kidrating WHERE id = 2

UPDATE editions SET label = 'y' WHERE 'PG'::kidrating::rating > 'G'

-- construct: enum arrays with = ANY / <> ALL
UPDATE books SET code = 'kid' WHERE rating = ANY ('{G,PG}')

UPDATE books SET code = 'any' WHERE 'R' = ANY (ARRAY[rating, 'G'])

UPDATE books SET code = 'all' WHERE rating <> ALL (ARRAY['R', 'NC-17']::rating[])

UPDATE books SET code = 'rem' WHERE cardinality(array_remove(ARRAY[rating, 'PG'], 'PG')) = 0

UPDATE books SET pages = array_position(ARRAY['G', 'PG', 'PG-13', 'R']::rating[], rating)
