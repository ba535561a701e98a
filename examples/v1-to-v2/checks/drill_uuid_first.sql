-- After: in every drill element of a migrated user's session, "uuid" is the
-- first key of the "drill" object and V1's integer "id" is gone.
SELECT cs.id AS session_id, e.key AS idx
  FROM completed_sessions cs
  JOIN users u ON u.id = cs.user_id AND u.platform = 'apple'
              AND lower(u.email) IN (SELECT lower(email) FROM v1__users)
  JOIN json_each(cs.drills) e
 WHERE json_type(e.value, '$.drill') IS NOT 'object'
    OR (SELECT k.key FROM json_each(e.value, '$.drill') k ORDER BY k.id LIMIT 1) IS NOT 'uuid'
    OR json_type(e.value, '$.drill.id') IS NOT NULL
