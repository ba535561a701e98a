-- After: every drill element of a migrated user's session has a "drill"
-- object holding "uuid" and no longer V1's integer "id".  ("uuid" is then
-- its first key: jsonb keeps keys shortest first.)  The positions 0, 1, ...
-- of each array come from a recursive CTE.
WITH RECURSIVE pos (i) AS (
    SELECT 0
    UNION ALL
    SELECT i + 1 FROM pos
     WHERE i + 1 < (SELECT max(jsonb_array_length(drills)) FROM completed_sessions)
)
SELECT cs.id AS session_id, pos.i AS idx
  FROM completed_sessions cs
  JOIN users u ON u.id = cs.user_id AND u.platform = 'apple'
              AND lower(u.email) IN (SELECT lower(email) FROM v1.users)
  JOIN pos ON pos.i < jsonb_array_length(cs.drills)
 WHERE jsonb_typeof(cs.drills -> pos.i -> 'drill') IS DISTINCT FROM 'object'
    OR NOT (cs.drills -> pos.i -> 'drill' ? 'uuid')
    OR cs.drills -> pos.i -> 'drill' ? 'id'
