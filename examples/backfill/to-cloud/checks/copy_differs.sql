-- After the copy every table of the cloud equals its local original, row
-- for row and value for value.  Rows returned: a row one side lacks.
SELECT 'users' AS tbl, 'missing in cloud' AS problem, id FROM (SELECT * FROM local__users EXCEPT SELECT * FROM users)
UNION ALL SELECT 'users', 'not in local', id FROM (SELECT * FROM users EXCEPT SELECT * FROM local__users)
UNION ALL SELECT 'face_sources', 'missing in cloud', id FROM (SELECT * FROM local__face_sources EXCEPT SELECT * FROM face_sources)
UNION ALL SELECT 'face_sources', 'not in local', id FROM (SELECT * FROM face_sources EXCEPT SELECT * FROM local__face_sources)
UNION ALL SELECT 'target_templates', 'missing in cloud', id FROM (SELECT * FROM local__target_templates EXCEPT SELECT * FROM target_templates)
UNION ALL SELECT 'target_templates', 'not in local', id FROM (SELECT * FROM target_templates EXCEPT SELECT * FROM local__target_templates)
UNION ALL SELECT 'generated_videos', 'missing in cloud', id FROM (SELECT * FROM local__generated_videos EXCEPT SELECT * FROM generated_videos)
UNION ALL SELECT 'generated_videos', 'not in local', id FROM (SELECT * FROM generated_videos EXCEPT SELECT * FROM local__generated_videos)
UNION ALL SELECT 'purchases', 'missing in cloud', id FROM (SELECT * FROM local__purchases EXCEPT SELECT * FROM purchases)
UNION ALL SELECT 'purchases', 'not in local', id FROM (SELECT * FROM purchases EXCEPT SELECT * FROM local__purchases)
