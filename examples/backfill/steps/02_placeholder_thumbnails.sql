-- Videos without an output (11 in the fixture: 4 pending, 4 processing and
-- 3 failed jobs) have no thumbnail to point at.  thumbnail_path becomes
-- NOT NULL, so they get the app's placeholder images: failed jobs the
-- "failed" one, unfinished jobs the "processing" one (the render worker
-- replaces it when the job finishes: see the README).
UPDATE generated_videos
   SET thumbnail_path = CASE status
         WHEN 'failed' THEN '/static/thumbnails/failed.jpg'
         ELSE '/static/thumbnails/processing.jpg'
       END
 WHERE thumbnail_path IS NULL
   AND output_path IS NULL;
