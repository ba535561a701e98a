-- Every user, clinic and dashboard has its uuid; every dashboard its
-- user's uuid.
SELECT 'users' AS tbl, id FROM users WHERE uuid_id IS NULL
UNION ALL SELECT 'clinics', id FROM clinics WHERE uuid_id IS NULL
UNION ALL SELECT 'dashboards', id FROM dashboards WHERE uuid_id IS NULL OR user_uuid_id IS NULL
