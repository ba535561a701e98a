-- After: every migrated user (a V2 Apple user who is a V1 user of this
-- snapshot) has a progress_history row, and it agrees with a
-- recomputation from their sessions (written independently of step
-- "progress": averages are compared with the exact ratio, to within the
-- half cent that rounding to two decimals allows).
WITH el AS (
    SELECT cs.user_id, cs.id AS session_id,
           json_extract(e.value, '$.drill.title') AS title,
           json_extract(e.value, '$.drill.skill') AS skill,
           json_extract(e.value, '$.drill.duration') AS duration
      FROM completed_sessions cs
      JOIN json_each(cs.drills) e
), agg AS (
    SELECT user_id, count(*) AS n, count(DISTINCT session_id) AS s, sum(duration) AS minutes,
           sum(skill = 'dribbling') AS dribbling, sum(skill = 'passing') AS passing,
           sum(skill = 'shooting') AS shooting, sum(skill = 'first_touch') AS first_touch
      FROM el GROUP BY user_id
), fav AS (
    SELECT user_id, title, count(*) AS n FROM el GROUP BY user_id, title
)
SELECT u.id AS user_id, u.email
  FROM users u
  LEFT JOIN progress_history p ON p.user_id = u.id
  LEFT JOIN agg a ON a.user_id = u.id
 WHERE u.platform = 'apple' AND lower(u.email) IN (SELECT lower(email) FROM v1__users)
   AND (p.user_id IS NULL
        OR p.drills_per_session NOT GLOB '*[0-9].[0-9][0-9]'
        OR p.minutes_per_session NOT GLOB '*[0-9].[0-9][0-9]'
        OR abs(CAST(p.drills_per_session AS REAL) - coalesce(1.0 * a.n / a.s, 0)) > 0.005000001
        OR abs(CAST(p.minutes_per_session AS REAL) - coalesce(1.0 * a.minutes / a.s, 0)) > 0.005000001
        OR p.dribbling_drills_completed IS NOT coalesce(a.dribbling, 0)
        OR p.passing_drills_completed IS NOT coalesce(a.passing, 0)
        OR p.shooting_drills_completed IS NOT coalesce(a.shooting, 0)
        OR p.first_touch_drills_completed IS NOT coalesce(a.first_touch, 0)
        OR p.favorite_drill IS NOT (SELECT f.title FROM fav f WHERE f.user_id = u.id
                                     AND f.n = (SELECT max(n) FROM fav g WHERE g.user_id = u.id)
                                   ORDER BY f.title LIMIT 1)
        OR p.updated_at IS NOT u.updated_at)
