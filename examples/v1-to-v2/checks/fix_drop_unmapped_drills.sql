-- Fix of check "session_drills_have_v2_uuid" (drydock check --fix): the
-- drill elements of migrated sessions that name no V2 drill are dropped
-- -- V2 cannot show a drill it does not have -- and the progress of the
-- migrated users is computed again from what remains (view mig_progress,
-- step "progress").  Use it only if dropping is the decision; see README.
UPDATE completed_sessions
   SET drills = (SELECT json_group_array(json(e.value))
                   FROM json_each(completed_sessions.drills) e
                  WHERE EXISTS (SELECT 1 FROM drills d
                                 WHERE d.id = json_extract(e.value, '$.drill.uuid')))
 WHERE id IN (SELECT new_id FROM mig_session)
   AND EXISTS (SELECT 1 FROM json_each(completed_sessions.drills) e
                WHERE NOT EXISTS (SELECT 1 FROM drills d
                                   WHERE d.id = json_extract(e.value, '$.drill.uuid')));

DELETE FROM progress_history WHERE user_id IN (SELECT new_v2_id FROM mig_user);
INSERT INTO progress_history
      (user_id, drills_per_session, minutes_per_session, dribbling_drills_completed,
       passing_drills_completed, shooting_drills_completed, first_touch_drills_completed,
       favorite_drill, updated_at)
SELECT p.user_id, p.drills_per_session, p.minutes_per_session, p.dribbling_drills_completed,
       p.passing_drills_completed, p.shooting_drills_completed, p.first_touch_drills_completed,
       p.favorite_drill, p.updated_at
  FROM mig_user m
  JOIN mig_progress p ON p.user_id = m.new_v2_id
 ORDER BY m.v1_id;
