-- The cloud database must be empty (but for its migration history): a copy
-- into a database that already has rows would mix two databases.
SELECT 'users' AS tbl, count(*) AS rows FROM users HAVING count(*) > 0
UNION ALL SELECT 'face_sources', count(*) FROM face_sources HAVING count(*) > 0
UNION ALL SELECT 'target_templates', count(*) FROM target_templates HAVING count(*) > 0
UNION ALL SELECT 'generated_videos', count(*) FROM generated_videos HAVING count(*) > 0
UNION ALL SELECT 'purchases', count(*) FROM purchases HAVING count(*) > 0
