-- examples/avatars: the schema changes before the data, as a PostgreSQL
-- user writes them.
ALTER TABLE follows ADD COLUMN follower_avatar_id uuid REFERENCES avatars (id);
