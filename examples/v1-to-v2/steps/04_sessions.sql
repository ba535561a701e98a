-- Seed 001, _fix_drills_json_uuids(): every V1 completed session becomes a
-- V2 session under a new id.  In its drills JSON each element's
--     "drill": {"id": <V1 drills.id>, "skill": .., "title": .., "duration": ..}
-- becomes
--     "drill": {"uuid": <V2 drills.id>, "skill": .., "title": .., "duration": ..}
-- with V1's integer "id" gone and everything else as it was.  "uuid" is
-- the first key: jsonb keeps keys shortest first, and "uuid" is the
-- shortest key of a drill object.  The V2 drill is found by title: the
-- title of the V1 drill the element's id names, else the element's own
-- title.  An element whose title no V2 drill has keeps "uuid": null, and
-- the check "session_drills_have_v2_uuid" stops the push until someone
-- decides (README: "A drill V2 does not have").
CREATE TABLE mig_session (
    v1_id   integer PRIMARY KEY,
    new_id  uuid NOT NULL UNIQUE,
    user_id uuid NOT NULL
);
INSERT INTO mig_session (v1_id, new_id, user_id)
SELECT s.id, gen_random_uuid(), m.new_v2_id
  FROM v1.completed_sessions s
  JOIN mig_user m ON m.v1_id = s.user_id
 ORDER BY s.id;

-- One row per drill element: where it is, what it names, what it maps to.
CREATE TABLE mig_drill (
    session_v1_id integer NOT NULL,
    idx           integer NOT NULL,  -- position in the session's array
    v1_drill_id   integer,
    title         text,
    v2_drill_id   uuid,              -- NULL: no V2 drill has this title
    v1_element    jsonb NOT NULL,    -- the element as V1 has it
    element       jsonb,             -- the element V2 gets
    PRIMARY KEY (session_v1_id, idx)
);
INSERT INTO mig_drill (session_v1_id, idx, v1_drill_id, title, v1_element)
SELECT s.id, e.n - 1, (e.element -> 'drill' ->> 'id')::integer,
       coalesce(d.title, e.element -> 'drill' ->> 'title'), e.element
  FROM v1.completed_sessions s
  JOIN mig_session ms ON ms.v1_id = s.id
 CROSS JOIN jsonb_array_elements(s.drills) WITH ORDINALITY AS e(element, n)
  LEFT JOIN v1.drills d ON d.id = (e.element -> 'drill' ->> 'id')::integer;

UPDATE mig_drill m
   SET v2_drill_id = d.id
  FROM drills d
 WHERE d.title = m.title;

-- The rebuilt element: its "drill" object without V1's "id", with "uuid".
UPDATE mig_drill
   SET element = jsonb_set(v1_element, '{drill}',
                           ((v1_element -> 'drill') - 'id') || jsonb_build_object('uuid', v2_drill_id));

-- The session's array, in V1's order: element 0, then 1, ... appended one
-- at a time (a recursive CTE: the array grows by one element per level).
INSERT INTO completed_sessions (id, user_id, date, drills)
WITH RECURSIVE arr (session_v1_id, n, drills) AS (
    SELECT v1_id, 0, '[]'::jsonb FROM mig_session
    UNION ALL
    SELECT a.session_v1_id, a.n + 1, a.drills || jsonb_build_array(m.element)
      FROM arr a
      JOIN mig_drill m ON m.session_v1_id = a.session_v1_id AND m.idx = a.n
)
SELECT ms.new_id, ms.user_id, s.date, a.drills
  FROM mig_session ms
  JOIN v1.completed_sessions s ON s.id = ms.v1_id
  JOIN arr a ON a.session_v1_id = ms.v1_id AND a.n = jsonb_array_length(s.drills)
 ORDER BY ms.v1_id;
