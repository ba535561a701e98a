-- After: every drill element of a migrated user's session has a "drill"
-- object holding "uuid" and no longer V1's integer "id".  ("uuid" is then
-- its first key: jsonb keeps keys shortest first.)
SELECT cs.id AS session_id, e.n - 1 AS idx
  FROM completed_sessions cs
  JOIN users u ON u.id = cs.user_id AND u.platform = 'apple'
              AND lower(u.email) IN (SELECT lower(email) FROM v1.users)
 CROSS JOIN jsonb_array_elements(cs.drills) WITH ORDINALITY AS e(element, n)
 WHERE jsonb_typeof(e.element -> 'drill') IS DISTINCT FROM 'object'
    OR NOT (e.element -> 'drill' ? 'uuid')
    OR e.element -> 'drill' ? 'id'
