-- Seed 001, "for existing users: deletes stale V2 data".  Everything V2
-- holds for a matched Apple user is a stale copy made by an earlier sync;
-- it goes, children first (V2's foreign keys cascade, but the change set
-- lists every row it removes, so push and rollback stay exact).  The
-- before-check "v2_apple_sessions_not_in_v1" proves no session exists only
-- in V2, so nothing the user did in V2 alone is lost.
DELETE FROM progress_history
 WHERE user_id IN (SELECT old_v2_id FROM mig_user WHERE old_v2_id IS NOT NULL);

DELETE FROM session_preferences
 WHERE user_id IN (SELECT old_v2_id FROM mig_user WHERE old_v2_id IS NOT NULL);

DELETE FROM completed_sessions
 WHERE user_id IN (SELECT old_v2_id FROM mig_user WHERE old_v2_id IS NOT NULL);

DELETE FROM users
 WHERE id IN (SELECT old_v2_id FROM mig_user WHERE old_v2_id IS NOT NULL);
