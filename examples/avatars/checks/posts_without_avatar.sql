-- Seed 000 validator: "Posts Without Avatar Associations".  The seed asks
-- for manual review, so there is no fix: an error blocks the push.
SELECT id FROM posts WHERE avatar_id IS NULL ORDER BY id
