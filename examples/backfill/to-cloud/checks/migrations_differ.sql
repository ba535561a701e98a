-- Drift detection (seed 003): the cloud schema was made by the same
-- migrations as the local one.  Rows returned: a migration one side has
-- and the other lacks (or has with another checksum or unfinished).
SELECT 'only local' AS side, migration_name, checksum FROM (
    SELECT migration_name, checksum FROM local._prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
    EXCEPT
    SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) a
UNION ALL
SELECT 'only cloud', migration_name, checksum FROM (
    SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
    EXCEPT
    SELECT migration_name, checksum FROM local._prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) b
