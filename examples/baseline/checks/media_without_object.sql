-- Media whose object does not exist: they block media_object_id_fkey.
SELECT m.id, m.object_id, m.url
  FROM media m
 WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = m.object_id)
 ORDER BY m.id
