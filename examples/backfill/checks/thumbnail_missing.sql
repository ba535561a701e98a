-- thumbnail_path becomes NOT NULL: every video needs one.
SELECT id, status FROM generated_videos WHERE thumbnail_path IS NULL OR thumbnail_path = '' ORDER BY id
