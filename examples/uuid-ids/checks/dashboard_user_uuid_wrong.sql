-- dashboards.user_uuid_id is its user's uuid_id.
SELECT d.id, d.user_id, d.user_uuid_id, u.uuid_id AS users_uuid_id
  FROM dashboards d
  JOIN users u ON u.id = d.user_id
 WHERE d.user_uuid_id IS DISTINCT FROM u.uuid_id
 ORDER BY d.id
