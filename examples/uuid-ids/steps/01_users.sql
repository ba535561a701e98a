-- Users first: dashboards take their user's uuid.  Batched over users (100
-- a batch), each batch one transaction and one checkpoint of the run.
--
-- The uuid is a version 5 uuid of the old id (namespace URL, name
-- https://ids.clinics.example/<table>/<old id>), not a random one: every
-- environment (the fixture, staging, production) and every rerun gives
-- user_0001 the same uuid, so ids in logs, exports, caches and other
-- services' copies line up without the mapping table, and the mapping can
-- be recomputed from the old id alone if it is ever lost.
UPDATE users
   SET uuid_id = uuid_generate_v5(uuid_ns_url(), 'https://ids.clinics.example/users/' || id)
 WHERE id IN (SELECT key FROM dd_batch);

INSERT INTO id_mappings (table_name, old_id, new_id, migrated_at)
SELECT 'users', id, uuid_id, now()
  FROM users
 WHERE id IN (SELECT key FROM dd_batch);
