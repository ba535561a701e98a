-- Invariant: every V2 user who is not a V1 user of this snapshot (emails
-- compared case-insensitively), and everything they own, row by row and
-- value by value.  For the full migration that is the Android users; for
-- the one-user run (one-user/plan.json) it is everybody but that user.
WITH others AS (
    SELECT u.* FROM users u
     WHERE lower(u.email) NOT IN (SELECT lower(email) FROM v1.users)
)
SELECT tbl, key, row FROM (
SELECT 'users' AS tbl, u.id AS key,
       jsonb_build_array(u.id, u.email, u.first_name, u.last_name, u.platform, u.created_at, u.updated_at) AS row
  FROM others u
UNION ALL
SELECT 'completed_sessions', cs.id, jsonb_build_array(cs.id, cs.user_id, cs.date, cs.drills)
  FROM completed_sessions cs JOIN others u ON u.id = cs.user_id
UNION ALL
SELECT 'session_preferences', p.user_id,
       jsonb_build_array(p.user_id, p.duration, p.difficulty, p.training_style, p.updated_at)
  FROM session_preferences p JOIN others u ON u.id = p.user_id
UNION ALL
SELECT 'progress_history', p.user_id,
       jsonb_build_array(p.user_id, p.drills_per_session, p.minutes_per_session,
                  p.dribbling_drills_completed, p.passing_drills_completed,
                  p.shooting_drills_completed, p.first_touch_drills_completed,
                  p.favorite_drill, p.updated_at)
  FROM progress_history p JOIN others u ON u.id = p.user_id
) x
ORDER BY 1, 2
