-- examples/baseline: the schema changes after the data that constrain it
-- (row level security, the policies, the function and the trigger change
-- no row and are left out).
ALTER TABLE media ADD CONSTRAINT media_object_id_fkey
    FOREIGN KEY (object_id) REFERENCES objects (id) ON DELETE CASCADE;
ALTER TABLE media ADD CONSTRAINT media_size_bytes_check CHECK (size_bytes > 0);
