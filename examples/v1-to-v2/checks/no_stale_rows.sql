-- After: nothing V2 held for a matched Apple user survives under its old
-- id: the user, sessions, preferences and progress were all replaced by
-- fresh rows under new ids.
WITH stale AS (
    SELECT p.id
      FROM dd_pristine__users p
      JOIN v1.users u ON lower(u.email) = lower(p.email)
     WHERE p.platform = 'apple'
)
SELECT tbl, key FROM (
SELECT 'users' AS tbl, id::text AS key FROM users WHERE id IN (SELECT id FROM stale)
UNION ALL
SELECT 'completed_sessions', id::text FROM completed_sessions
 WHERE id IN (SELECT cs.id FROM dd_pristine__completed_sessions cs
               WHERE cs.user_id IN (SELECT id FROM stale))
UNION ALL
SELECT 'session_preferences', user_id::text FROM session_preferences
 WHERE user_id IN (SELECT id FROM stale)
UNION ALL
SELECT 'progress_history', user_id::text FROM progress_history
 WHERE user_id IN (SELECT id FROM stale)
) x
