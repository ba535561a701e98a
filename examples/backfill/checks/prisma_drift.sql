-- Drift detection (seed 003): the database must be at the six migrations
-- of the timeline, all finished and none rolled back, before this
-- migration evolves it.  Rows returned: a missing, unfinished or unknown
-- migration.
WITH expected(name) AS (VALUES
    ('20240630120000_init'), ('20240630130000_add_face_sources'),
    ('20240630140000_add_target_templates'), ('20240630150000_add_generated_videos'),
    ('20240630160000_add_purchases'), ('20240630170000_add_indexes'))
SELECT problem, name FROM (
    SELECT 'missing or not finished' AS problem, name FROM expected
     WHERE name NOT IN (SELECT migration_name FROM _prisma_migrations
                         WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL)
    UNION ALL
    SELECT 'unknown to this plan', migration_name FROM _prisma_migrations
     WHERE migration_name NOT IN (SELECT name FROM expected)) AS problems
