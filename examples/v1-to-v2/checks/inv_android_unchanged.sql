-- Invariant: the Android users (V2 only) and everything they own, row by
-- row and value by value, in a canonical order.  drydock hashes the whole
-- result before (on the snapshot) and after (on the working state); the
-- gate holds only if both are identical.
SELECT 'users' AS tbl, u.id AS key,
       jsonb_build_array(u.id, u.email, u.first_name, u.last_name, u.platform, u.created_at, u.updated_at) AS row
  FROM users u
 WHERE u.platform = 'android'
UNION ALL
SELECT 'completed_sessions', cs.id, jsonb_build_array(cs.id, cs.user_id, cs.date, cs.drills)
  FROM completed_sessions cs JOIN users u ON u.id = cs.user_id
 WHERE u.platform = 'android'
UNION ALL
SELECT 'session_preferences', p.user_id,
       jsonb_build_array(p.user_id, p.duration, p.difficulty, p.training_style, p.updated_at)
  FROM session_preferences p JOIN users u ON u.id = p.user_id
 WHERE u.platform = 'android'
UNION ALL
SELECT 'progress_history', p.user_id,
       jsonb_build_array(p.user_id, p.drills_per_session, p.minutes_per_session,
                  p.dribbling_drills_completed, p.passing_drills_completed,
                  p.shooting_drills_completed, p.first_touch_drills_completed,
                  p.favorite_drill, p.updated_at)
  FROM progress_history p JOIN users u ON u.id = p.user_id
 WHERE u.platform = 'android'
ORDER BY 1, 2
