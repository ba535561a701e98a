-- After the copy every table of the cloud equals its local original, row
-- for row and value for value.  Rows returned: a row one side lacks.
SELECT 'users' AS tbl, 'missing in cloud' AS problem, id FROM (SELECT * FROM local.users EXCEPT SELECT * FROM users) d1
UNION ALL SELECT 'users', 'not in local', id FROM (SELECT * FROM users EXCEPT SELECT * FROM local.users) d2
UNION ALL SELECT 'face_sources', 'missing in cloud', id FROM (SELECT * FROM local.face_sources EXCEPT SELECT * FROM face_sources) d3
UNION ALL SELECT 'face_sources', 'not in local', id FROM (SELECT * FROM face_sources EXCEPT SELECT * FROM local.face_sources) d4
UNION ALL SELECT 'target_templates', 'missing in cloud', id FROM (SELECT * FROM local.target_templates EXCEPT SELECT * FROM target_templates) d5
UNION ALL SELECT 'target_templates', 'not in local', id FROM (SELECT * FROM target_templates EXCEPT SELECT * FROM local.target_templates) d6
UNION ALL SELECT 'generated_videos', 'missing in cloud', id FROM (SELECT * FROM local.generated_videos EXCEPT SELECT * FROM generated_videos) d7
UNION ALL SELECT 'generated_videos', 'not in local', id FROM (SELECT * FROM generated_videos EXCEPT SELECT * FROM local.generated_videos) d8
UNION ALL SELECT 'purchases', 'missing in cloud', id FROM (SELECT * FROM local.purchases EXCEPT SELECT * FROM purchases) d9
UNION ALL SELECT 'purchases', 'not in local', id FROM (SELECT * FROM purchases EXCEPT SELECT * FROM local.purchases) d10
