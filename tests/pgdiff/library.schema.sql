-- Schema "library": the ordinary types of issue 11's first trial.
CREATE TYPE rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');

CREATE TABLE authors (
	id integer PRIMARY KEY,
	name text NOT NULL,
	country varchar(40),
	born date
);

CREATE TABLE books (
	id integer PRIMARY KEY,
	title text NOT NULL,
	author_id integer REFERENCES authors (id),
	isbn char(13),
	published date,
	price numeric(6,2),
	pages smallint,
	rating rating,
	in_print bool,
	added timestamptz,
	meta jsonb,
	code varchar(40)
);

CREATE TABLE loans (
	id integer PRIMARY KEY,
	book_id integer NOT NULL REFERENCES books (id),
	member text,
	fee numeric(6,2),
	loaned timestamptz,
	due date,
	returned boolean NOT NULL DEFAULT false
);

INSERT INTO authors VALUES
	(1, 'Ursula K. Le Guin', 'USA', '1929-10-21'),
	(2, 'Stanisław Lem', 'Poland', '1921-09-12'),
	(3, 'Chimamanda Ngozi Adichie', 'Nigeria', '1977-09-15'),
	(4, 'José Saramago', 'Portugal', '1922-11-16'),
	(5, 'anonymous', NULL, NULL),
	(6, '村上春樹', 'Japan', '1949-01-12');

INSERT INTO books VALUES
	(1, 'The Dispossessed', 1, '9780060512750', '1974-05-01', 9.99, 387, 'PG', true, '2020-01-05 10:00:00+00', '{"tags": ["sf", "utopia"], "stock": 3, "shelf": {"room": "A", "row": 2}}', 'LG-1'),
	(2, 'Solaris', 2, '9780156027601', '1961-01-01', 29.99, 204, 'PG-13', true, '2020-02-10 23:30:00+00', '{"tags": ["sf"], "stock": 0}', 'SL-1'),
	(3, 'Americanah', 3, '9780307455925', '2013-05-14', 17.50, 588, 'R', true, '2021-06-01 00:00:00+00', '{"tags": ["novel"], "stock": 7, "prize": null}', NULL),
	(4, 'Blindness', 4, '9780156007757', '1995-01-01', 0.50, 326, 'R', false, '2019-12-31 23:59:59.5+00', NULL, 'JS-1'),
	(5, 'The Cyberiad', 2, '9780156027595', '1965-01-01', 0.25, 295, 'G', NULL, NULL, '{"tags": [], "stock": 2}', 'SL-2'),
	(6, 'A Wizard of Earthsea', 1, '9780547773742', '1968-01-01', 8.00, 183, 'PG', true, '2022-03-15 12:00:00+00', '{"tags": ["fantasy", "sf"], "stock": 12, "series": "Earthsea"}', 'LG-2'),
	(7, 'Norwegian Wood', 6, '9780375704024', '1987-09-04', 15.75, 296, 'R', true, '2023-07-01 08:15:00+00', '{"tags": ["novel", "日本"], "stock": 1}', 'HM-1'),
	(8, 'Untitled', 5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}', NULL),
	(9, 'Half Way', 5, '0000000000000', '2000-02-29', 2.25, 32767, 'NC-17', false, '2000-02-29 12:34:56.789+00', '{"stock": -1, "price": 2.250}', 'hw'),
	(10, 'éclair ÉCLAIR', 5, '123', '2024-12-31', 1.05, 1, 'G', true, '2024-12-31 23:00:00+00', '{"tags": ["x"], "a": {"b": {"c": 1}}}', 'ec');

INSERT INTO loans VALUES
	(1, 1, 'ana', 0.50, '2024-01-10 09:00:00+00', '2024-01-24', true),
	(2, 2, 'bob', 1.25, '2024-02-01 18:30:00+00', '2024-02-15', false),
	(3, 2, 'ana', 0.00, '2024-03-01 00:00:00+00', '2024-03-15', false),
	(4, 3, NULL, NULL, NULL, NULL, false),
	(5, 6, 'Chloé', 2.75, '2024-03-31 22:00:00+00', '2024-04-14', true),
	(6, 7, 'bob', 0.05, '2024-12-31 23:59:59+00', '2025-01-14', false),
	(7, 9, 'dan', 3.00, '2023-10-29 01:30:00+00', '2023-11-12', true),
	(8, 1, 'ANA', 0.49, '2024-06-15 12:00:00+00', '2024-06-29', false);

-- Domains over a base type and over an enum (PostgreSQL's operators on
-- enums take no domain over one: `audience > 'G'` is refused).
CREATE DOMAIN pubyear AS integer CHECK (VALUE >= 1450 AND VALUE <= 2100);
CREATE DOMAIN kidrating AS rating CHECK (VALUE <= 'PG');

CREATE TABLE editions (
	id integer PRIMARY KEY,
	book_id integer REFERENCES books (id),
	year pubyear,
	audience kidrating,
	label varchar(20)
);

INSERT INTO editions VALUES
	(1, 1, 1974, 'PG', 'first'),
	(2, 5, 1965, 'G', NULL),
	(3, 8, NULL, NULL, 'none');
