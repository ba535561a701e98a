-- After: every drill element of a migrated user's session (a V2 Apple user
-- who is a V1 user of this snapshot) names a V2 drill:
-- its "uuid" is a V2 drills.id and that drill has the element's title.
-- An element whose title V2 does not have (a retired drill) keeps
-- "uuid": null and is listed here.  The fix (drydock check --fix) drops
-- such elements and recomputes the progress of the migrated users; the
-- other way out is to add the drill to V2 first (README).
SELECT cs.id AS session_id, e.n - 1 AS idx,
       e.element -> 'drill' ->> 'title' AS title,
       e.element -> 'drill' ->> 'uuid' AS uuid
  FROM completed_sessions cs
  JOIN users u ON u.id = cs.user_id AND u.platform = 'apple'
              AND lower(u.email) IN (SELECT lower(email) FROM v1.users)
 CROSS JOIN jsonb_array_elements(cs.drills) WITH ORDINALITY AS e(element, n)
 WHERE NOT EXISTS (SELECT 1 FROM drills d
                    WHERE d.id::text = e.element -> 'drill' ->> 'uuid'
                      AND d.title = e.element -> 'drill' ->> 'title')
