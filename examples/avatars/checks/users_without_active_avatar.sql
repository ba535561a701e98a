-- Seed 000 validator: "Users Without Active Avatars".  After the migration
-- every user acts through an active avatar.
SELECT id FROM users WHERE active_avatar_id IS NULL ORDER BY id
