-- Seed 000 validator: "Orphaned Avatars": avatars whose owner_user_id points
-- at a user that does not exist.
SELECT a.id
  FROM avatars a
 WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.owner_user_id)
 ORDER BY a.id
