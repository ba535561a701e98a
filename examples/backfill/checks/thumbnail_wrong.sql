-- A video with an output has its thumbnail next to it; one without an
-- output has the placeholder of its status.
SELECT id, status, output_path, thumbnail_path
  FROM generated_videos
 WHERE CASE
         WHEN output_path LIKE '%.mp4' THEN thumbnail_path IS NOT substr(output_path, 1, length(output_path) - 4) || '.jpg'
         WHEN output_path IS NOT NULL THEN thumbnail_path IS NOT output_path || '.jpg'
         WHEN status = 'failed' THEN thumbnail_path IS NOT '/static/thumbnails/failed.jpg'
         ELSE thumbnail_path IS NOT '/static/thumbnails/processing.jpg'
       END
 ORDER BY id
