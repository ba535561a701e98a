-- Differential corpus, schema shop (shop.schema.sql): defaults (constants,
-- expressions, serial, identity, sequences, now()), foreign keys, unique
-- and CHECK constraints.  Format: see library.sql.

-- defaults on INSERT
-- construct: DEFAULT: serial (nextval), now(), constants
INSERT INTO customers (email) VALUES ('new@example.com')

INSERT INTO customers (email, name) VALUES ('a@x', 'A'), ('b@x', 'B'), ('c@x', 'C')

INSERT INTO customers (email, tier, credit) VALUES ('d@x', DEFAULT, DEFAULT)

INSERT INTO customers (email, note) VALUES ('e@x', NULL)

INSERT INTO customers (id, email) VALUES (50, 'explicit@x')

-- construct: CHECK violation is refused
INSERT INTO customers (email, credit) VALUES ('neg@x', -1)

-- construct: unique violation is refused
INSERT INTO customers (email) VALUES ('ann@example.com')

INSERT INTO customers (email, name) SELECT 'copy-' || email, upper(name) FROM customers WHERE active

INSERT INTO customers (email, note) VALUES ('long@x', 'this note is far too long for twenty')

INSERT INTO customers (email, credit) VALUES ('round@x', 12.345)

INSERT INTO customers (email, tier) VALUES ('tier@x', 40000)

-- construct: DEFAULT: identity BY DEFAULT, expressions
INSERT INTO orders (customer_id) VALUES (1)

INSERT INTO orders (customer_id, total) VALUES (2, 19.999), (3, 0.001)

INSERT INTO orders (customer_id, status) VALUES (4, 'paid')

INSERT INTO orders (customer_id, status) VALUES (4, 'lost')

INSERT INTO orders (id, customer_id) VALUES (100, 1)

-- construct: foreign key violation is refused
INSERT INTO orders (customer_id) VALUES (999)

INSERT INTO orders (customer_id, placed) VALUES (5, current_date - 30)

INSERT INTO orders (customer_id, updated) VALUES (5, now() - interval '1 day')

INSERT INTO orders (customer_id, total) SELECT id, credit * 2 FROM customers WHERE credit > 1

-- construct: DEFAULT: nextval of any sequence
INSERT INTO order_lines (order_id, sku, price) VALUES (2, 'NEW', 4.99)

INSERT INTO order_lines (order_id, sku, qty, price) VALUES (2, 'A', 2, 1), (2, 'B', 3, 2), (2, 'C', 4, 3)

INSERT INTO order_lines (order_id, sku, qty, price) VALUES (2, 'Z', 0, 1)

INSERT INTO order_lines (order_id, sku, price) VALUES (1, 'BOOK-1', 1)

INSERT INTO order_lines (order_id, sku, price) VALUES (2, 'NOSKU', NULL)

INSERT INTO order_lines (order_id, sku, price) VALUES (2, 'TOOLONGSKU-1234', 1)

-- construct: GENERATED ALWAYS identity
INSERT INTO audit (what) VALUES ('hello')

INSERT INTO audit (what) VALUES ('one'), ('two')

-- construct: GENERATED ALWAYS: explicit value is an error
INSERT INTO audit (id, what) VALUES (1, 'forced')

INSERT INTO audit (what, day) VALUES ('yesterday', current_date - 1)

INSERT INTO audit (what) SELECT 'customer ' || email FROM customers ORDER BY id

INSERT INTO audit (what) VALUES (NULL)

-- sequences as functions
-- construct: nextval, currval
INSERT INTO order_lines (id, order_id, sku, price) VALUES (nextval('line_seq'), 2, 'SEQ', 1)

-- one VALUES row is evaluated in the table's column order: the key's
-- nextval() default before the currval() of a later column
INSERT INTO customers (email, tier) VALUES ('seq@x', currval('customers_id_seq'))

INSERT INTO order_lines (order_id, sku, price) VALUES (2, 'L' || currval('line_seq'), currval('line_seq') / 100.0)

INSERT INTO order_lines (order_id, sku, price) VALUES (2, 'L' || currval('line_seq'), 1) ON CONFLICT (order_id, sku) DO NOTHING

-- several VALUES rows and INSERT ... SELECT: the given values first, the
-- omitted columns' defaults after them
INSERT INTO customers (email, name) VALUES ('s0@x', 'zero');
INSERT INTO customers (email, tier) VALUES ('s1@x', currval('customers_id_seq')), ('s2@x', currval('customers_id_seq'))

INSERT INTO customers (email, name) VALUES ('s0@x', 'zero');
INSERT INTO customers (email, tier) SELECT 's' || n || '@y', currval('customers_id_seq') FROM generate_series(1, 3) n

-- updates
UPDATE customers SET credit = credit + 0.005

UPDATE customers SET credit = credit - 20

-- construct: UPDATE ... SET col = DEFAULT
UPDATE customers SET credit = DEFAULT WHERE id = 2

UPDATE customers SET created = DEFAULT WHERE id = 1

UPDATE customers SET name = coalesce(name, split_part(email, '@', 1))

UPDATE customers SET email = lower(email)

UPDATE customers SET email = 'bob@example.com' WHERE id = 1

UPDATE customers SET tier = tier + 1 WHERE active

UPDATE customers SET active = NOT active, note = CASE WHEN active THEN 'off' ELSE 'on' END

UPDATE orders SET total = total * 1.0725 WHERE status = 'paid'

UPDATE orders SET status = 'shipped' WHERE status < 'shipped'

UPDATE orders SET status = 'paid'::order_status WHERE total > 10

UPDATE orders SET placed = placed + 1, updated = now()

UPDATE orders SET total = (SELECT coalesce(sum(qty * price), 0) FROM order_lines l WHERE l.order_id = orders.id)

UPDATE orders o SET total = s.t FROM (SELECT order_id, sum(qty * price) AS t FROM order_lines GROUP BY order_id) s WHERE s.order_id = o.id

UPDATE orders SET customer_id = 3 WHERE id = 1

UPDATE orders SET customer_id = 42 WHERE id = 1

UPDATE orders SET id = id + 10

UPDATE orders SET discount = 1.2345 WHERE id = 1

UPDATE orders SET discount = 10 WHERE id = 1

UPDATE orders SET ref = ref || '-' || id || '-' || to_char(placed, 'YYYYMMDD')

-- construct: to_char of numbers
UPDATE orders SET ref = to_char(total, 'FM999,990.00') || ' ' || to_char(discount, 'FM0.000') || ' ' || to_char(id, 'FM000th') || to_char(-total, '9999.9PR')

-- construct: to_number
UPDATE orders SET total = to_number(to_char(total * 3, 'FM9,999.99'), '9G999D99')

UPDATE order_lines SET qty = qty - 1

UPDATE order_lines SET price = price * qty, qty = 1

UPDATE order_lines SET sku = lower(sku) || '-' || id

UPDATE audit SET id = 5

UPDATE audit SET what = what || ' at ' || at::date

-- deletes across foreign keys
DELETE FROM order_lines WHERE price < 2

DELETE FROM order_lines l USING orders o WHERE o.id = l.order_id AND o.status = 'cancelled'

DELETE FROM orders WHERE status = 'cancelled'

DELETE FROM orders WHERE id NOT IN (SELECT order_id FROM order_lines)

DELETE FROM customers WHERE NOT active

DELETE FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)

DELETE FROM audit

-- multi-statement steps
INSERT INTO customers (email, name) VALUES ('multi@x', 'Multi');
INSERT INTO orders (customer_id, total) SELECT id, 5 FROM customers WHERE email = 'multi@x';
INSERT INTO order_lines (order_id, sku, price) SELECT max(id), 'M', 5 FROM orders

DELETE FROM order_lines WHERE order_id = 4;
DELETE FROM orders WHERE id = 4;
UPDATE customers SET note = 'lost order' WHERE id = 4

CREATE TEMP TABLE totals AS SELECT customer_id, sum(total) AS t, count(*) AS n FROM orders GROUP BY customer_id;
UPDATE customers c SET credit = t.t, tier = t.n FROM totals t WHERE t.customer_id = c.id

WITH RECURSIVE days(d) AS (SELECT date '2024-02-27' UNION ALL SELECT d + 1 FROM days WHERE d < '2024-03-02') INSERT INTO audit (what, day) SELECT 'day ' || extract(day from d), d FROM days

UPDATE customers SET tier = sub.rk FROM (SELECT id, rank() OVER (ORDER BY credit DESC, id) AS rk FROM customers) sub WHERE sub.id = customers.id

INSERT INTO audit (what) SELECT format('%s:%s', c.name, o.status) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.id, o.id

-- construct: FULL JOIN
INSERT INTO audit (what) SELECT c.email || coalesce(o.ref, '-') FROM customers c FULL JOIN orders o ON o.customer_id = c.id AND o.total > 100 WHERE c.id IS NOT NULL ORDER BY c.id, o.id

INSERT INTO audit (what) SELECT status || ' ' || count(*) FROM orders GROUP BY status ORDER BY status

TRUNCATE order_lines

UPDATE customers SET name = 'x' WHERE id = -1

INSERT INTO audit (what) SELECT 'next ' || nextval('line_seq') FROM generate_series(1, 3)

-- construct: data-modifying WITH
WITH ins AS (INSERT INTO customers (email) VALUES ('cte@x') RETURNING id) INSERT INTO orders (customer_id) SELECT id FROM ins

WITH c AS (INSERT INTO customers (email, name) VALUES ('a@x', 'A'), ('b@x', NULL) RETURNING id, email, created, credit, note) INSERT INTO audit (what) SELECT email || ':' || credit || ':' || note FROM c ORDER BY id

WITH l AS (INSERT INTO order_lines (order_id, sku, price) VALUES (1, 'NEW-1', 2.5), (2, 'NEW-2', 3) RETURNING id, sku) INSERT INTO audit (what) SELECT string_agg(id || '=' || sku, ',' ORDER BY id) FROM l

WITH d AS (DELETE FROM order_lines WHERE qty > 1 RETURNING order_id, qty * price AS amount) UPDATE orders SET total = total - coalesce((SELECT sum(amount) FROM d WHERE d.order_id = orders.id), 0)

INSERT INTO audit (what) VALUES ('ret') RETURNING id, at, day

-- construct: aggregate ORDER BY over interval and enum keys
INSERT INTO audit (what) SELECT string_agg(status::text, ',' ORDER BY status) FROM orders

INSERT INTO audit (what) SELECT string_agg(id || ':' || status, ',' ORDER BY status DESC, id) FROM orders

INSERT INTO audit (what) SELECT jsonb_agg(status ORDER BY status NULLS FIRST)::text FROM orders

-- construct: OVERRIDING SYSTEM VALUE / USER VALUE
INSERT INTO audit (id, what) OVERRIDING SYSTEM VALUE VALUES (1, 'forced')

INSERT INTO audit (id, what) OVERRIDING SYSTEM VALUE SELECT 5000 + id, 'o' || id FROM orders

INSERT INTO audit (id, what) OVERRIDING USER VALUE VALUES (1, 'user'), (2, 'user2')

INSERT INTO orders (id, customer_id) OVERRIDING USER VALUE VALUES (1, 1)

INSERT INTO orders (id, customer_id) OVERRIDING SYSTEM VALUE VALUES (900, 2)

INSERT INTO audit (id, what) VALUES (1, 'no')

-- construct: generate_series over timestamps
INSERT INTO orders (customer_id, placed) SELECT c.id, g::date FROM customers c CROSS JOIN generate_series(timestamp '2024-01-30', '2024-02-02', interval '1 day') g WHERE c.id = 1

INSERT INTO audit (what) SELECT g::text FROM generate_series(timestamptz '2024-01-31 10:00+00', '2024-06-30', interval '1 month') g

INSERT INTO audit (what) SELECT g::text FROM generate_series(timestamp '2024-03-01', '2024-02-01', '-1 week 2 hours') g

INSERT INTO audit (what) SELECT count(*)::text FROM generate_series(timestamp '2024-01-01', '2024-01-02', interval '0') g

INSERT INTO audit (what) SELECT g::text FROM generate_series(now() - interval '3 days', now(), interval '1 day') g

INSERT INTO audit (what) SELECT g::text FROM generate_series('2024-01-01'::timestamptz, '2024-01-01 03:00', '90 minutes') AS g

-- construct: ON CONFLICT on a unique constraint other than the primary key
INSERT INTO order_lines (order_id, sku, price) VALUES (1, 'BOOK-1', 1) ON CONFLICT (order_id, sku) DO NOTHING

INSERT INTO order_lines (order_id, sku, qty, price) VALUES (1, 'BOOK-1', 7, 9.99) ON CONFLICT (order_id, sku) DO UPDATE SET qty = order_lines.qty + excluded.qty, price = excluded.price

INSERT INTO order_lines (order_id, sku, qty, price) VALUES (1, 'BOOK-1', 7, 9.99), (1, 'BOOK-1', 1, 1) ON CONFLICT (sku, order_id) DO UPDATE SET qty = excluded.qty

INSERT INTO order_lines (order_id, sku, price) VALUES (1, 'BOOK-1', 1), (2, 'ZZ', 2), (2, 'ZZ', 3) ON CONFLICT DO NOTHING

INSERT INTO customers (email, name) VALUES ('ann@example.com', 'dup'), ('new@example.com', 'new') ON CONFLICT (email) DO UPDATE SET name = excluded.name || '!'

INSERT INTO customers (email, name) VALUES ('ann@example.com', 'dup') ON CONFLICT (name) DO NOTHING

INSERT INTO customers (id, email) VALUES (1, 'other@x') ON CONFLICT (email) DO NOTHING

INSERT INTO customers (id, email) VALUES (1, 'ann@example.com') ON CONFLICT DO NOTHING

INSERT INTO customers (email) SELECT e FROM (VALUES ('ann@example.com'), ('z1@x'), ('bob@example.com'), ('z2@x')) v(e) ON CONFLICT (email) DO NOTHING

INSERT INTO customers (email, name) SELECT e, 'n' FROM (VALUES ('ann@example.com'), ('z1@x'), ('z1@x')) v(e) ON CONFLICT (email) DO UPDATE SET name = 'u'

INSERT INTO customers (email) VALUES ('ann@example.com'), ('zz@x') ON CONFLICT DO NOTHING
