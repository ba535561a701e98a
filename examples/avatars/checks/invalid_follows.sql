-- Seed 000 validator: "Invalid Follow References": follows pointing at an
-- avatar that does not exist (the followed one, or the follower's).
SELECT f.id
  FROM follows f
 WHERE NOT EXISTS (SELECT 1 FROM avatars a WHERE a.id = f.avatar_id)
    OR (f.follower_avatar_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM avatars a WHERE a.id = f.follower_avatar_id))
 ORDER BY f.id
