-- A video with an output has its thumbnail next to it; one without an
-- output has the placeholder of its status.
SELECT id, status, output_path, thumbnail_path
  FROM generated_videos
 WHERE thumbnail_path IS DISTINCT FROM CASE
         WHEN output_path LIKE '%.mp4' THEN left(output_path, -4) || '.jpg'
         WHEN output_path IS NOT NULL THEN output_path || '.jpg'
         WHEN status = 'failed' THEN '/static/thumbnails/failed.jpg'
         ELSE '/static/thumbnails/processing.jpg'
       END
 ORDER BY id
