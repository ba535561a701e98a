-- Batched over generated_videos (100 videos a batch): a video with an
-- output gets the thumbnail the render worker writes next to it, the same
-- path with '.jpg' for '.mp4' (/outputs/<user>/<video>.mp4 ->
-- /outputs/<user>/<video>.jpg).
UPDATE generated_videos
   SET thumbnail_path = CASE
         WHEN output_path LIKE '%.mp4' THEN left(output_path, -4) || '.jpg'
         ELSE output_path || '.jpg'
       END
 WHERE id IN (SELECT key FROM dd_batch)
   AND thumbnail_path IS NULL
   AND output_path IS NOT NULL;
