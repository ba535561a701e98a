-- Before the steps: V1 users whose email cannot be matched safely.  Rows:
--   - the email matches more than one V2 user, compared case-insensitively;
--   - it matches a V2 Android user (Android users are never touched);
--   - another V1 user has the same email up to case (two fresh rows, one person);
--   - it holds non-ASCII characters, which lower() folds only as the
--     database's locale says (not at all in the C locale).
SELECT u.id AS v1_id, u.email,
       'matches ' || count(*) || ' V2 users, ' || count(*) FILTER (WHERE v.platform <> 'apple')
           || ' of them Android' AS problem
  FROM v1.users u
  JOIN users v ON lower(v.email) = lower(u.email)
 GROUP BY u.id
HAVING count(*) > 1 OR bool_or(v.platform <> 'apple')
UNION ALL
SELECT u.id, u.email, 'same email up to case as V1 user ' || o.id
  FROM v1.users u
  JOIN v1.users o ON lower(o.email) = lower(u.email) AND o.id <> u.id
UNION ALL
SELECT u.id, u.email, 'non-ASCII characters'
  FROM v1.users u
 WHERE u.email ~ '[^ -~]'
