-- id_mappings has exactly one row per migrated row, with its uuid, and
-- nothing else.
SELECT 'users' AS tbl, u.id AS old_id, 'missing or wrong' AS problem
  FROM users u LEFT JOIN id_mappings m ON m.table_name = 'users' AND m.old_id = u.id
 WHERE m.new_id IS DISTINCT FROM u.uuid_id
UNION ALL
SELECT 'clinics', c.id, 'missing or wrong'
  FROM clinics c LEFT JOIN id_mappings m ON m.table_name = 'clinics' AND m.old_id = c.id
 WHERE m.new_id IS DISTINCT FROM c.uuid_id
UNION ALL
SELECT 'dashboards', d.id, 'missing or wrong'
  FROM dashboards d LEFT JOIN id_mappings m ON m.table_name = 'dashboards' AND m.old_id = d.id
 WHERE m.new_id IS DISTINCT FROM d.uuid_id
UNION ALL
SELECT m.table_name, m.old_id, 'no such row'
  FROM id_mappings m
 WHERE NOT (m.table_name = 'users' AND m.old_id IN (SELECT id FROM users)
         OR m.table_name = 'clinics' AND m.old_id IN (SELECT id FROM clinics)
         OR m.table_name = 'dashboards' AND m.old_id IN (SELECT id FROM dashboards))
