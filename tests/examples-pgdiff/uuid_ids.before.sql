-- examples/uuid-ids: the schema changes before the data.  The steps call
-- uuid_generate_v5() and uuid_ns_url(), from the uuid-ossp extension.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
ALTER TABLE users ADD COLUMN uuid_id uuid DEFAULT gen_random_uuid();
ALTER TABLE clinics ADD COLUMN uuid_id uuid DEFAULT gen_random_uuid();
ALTER TABLE dashboards ADD COLUMN uuid_id uuid DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX users_uuid_id_key ON users (uuid_id);
CREATE UNIQUE INDEX clinics_uuid_id_key ON clinics (uuid_id);
CREATE UNIQUE INDEX dashboards_uuid_id_key ON dashboards (uuid_id);
ALTER TABLE dashboards ADD COLUMN user_uuid_id uuid REFERENCES users (uuid_id) ON DELETE CASCADE;
CREATE TABLE id_mappings (
    table_name  text NOT NULL,
    old_id      text NOT NULL,
    new_id      uuid NOT NULL UNIQUE,
    migrated_at timestamp with time zone NOT NULL,
    PRIMARY KEY (table_name, old_id)
);
