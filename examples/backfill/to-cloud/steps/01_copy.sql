-- Every row of the local database into the empty cloud one, parents first
-- (push inserts in foreign-key order anyway).  Columns are named: the two
-- schemas come from the same migrations, but a column order that drifted
-- apart must fail here, not put values into the wrong columns.  The two
-- databases each have their own enum types (video_status,
-- purchase_status): a value crosses as its label.
INSERT INTO users (id, email, name, email_verified, image, created_at, updated_at)
SELECT id, email, name, email_verified, image, created_at, updated_at FROM local.users;

INSERT INTO face_sources (id, user_id, file_path, original_name, file_size, mime_type, width, height, is_active, created_at)
SELECT id, user_id, file_path, original_name, file_size, mime_type, width, height, is_active, created_at FROM local.face_sources;

INSERT INTO target_templates (id, name, description, file_path, thumbnail_path, duration_seconds, file_size, mime_type, is_active, created_at)
SELECT id, name, description, file_path, thumbnail_path, duration_seconds, file_size, mime_type, is_active, created_at FROM local.target_templates;

INSERT INTO generated_videos (id, user_id, face_source_id, template_id, status, output_path, file_size,
                              duration_seconds, error_message, processing_node, created_at, updated_at)
SELECT id, user_id, face_source_id, template_id, status::text::video_status, output_path, file_size,
       duration_seconds, error_message, processing_node, created_at, updated_at FROM local.generated_videos;

INSERT INTO purchases (id, user_id, amount, currency, credits, status, stripe_payment_id, created_at)
SELECT id, user_id, amount, currency, credits, status::text::purchase_status, stripe_payment_id, created_at FROM local.purchases;
