-- Then clinics (batched over clinics, 100 a batch).
UPDATE clinics
   SET uuid_id = uuid_generate_v5(uuid_ns_url(), 'https://ids.clinics.example/clinics/' || id)
 WHERE id IN (SELECT key FROM dd_batch);

INSERT INTO id_mappings (table_name, old_id, new_id, migrated_at)
SELECT 'clinics', id, uuid_id, now()
  FROM clinics
 WHERE id IN (SELECT key FROM dd_batch);
