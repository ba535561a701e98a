-- Posts without an avatar are re-pointed at their author's active avatar.
UPDATE posts
   SET avatar_id = (SELECT u.active_avatar_id FROM users u WHERE u.id = posts.user_id)
 WHERE avatar_id IS NULL
   AND user_id IN (SELECT key FROM dd_batch);
