-- examples/v1-to-v2/one-user reads V1's users with a filter (the "where"
-- of its plan.json, applied at snapshot) and V1's other tables whole: the
-- same view of V1 here (its foreign keys would take the other users'
-- sessions and preferences along).
ALTER TABLE v1.completed_sessions DROP CONSTRAINT completed_sessions_user_id_fkey;
ALTER TABLE v1.session_preferences DROP CONSTRAINT session_preferences_user_id_fkey;
DELETE FROM v1.users WHERE NOT (lower(email) = lower('Jonas.Lefevre51@iCloud.com'));
