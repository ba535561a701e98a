-- Before the steps: sessions V2 holds for a matched Apple user on a date
-- V1 has no session of that user.  Replacing the stale copy would lose
-- them, so any row here stops the migration.
SELECT cs.id AS session_id, v.email, cs.date
  FROM completed_sessions cs
  JOIN users v ON v.id = cs.user_id AND v.platform = 'apple'
  JOIN v1.users u ON lower(u.email) = lower(v.email)
 WHERE NOT EXISTS (SELECT 1 FROM v1.completed_sessions s
                    WHERE s.user_id = u.id AND s.date = cs.date)
