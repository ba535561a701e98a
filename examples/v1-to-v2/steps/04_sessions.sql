-- Seed 001, _fix_drills_json_uuids(): every V1 completed session becomes a
-- V2 session under a new id.  In its drills JSON each element's
--     "drill": {"id": <V1 drills.id>, "skill": .., "title": .., "duration": ..}
-- becomes
--     "drill": {"uuid": <V2 drills.id>, "skill": .., "title": .., "duration": ..}
-- with "uuid" the FIRST key (the app reads it first; the other keys keep
-- their order) and V1's integer "id" gone.  The V2 drill is found by title:
-- the title of the V1 drill the element's id names, else the element's
-- own title.  An element whose title no V2 drill has keeps "uuid": null,
-- and the check "session_drills_have_v2_uuid" stops the push until someone
-- decides (README: "A drill V2 does not have").
CREATE TABLE mig_session (
    v1_id   INTEGER PRIMARY KEY,
    new_id  TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL
);
INSERT INTO mig_session (v1_id, new_id, user_id)
SELECT s.id, gen_random_uuid(), m.new_v2_id
  FROM v1__completed_sessions s
  JOIN mig_user m ON m.v1_id = s.user_id
 ORDER BY s.id;

-- One row per drill element: where it is, what it names, what it maps to.
CREATE TABLE mig_drill (
    session_v1_id INTEGER NOT NULL,
    idx           INTEGER NOT NULL,  -- position in the session's array
    v1_drill_id   INTEGER,
    title         TEXT,
    v2_drill_id   TEXT,              -- NULL: no V2 drill has this title
    v1_element    TEXT NOT NULL,     -- the element as V1 has it
    drill_rest    TEXT,              -- its "drill" object without "id"
    element       TEXT,              -- the element V2 gets
    PRIMARY KEY (session_v1_id, idx)
);
INSERT INTO mig_drill (session_v1_id, idx, v1_drill_id, title, v1_element, drill_rest)
SELECT s.id, e.key, json_extract(e.value, '$.drill.id'),
       coalesce(d.title, json_extract(e.value, '$.drill.title')), e.value,
       json_remove(json_extract(e.value, '$.drill'), '$.id', '$.uuid')
  FROM v1__completed_sessions s
  JOIN mig_session ms ON ms.v1_id = s.id
  JOIN json_each(s.drills) e
  LEFT JOIN v1__drills d ON d.id = json_extract(e.value, '$.drill.id');

UPDATE mig_drill
   SET v2_drill_id = (SELECT d.id FROM drills d WHERE d.title = mig_drill.title);

-- The rebuilt element: "uuid" first, then the drill's other keys in their
-- order (json_remove keeps it), then the element's other keys as they were
-- (json_set replaces "drill" in place).
UPDATE mig_drill
   SET element = json_set(v1_element, '$.drill', json(
           '{"uuid":' || json_quote(v2_drill_id) ||
           coalesce(',' || nullif(substr(drill_rest, 2, length(drill_rest) - 2), ''), '') ||
           '}'));

-- The session's array, in V1's order: json_each walks the V1 array, and
-- each element is looked up by its position.
INSERT INTO completed_sessions (id, user_id, date, drills)
SELECT ms.new_id, ms.user_id, s.date,
       (SELECT json_group_array(json(
                   (SELECT md.element FROM mig_drill md
                     WHERE md.session_v1_id = s.id AND md.idx = e.key)))
          FROM json_each(s.drills) e)
  FROM mig_session ms
  JOIN v1__completed_sessions s ON s.id = ms.v1_id
 ORDER BY ms.v1_id;
