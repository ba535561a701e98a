-- Seed 001, related data: V1's session preferences, under the fresh user
-- id.  (A matched user's stale V2 preferences were removed in step
-- remove_stale; a V1 user without preferences gets none.)
INSERT INTO session_preferences (user_id, duration, difficulty, training_style, updated_at)
SELECT m.new_v2_id, p.duration, p.difficulty::difficulty, p.training_style, p.updated_at
  FROM v1.session_preferences p
  JOIN mig_user m ON m.v1_id = p.user_id
 ORDER BY p.user_id;
