-- Seed 001, calculate_enhanced_progress_metrics(): each migrated user's
-- progress_history row is computed from their migrated sessions, with the
-- definition V2's Android rows already follow (fixtures/sql/v2.sql):
--   drills_per_session  = round(#drill elements / #sessions, 2)
--   minutes_per_session = round(sum of drill.duration / #sessions, 2)
--   <skill>_drills_completed = #elements of that skill (whatever setsDone)
--   favorite_drill      = most frequent title; ties: smallest title
--                         (bytewise: the databases use the C collation)
--   updated_at          = the user's updated_at
-- #sessions counts sessions with at least one drill.  A user without any
-- drill gets zeros and no favorite.  The fix of check
-- "session_drills_have_v2_uuid" recomputes with the same statement; the
-- check "progress_matches_sessions" recomputes independently.
DELETE FROM progress_history WHERE user_id IN (SELECT new_v2_id FROM mig_user);

INSERT INTO progress_history
      (user_id, drills_per_session, minutes_per_session, dribbling_drills_completed,
       passing_drills_completed, shooting_drills_completed, first_touch_drills_completed,
       favorite_drill, updated_at)
WITH el AS (
    SELECT cs.user_id, cs.id AS session_id,
           e.value -> 'drill' ->> 'title' AS title,
           e.value -> 'drill' ->> 'skill' AS skill,
           (e.value -> 'drill' ->> 'duration')::integer AS duration
      FROM completed_sessions cs
      JOIN mig_user m ON m.new_v2_id = cs.user_id
     CROSS JOIN jsonb_array_elements(cs.drills) e
), per_user AS (
    SELECT user_id, count(*) AS n, count(DISTINCT session_id) AS s, sum(duration) AS minutes,
           count(*) FILTER (WHERE skill = 'dribbling') AS dribbling,
           count(*) FILTER (WHERE skill = 'passing') AS passing,
           count(*) FILTER (WHERE skill = 'shooting') AS shooting,
           count(*) FILTER (WHERE skill = 'first_touch') AS first_touch
      FROM el
     GROUP BY user_id
), favorite AS (
    SELECT DISTINCT ON (user_id) user_id, title
      FROM el
     GROUP BY user_id, title
     ORDER BY user_id, count(*) DESC, title
)
SELECT u.id,
       coalesce(round(p.n::numeric / p.s, 2), 0),
       coalesce(round(p.minutes::numeric / p.s, 2), 0),
       coalesce(p.dribbling, 0), coalesce(p.passing, 0),
       coalesce(p.shooting, 0), coalesce(p.first_touch, 0),
       f.title, u.updated_at
  FROM mig_user m
  JOIN users u ON u.id = m.new_v2_id
  LEFT JOIN per_user p ON p.user_id = u.id
  LEFT JOIN favorite f ON f.user_id = u.id
 ORDER BY m.v1_id;
