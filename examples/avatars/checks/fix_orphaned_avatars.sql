-- Seed 000 validator --fix-issues: remove orphaned avatars.  Follows of
-- those avatars go with them, and posts that pointed at one move to their
-- author's active avatar, so the change set says everything that happens
-- (the target would otherwise refuse, or set them NULL behind its back).
DELETE FROM follows
 WHERE avatar_id IN (SELECT a.id FROM avatars a
                      WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.owner_user_id))
    OR follower_avatar_id IN (SELECT a.id FROM avatars a
                      WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.owner_user_id));
UPDATE posts
   SET avatar_id = (SELECT u.active_avatar_id FROM users u WHERE u.id = posts.user_id)
 WHERE avatar_id IN (SELECT a.id FROM avatars a
                      WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.owner_user_id));
DELETE FROM avatars
 WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = avatars.owner_user_id);
