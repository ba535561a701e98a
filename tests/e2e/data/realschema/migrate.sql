-- a new store with its staff (identity and serial defaults), managed by one of them
INSERT INTO store (name) VALUES ('Airport');
INSERT INTO staff (store_id, boss_id, name) VALUES (3, NULL, 'Eve');
INSERT INTO staff (store_id, boss_id, name, mood, picture) VALUES (3, 5, 'Fay', 'happy', '\xcafe');
UPDATE store SET manager_id = 5 WHERE id = 3;
UPDATE staff SET name = 'Bo B.', mood = 'happy' WHERE id = 2;
-- Harbour closes: its rentals' payments, rentals, staff, then the store (both sides of the cycle)
DELETE FROM payment WHERE rental_id IN (SELECT r.id FROM rental r JOIN staff s ON s.id = r.staff_id WHERE s.store_id = 2);
DELETE FROM rental WHERE staff_id IN (SELECT id FROM staff WHERE store_id = 2);
UPDATE store SET manager_id = NULL WHERE id = 2;
DELETE FROM staff WHERE store_id = 2 AND boss_id IS NOT NULL;
DELETE FROM staff WHERE store_id = 2;
DELETE FROM store WHERE id = 2;
UPDATE store SET name = 'Downtown Central' WHERE id = 1;
-- films: a new one from the sequence no column owns, a retitle (the tsvector follows at push)
INSERT INTO film (title, description, release_year, rating, features, showing)
    VALUES ('Dune Sea', 'sand and worms', 2021, 'ok', ARRAY['Trailers'], daterange('2025-01-01', '2025-06-01'));
UPDATE film SET title = 'Alien Dusk', features = array_append(features, 'Commentaries') WHERE id = 100;
UPDATE film SET release_year = 1999, showing = '[2024-06-01,2024-07-01]' WHERE id = 102;
-- rentals: identity ALWAYS, the generated days recomputed
INSERT INTO rental (film_id, staff_id, period) VALUES (103, 5, '[2025-04-01 10:00+00,2025-04-03 10:00+00)');
UPDATE rental SET period = '[2024-02-01 10:00+00,2024-02-06 10:00+00)' WHERE id = 1;
-- payments: through the parent, into each partition and out of one into another
INSERT INTO payment (paid_on, rental_id, amount) VALUES ('2025-04-03', 4, 2.50), ('2018-01-01', NULL, 0.10);
UPDATE payment SET paid_on = '2024-12-31', amount = amount + 1 WHERE paid_on = '2019-06-01';
-- the log has no primary key: its unique index on NOT NULL columns identifies rows
INSERT INTO event_log VALUES ('mail', 2, 'queued', '\x0102');
UPDATE event_log SET note = 'logout', data = NULL WHERE kind = 'auth' AND seq = 1;
DELETE FROM event_log WHERE kind = 'audit';
-- a table with a rule (ON INSERT: an update does not fire it), and the keyless visit, read
UPDATE film_note SET note = 'a classic' WHERE id = 1;
CREATE TABLE visitors AS SELECT who, count(*) AS visits FROM visit GROUP BY who;
