-- Media rows whose object no longer exists (ids 301 and 302 in the fixture:
-- objects 9001 and 9002 were deleted while media had no foreign key).
--
-- The baseline adds media_object_id_fkey ... ON DELETE CASCADE, so had the
-- key existed these rows would have been deleted together with their
-- objects.  Deleting them now gives the state the constraint describes.
-- Their URLs are in the change set (and the report) as deleted rows, so the
-- storage files can be removed afterwards.
DELETE FROM media
 WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = media.object_id);
