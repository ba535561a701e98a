-- examples/baseline: the schema changes before the data.
CREATE INDEX IF NOT EXISTS objects_owner_id_idx ON objects (owner_id);
CREATE INDEX IF NOT EXISTS chakai_objects_object_id_idx ON chakai_objects (object_id);
