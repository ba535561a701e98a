-- Fix of check "session_drills_have_v2_uuid" (drydock check --fix): the
-- drill elements of migrated sessions that name no V2 drill are dropped
-- -- V2 cannot show a drill it does not have -- and the progress of the
-- migrated users is computed again from what remains, with the statement
-- of step "progress".  Use it only if dropping is the decision; see README.
--
-- The arrays are rebuilt from mig_drill (step "sessions"): the elements
-- kept, renumbered 0, 1, ... in their order, appended one at a time.
DROP TABLE IF EXISTS mig_fixed_session;
CREATE TABLE mig_fixed_session AS
WITH RECURSIVE kept AS (
    SELECT m.session_v1_id, m.element,
           row_number() OVER (PARTITION BY m.session_v1_id ORDER BY m.idx) - 1 AS n
      FROM mig_drill m
     WHERE EXISTS (SELECT 1 FROM drills d WHERE d.id = m.v2_drill_id)
), arr (session_v1_id, n, drills) AS (
    SELECT ms.v1_id, 0::bigint, '[]'::jsonb FROM mig_session ms
    UNION ALL
    SELECT a.session_v1_id, a.n + 1, a.drills || jsonb_build_array(k.element)
      FROM arr a
      JOIN kept k ON k.session_v1_id = a.session_v1_id AND k.n = a.n
)
SELECT ms.new_id, a.drills
  FROM mig_session ms
  JOIN arr a ON a.session_v1_id = ms.v1_id
 WHERE a.n = (SELECT count(*) FROM kept k WHERE k.session_v1_id = ms.v1_id)
   AND EXISTS (SELECT 1 FROM mig_drill m
                WHERE m.session_v1_id = ms.v1_id
                  AND NOT EXISTS (SELECT 1 FROM drills d WHERE d.id = m.v2_drill_id));

UPDATE completed_sessions cs
   SET drills = f.drills
  FROM mig_fixed_session f
 WHERE f.new_id = cs.id;

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
