-- The domain column, in SQLite SQL: PostgreSQL-SQL steps cannot write a
-- domain column yet (the compiler does not resolve a domain to its base type).
UPDATE film SET release_year = 2021 WHERE id = 103;
UPDATE film SET release_year = 1999 WHERE id = 102;
