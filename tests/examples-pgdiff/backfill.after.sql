-- examples/backfill: the schema changes after the data.
ALTER TABLE generated_videos ALTER COLUMN thumbnail_path SET NOT NULL;
