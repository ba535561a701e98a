-- Follows become avatar-to-avatar: the follower acts through their active
-- avatar.
UPDATE follows
   SET follower_avatar_id = (SELECT u.active_avatar_id FROM users u WHERE u.id = follows.follower_user_id)
 WHERE follower_avatar_id IS NULL
   AND follower_user_id IN (SELECT key FROM dd_batch);
