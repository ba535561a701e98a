-- After: every migrated user (a V2 Apple user who is a V1 user of this
-- snapshot) has a progress_history row, and it agrees with a
-- recomputation from their sessions (written independently of step
-- "progress": an average is right when it is within the half cent that
-- rounding to two decimals allows of the exact ratio).
WITH el AS (
    SELECT cs.user_id, cs.id AS session_id,
           e.value -> 'drill' ->> 'title' AS title,
           e.value -> 'drill' ->> 'skill' AS skill,
           (e.value -> 'drill' ->> 'duration')::integer AS duration
      FROM completed_sessions cs
     CROSS JOIN jsonb_array_elements(cs.drills) e
), agg AS (
    SELECT user_id, count(*) AS n, count(DISTINCT session_id) AS s, sum(duration) AS minutes,
           count(*) FILTER (WHERE skill = 'dribbling') AS dribbling,
           count(*) FILTER (WHERE skill = 'passing') AS passing,
           count(*) FILTER (WHERE skill = 'shooting') AS shooting,
           count(*) FILTER (WHERE skill = 'first_touch') AS first_touch
      FROM el
     GROUP BY user_id
), fav AS (
    SELECT user_id, title, count(*) AS n FROM el GROUP BY user_id, title
)
SELECT u.id AS user_id, u.email
  FROM users u
  LEFT JOIN progress_history p ON p.user_id = u.id
  LEFT JOIN agg a ON a.user_id = u.id
 WHERE u.platform = 'apple' AND lower(u.email) IN (SELECT lower(email) FROM v1.users)
   AND (p.user_id IS NULL
        OR abs(p.drills_per_session - coalesce(a.n::numeric / a.s, 0)) > 0.005
        OR abs(p.minutes_per_session - coalesce(a.minutes::numeric / a.s, 0)) > 0.005
        OR p.dribbling_drills_completed <> coalesce(a.dribbling, 0)
        OR p.passing_drills_completed <> coalesce(a.passing, 0)
        OR p.shooting_drills_completed <> coalesce(a.shooting, 0)
        OR p.first_touch_drills_completed <> coalesce(a.first_touch, 0)
        OR p.favorite_drill IS DISTINCT FROM
               (SELECT f.title FROM fav f
                 WHERE f.user_id = u.id
                   AND f.n = (SELECT max(g.n) FROM fav g WHERE g.user_id = u.id)
                 ORDER BY f.title LIMIT 1)
        OR p.updated_at <> u.updated_at)
