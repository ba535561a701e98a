-- Seed 000, create_default_avatar(): every user of this batch who owns no
-- avatar at all gets a default one, named after the user.
INSERT INTO avatars (id, owner_user_id, name, avatar_url, is_default, created_at)
SELECT gen_random_uuid(), u.id, left(u.display_name, 50), NULL, true, now()
  FROM users u
 WHERE u.id IN (SELECT key FROM dd_batch)
   AND NOT EXISTS (SELECT 1 FROM avatars a WHERE a.owner_user_id = u.id);
