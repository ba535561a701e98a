-- Seed 000 validator --fix-issues: delete follows that point at missing
-- avatars.
DELETE FROM follows
 WHERE NOT EXISTS (SELECT 1 FROM avatars a WHERE a.id = follows.avatar_id)
    OR (follower_avatar_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM avatars a WHERE a.id = follows.follower_avatar_id));
