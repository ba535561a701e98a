-- Media with size_bytes <= 0: they block media_size_bytes_check.
SELECT id, object_id, size_bytes FROM media WHERE size_bytes <= 0 ORDER BY id
