-- After: each V1 user has in V2 as many sessions on each date as in V1,
-- and no session on a date V1 does not have.
SELECT u.id AS v1_id, s.date, count(*) AS in_v1,
       (SELECT count(*) FROM completed_sessions cs JOIN users v ON v.id = cs.user_id
         WHERE lower(v.email) = lower(u.email) AND cs.date = s.date) AS in_v2
  FROM v1__completed_sessions s
  JOIN v1__users u ON u.id = s.user_id
 GROUP BY u.id, s.date
HAVING in_v1 <> in_v2
UNION ALL
SELECT u.id, cs.date, 0, 1
  FROM completed_sessions cs
  JOIN users v ON v.id = cs.user_id
  JOIN v1__users u ON lower(u.email) = lower(v.email)
 WHERE NOT EXISTS (SELECT 1 FROM v1__completed_sessions s WHERE s.user_id = u.id AND s.date = cs.date)
