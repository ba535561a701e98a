-- After: every drill element of a migrated user's session (a V2 Apple user
-- who is a V1 user of this snapshot) names a V2 drill:
-- its "uuid" is a V2 drills.id and that drill has the element's title.
-- An element whose title V2 does not have (a retired drill) keeps
-- "uuid": null and is listed here.  The fix (drydock check --fix) drops
-- such elements and recomputes the progress of the migrated users; the
-- other way out is to add the drill to V2 first (README).
WITH RECURSIVE pos (i) AS (
    SELECT 0
    UNION ALL
    SELECT i + 1 FROM pos
     WHERE i + 1 < (SELECT max(jsonb_array_length(drills)) FROM completed_sessions)
)
SELECT cs.id AS session_id, pos.i AS idx,
       cs.drills -> pos.i -> 'drill' ->> 'title' AS title,
       cs.drills -> pos.i -> 'drill' ->> 'uuid' AS uuid
  FROM completed_sessions cs
  JOIN users u ON u.id = cs.user_id AND u.platform = 'apple'
              AND lower(u.email) IN (SELECT lower(email) FROM v1.users)
  JOIN pos ON pos.i < jsonb_array_length(cs.drills)
 WHERE NOT EXISTS (SELECT 1 FROM drills d
                    WHERE d.id::text = cs.drills -> pos.i -> 'drill' ->> 'uuid'
                      AND d.title = cs.drills -> pos.i -> 'drill' ->> 'title')
