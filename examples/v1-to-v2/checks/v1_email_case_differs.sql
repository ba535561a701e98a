-- Before the steps (a warning, for the reviewer): V1 users found in V2
-- only because emails are compared case-insensitively.  Their fresh V2 row
-- keeps V2's spelling of the email.  Exact matching would have missed them
-- and created a second account next to the stale one.
SELECT u.id AS v1_id, u.email AS v1_email, v.email AS v2_email
  FROM v1.users u
  JOIN users v ON lower(v.email) = lower(u.email) AND v.email <> u.email
 WHERE v.platform = 'apple'
