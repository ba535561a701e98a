-- Finally dashboards (batched over dashboards, 100 a batch): their own
-- uuid, and user_uuid_id from their user's (migrated by step users).
UPDATE dashboards
   SET uuid_id = uuid_generate_v5(uuid_ns_url(), 'https://ids.clinics.example/dashboards/' || id),
       user_uuid_id = (SELECT u.uuid_id FROM users u WHERE u.id = dashboards.user_id)
 WHERE id IN (SELECT key FROM dd_batch);

INSERT INTO id_mappings (table_name, old_id, new_id, migrated_at)
SELECT 'dashboards', id, uuid_id, now()
  FROM dashboards
 WHERE id IN (SELECT key FROM dd_batch);
