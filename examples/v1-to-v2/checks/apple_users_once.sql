-- After: every V1 (Apple) user exists in V2 exactly once, as an Apple user
-- (emails compared case-insensitively, as the matching does).
SELECT u.id AS v1_id, u.email, count(v.id) AS in_v2
  FROM v1.users u
  LEFT JOIN users v ON lower(v.email) = lower(u.email)
 GROUP BY u.id
HAVING count(v.id) <> 1 OR bool_or(v.platform <> 'apple')
