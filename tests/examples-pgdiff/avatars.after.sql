-- examples/avatars: the schema changes after the data.
ALTER TABLE users ADD CONSTRAINT users_active_avatar_id_fkey
    FOREIGN KEY (active_avatar_id) REFERENCES avatars (id) ON DELETE SET NULL;
