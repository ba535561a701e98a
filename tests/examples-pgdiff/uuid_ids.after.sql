-- examples/uuid-ids: the schema changes after the data.
ALTER TABLE users ALTER COLUMN uuid_id SET NOT NULL;
ALTER TABLE clinics ALTER COLUMN uuid_id SET NOT NULL;
ALTER TABLE dashboards ALTER COLUMN uuid_id SET NOT NULL;
