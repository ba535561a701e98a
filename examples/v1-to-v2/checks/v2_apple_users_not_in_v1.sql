-- Before the steps (a warning): V2 Apple users that match no V1 user.  The
-- migration leaves them as they are; someone should know why they exist.
SELECT v.id, v.email
  FROM users v
 WHERE v.platform = 'apple'
   AND lower(v.email) NOT IN (SELECT lower(email) FROM v1.users)
