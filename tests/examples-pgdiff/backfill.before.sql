-- examples/backfill: the schema changes before the data.
ALTER TABLE generated_videos ADD COLUMN thumbnail_path text;
ALTER TABLE generated_videos ADD COLUMN quality_score double precision;
