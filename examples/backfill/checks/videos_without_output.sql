-- Videos with no output file: nothing to derive a thumbnail from.
SELECT id, status, error_message FROM generated_videos WHERE output_path IS NULL ORDER BY id
