-- After: each V1 user has in V2 as many sessions on each date as in V1,
-- and no session on a date V1 does not have.
WITH v1_days AS (
    SELECT u.id AS v1_id, lower(u.email) AS email, s.date, count(*) AS n
      FROM v1.completed_sessions s
      JOIN v1.users u ON u.id = s.user_id
     GROUP BY u.id, s.date
), v2_days AS (
    SELECT lower(v.email) AS email, cs.date, count(*) AS n
      FROM completed_sessions cs
      JOIN users v ON v.id = cs.user_id
     WHERE lower(v.email) IN (SELECT lower(email) FROM v1.users)
     GROUP BY lower(v.email), cs.date
)
SELECT coalesce(a.v1_id, (SELECT x.id FROM v1.users x WHERE lower(x.email) = b.email)) AS v1_id,
       coalesce(a.date, b.date) AS date, coalesce(a.n, 0) AS in_v1, coalesce(b.n, 0) AS in_v2
  FROM v1_days a
  FULL JOIN v2_days b ON b.email = a.email AND b.date = a.date
 WHERE a.n IS DISTINCT FROM b.n
