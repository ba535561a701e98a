-- Seed 001, calculate_enhanced_progress_metrics(): each migrated user's
-- progress_history row is computed from their migrated sessions, with the
-- definition V2's Android rows already follow (fixtures/sql/v2.sql):
--   drills_per_session  = round(#drill elements / #sessions, 2)
--   minutes_per_session = round(sum of drill.duration / #sessions, 2)
--   <skill>_drills_completed = #elements of that skill (whatever setsDone)
--   favorite_drill      = most frequent title; ties: smallest title (bytes)
--   updated_at          = the user's updated_at
-- #sessions counts sessions with at least one drill.  A user without any
-- drill gets zeros and no favorite.
--
-- The view is kept so the fix of check "session_drills_have_v2_uuid"
-- recomputes with the same definition; the check "progress_matches_sessions"
-- recomputes independently.  Rounding is done in integers (half up, as
-- PostgreSQL rounds numeric), never in floating point.
DROP VIEW IF EXISTS mig_progress;
CREATE VIEW mig_progress AS
WITH el AS (
    SELECT cs.user_id, cs.id AS session_id,
           json_extract(e.value, '$.drill.title') AS title,
           json_extract(e.value, '$.drill.skill') AS skill,
           json_extract(e.value, '$.drill.duration') AS duration
      FROM completed_sessions cs, json_each(cs.drills) e
), per_user AS (
    SELECT user_id, count(*) AS n, count(DISTINCT session_id) AS s,
           coalesce(sum(duration), 0) AS minutes,
           sum(skill = 'dribbling') AS dribbling, sum(skill = 'passing') AS passing,
           sum(skill = 'shooting') AS shooting, sum(skill = 'first_touch') AS first_touch
      FROM el GROUP BY user_id
), title_count AS (
    SELECT user_id, title, count(*) AS n FROM el GROUP BY user_id, title
)
SELECT u.id AS user_id,
       CASE WHEN p.s IS NULL THEN '0.00' ELSE
           printf('%d.%02d', (200 * p.n + p.s) / (2 * p.s) / 100, (200 * p.n + p.s) / (2 * p.s) % 100)
       END AS drills_per_session,
       CASE WHEN p.s IS NULL THEN '0.00' ELSE
           printf('%d.%02d', (200 * p.minutes + p.s) / (2 * p.s) / 100, (200 * p.minutes + p.s) / (2 * p.s) % 100)
       END AS minutes_per_session,
       coalesce(p.dribbling, 0) AS dribbling_drills_completed,
       coalesce(p.passing, 0) AS passing_drills_completed,
       coalesce(p.shooting, 0) AS shooting_drills_completed,
       coalesce(p.first_touch, 0) AS first_touch_drills_completed,
       (SELECT t.title FROM title_count t WHERE t.user_id = u.id
         ORDER BY t.n DESC, t.title COLLATE BINARY LIMIT 1) AS favorite_drill,
       u.updated_at AS updated_at
  FROM users u
  LEFT JOIN per_user p ON p.user_id = u.id;

DELETE FROM progress_history WHERE user_id IN (SELECT new_v2_id FROM mig_user);
INSERT INTO progress_history
      (user_id, drills_per_session, minutes_per_session, dribbling_drills_completed,
       passing_drills_completed, shooting_drills_completed, first_touch_drills_completed,
       favorite_drill, updated_at)
SELECT p.user_id, p.drills_per_session, p.minutes_per_session, p.dribbling_drills_completed,
       p.passing_drills_completed, p.shooting_drills_completed, p.first_touch_drills_completed,
       p.favorite_drill, p.updated_at
  FROM mig_user m
  JOIN mig_progress p ON p.user_id = m.new_v2_id
 ORDER BY m.v1_id;
