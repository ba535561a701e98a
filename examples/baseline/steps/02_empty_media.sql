-- Media rows of zero bytes or less (id 303 in the fixture: a failed upload
-- of 0 bytes).  The baseline adds CHECK (size_bytes > 0).  There is no
-- size to restore (the file is empty), so the row goes: the object keeps
-- its other files.
DELETE FROM media WHERE size_bytes <= 0;
