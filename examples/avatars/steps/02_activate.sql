-- Every user of this batch without an active avatar activates their default
-- avatar, or else their oldest one.
UPDATE users
   SET active_avatar_id = (
        SELECT a.id FROM avatars a
         WHERE a.owner_user_id = users.id
         ORDER BY a.is_default DESC, a.created_at, a.id
         LIMIT 1)
 WHERE id IN (SELECT key FROM dd_batch)
   AND active_avatar_id IS NULL;
