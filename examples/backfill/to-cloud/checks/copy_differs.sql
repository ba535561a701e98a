-- After the copy every table of the cloud equals its local original, row
-- for row and value for value.  Rows returned: a row one side lacks.  The
-- two databases have their own enum types: enum values compare as labels.
SELECT 'users' AS tbl, 'missing in cloud' AS problem, id FROM (SELECT * FROM local.users EXCEPT SELECT * FROM users) d1
UNION ALL SELECT 'users', 'not in local', id FROM (SELECT * FROM users EXCEPT SELECT * FROM local.users) d2
UNION ALL SELECT 'face_sources', 'missing in cloud', id FROM (SELECT * FROM local.face_sources EXCEPT SELECT * FROM face_sources) d3
UNION ALL SELECT 'face_sources', 'not in local', id FROM (SELECT * FROM face_sources EXCEPT SELECT * FROM local.face_sources) d4
UNION ALL SELECT 'target_templates', 'missing in cloud', id FROM (SELECT * FROM local.target_templates EXCEPT SELECT * FROM target_templates) d5
UNION ALL SELECT 'target_templates', 'not in local', id FROM (SELECT * FROM target_templates EXCEPT SELECT * FROM local.target_templates) d6
UNION ALL SELECT 'generated_videos', 'missing in cloud', id FROM (SELECT id, user_id, face_source_id, template_id, status::text AS status, output_path, file_size, duration_seconds, error_message, processing_node, created_at, updated_at FROM local.generated_videos EXCEPT SELECT id, user_id, face_source_id, template_id, status::text AS status, output_path, file_size, duration_seconds, error_message, processing_node, created_at, updated_at FROM generated_videos) d7
UNION ALL SELECT 'generated_videos', 'not in local', id FROM (SELECT id, user_id, face_source_id, template_id, status::text AS status, output_path, file_size, duration_seconds, error_message, processing_node, created_at, updated_at FROM generated_videos EXCEPT SELECT id, user_id, face_source_id, template_id, status::text AS status, output_path, file_size, duration_seconds, error_message, processing_node, created_at, updated_at FROM local.generated_videos) d8
UNION ALL SELECT 'purchases', 'missing in cloud', id FROM (SELECT id, user_id, amount, currency, credits, status::text AS status, stripe_payment_id, created_at FROM local.purchases EXCEPT SELECT id, user_id, amount, currency, credits, status::text AS status, stripe_payment_id, created_at FROM purchases) d9
UNION ALL SELECT 'purchases', 'not in local', id FROM (SELECT id, user_id, amount, currency, credits, status::text AS status, stripe_payment_id, created_at FROM purchases EXCEPT SELECT id, user_id, amount, currency, credits, status::text AS status, stripe_payment_id, created_at FROM local.purchases) d10
