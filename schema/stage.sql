-- drydock staging file: bookkeeping tables (format version 1).
-- Embedded into the binary at build time (see Makefile, build/schema_sql.c).
-- Every drydock-owned table starts with dd_; snapshotted tables never do.

-- Key/value facts about the file: format_version, drydock_version,
-- created_at, plan_name, plan_json (the plan as it was at snapshot).
CREATE TABLE dd_meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

-- One row per source database (or fixture source).
CREATE TABLE dd_source (
    name           TEXT PRIMARY KEY,   -- the plan's source name
    is_target      INTEGER NOT NULL,   -- 1 for the source push writes to
    pg_schema      TEXT NOT NULL,      -- PostgreSQL schema of its tables
    origin         TEXT NOT NULL,      -- 'postgres' or 'fixture'
    identity       TEXT NOT NULL,      -- host/port/db/user, never a password
    server_version TEXT,
    snapshot_at    TEXT                -- when the source was read (UTC)
);

-- One row per snapshotted table.
CREATE TABLE dd_table (
    source        TEXT NOT NULL,
    name          TEXT NOT NULL,       -- name in PostgreSQL
    stage_name    TEXT NOT NULL UNIQUE,-- name steps use in the staging file
    pristine_name TEXT,                -- immutable copy (target tables only)
    row_filter    TEXT,                -- the plan's "where", if any
    row_count     INTEGER NOT NULL DEFAULT 0,
    partitioned   INTEGER NOT NULL DEFAULT 0, -- a partitioned parent: rows of all its partitions
    key_columns   TEXT,                -- no primary key: the plan's "key" (JSON array), or NULL
    key_index     TEXT,                -- key_columns are this unique index's (no plan "key"), or NULL
    PRIMARY KEY (source, name)
);

CREATE TABLE dd_column (
    source       TEXT NOT NULL,
    tbl          TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,     -- 1-based position
    name         TEXT NOT NULL,
    pg_type      TEXT NOT NULL,        -- format_type() text
    is_enum      INTEGER NOT NULL DEFAULT 0,
    enum_type    TEXT,                 -- element enum type name, if any
    not_null     INTEGER NOT NULL,
    default_expr TEXT,                 -- pg_get_expr() text
    identity     TEXT,                 -- 'a' always, 'd' by default, NULL
    sequence     TEXT,                 -- owned sequence (serial/identity)
    masked       TEXT,                 -- masking rule applied at snapshot, or NULL
    generated    TEXT,                 -- GENERATED ALWAYS AS (this) STORED: pg_get_expr() text
    PRIMARY KEY (source, tbl, ordinal)
);

-- Primary keys (p), foreign keys (f), unique (u), check (c), exclusion (x).
CREATE TABLE dd_constraint (
    source      TEXT NOT NULL,
    tbl         TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    columns     TEXT NOT NULL,         -- JSON array of column names
    ref_schema  TEXT,
    ref_table   TEXT,
    ref_columns TEXT,                  -- JSON array
    on_update   TEXT,                  -- confupdtype letter
    on_delete   TEXT,                  -- confdeltype letter
    definition  TEXT NOT NULL,         -- pg_get_constraintdef()
    PRIMARY KEY (source, tbl, name)
);

CREATE TABLE dd_index (
    source     TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    name       TEXT NOT NULL,
    definition TEXT NOT NULL,          -- pg_get_indexdef()
    PRIMARY KEY (source, tbl, name)
);

-- Sequences the target's columns take values from (a default's nextval,
-- identity, OWNED BY), as they were at snapshot.
CREATE TABLE dd_sequence (
    source      TEXT NOT NULL,
    schema      TEXT NOT NULL,
    name        TEXT NOT NULL,
    last_value  INTEGER NOT NULL,
    is_called   INTEGER NOT NULL,      -- 0: nextval returns last_value itself
    increment   INTEGER NOT NULL,
    min_value   INTEGER NOT NULL,
    max_value   INTEGER NOT NULL,
    start_value INTEGER NOT NULL,
    cycle       INTEGER NOT NULL,
    PRIMARY KEY (source, schema, name)
);

-- The sequences as the current run left them (nextval in steps); rebuilt
-- from dd_sequence when a run starts, committed with each step, so a
-- resumed run continues where it stopped.
CREATE TABLE dd_sequence_state (
    schema     TEXT NOT NULL,
    name       TEXT NOT NULL,
    last_value INTEGER NOT NULL,
    is_called  INTEGER NOT NULL,
    PRIMARY KEY (schema, name)
);

CREATE TABLE dd_enum (
    source    TEXT NOT NULL,
    type_name TEXT NOT NULL,
    position  INTEGER NOT NULL,
    label     TEXT NOT NULL,
    PRIMARY KEY (source, type_name, position)
);

-- ---------------------------------------------------------------- runs
-- One row per `drydock run`.  The working tables are rebuilt from the
-- pristine copies at the start of every fresh run.
CREATE TABLE dd_run (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,         -- wall clock (UTC), for people
    finished_at TEXT,
    plan_name   TEXT NOT NULL,
    plan_hash   TEXT NOT NULL,         -- sha256 of plan.json and its files
    seed        TEXT NOT NULL,         -- seeds gen_random_uuid()
    clock       TEXT NOT NULL,         -- what now() returns in steps
    status      TEXT NOT NULL,         -- running, failed, done
    next_step   INTEGER NOT NULL DEFAULT 0, -- resume point: step index
    next_batch  INTEGER NOT NULL DEFAULT 0, -- and batch within it
    no_check    INTEGER NOT NULL DEFAULT 0,
    message     TEXT                   -- why it failed
);

-- What each step (and batch) did: seed 000's migration_log, seed 004's
-- checkpoints.
CREATE TABLE dd_run_log (
    run         INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    step        TEXT NOT NULL,         -- step name, or "schema:<op>", "fix:<check>"
    batch       INTEGER,               -- 1-based batch number, NULL if unbatched
    batches     INTEGER,               -- number of batches of the step
    first_key   TEXT,
    last_key    TEXT,
    rows        INTEGER NOT NULL,      -- rows changed (sqlite3_total_changes)
    duration_ms REAL NOT NULL,
    status      TEXT NOT NULL,         -- ok, failed
    message     TEXT,
    PRIMARY KEY (run, seq)
);

-- Key ranges of batched steps, fixed when the step starts so a resumed
-- run walks the same batches.
CREATE TABLE dd_run_batch (
    run         INTEGER NOT NULL,
    step        TEXT NOT NULL,
    batch       INTEGER NOT NULL,      -- 1-based
    first_key,                         -- typeless: the key as stored
    last_key,
    PRIMARY KEY (run, step, batch)
);

-- Schema changes applied by the latest run, in order, with the
-- PostgreSQL DDL push sends and its inverse for rollback.  Each direction
-- has a part before and a part after its data operations
-- (docs/schema-changes.md, "Ordering"); a part may be empty.
CREATE TABLE dd_schema_change (
    seq          INTEGER PRIMARY KEY,
    phase        TEXT NOT NULL,        -- before, after
    op           TEXT NOT NULL,
    tbl          TEXT,
    spec         TEXT NOT NULL,        -- the plan's object, canonical JSON
    skipped      INTEGER NOT NULL DEFAULT 0, -- if_not_exists, already in the snapshot
    ddl          TEXT NOT NULL,        -- push, before its data operations
    ddl_post     TEXT NOT NULL,        -- push, after its data operations
    inverse_ddl  TEXT NOT NULL,        -- rollback, before its data operations
    inverse_post TEXT NOT NULL,        -- rollback, after its data operations
    probe        TEXT                  -- schema_change_probe_sql(), or NULL
);

-- ----------------------------------------------------------- change set
-- The net difference between the pristine snapshot and the working state
-- of the target's tables, recomputed at the end of every run.
CREATE TABLE dd_changeset (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    hash        TEXT NOT NULL,         -- sha256, hex (docs/design.md)
    run         INTEGER NOT NULL,
    computed_at TEXT NOT NULL,
    inserts     INTEGER NOT NULL,
    updates     INTEGER NOT NULL,
    deletes     INTEGER NOT NULL,
    schema_changes INTEGER NOT NULL
);

-- Per table counts, and per column how many updated rows changed it.
CREATE TABLE dd_change_table (
    tbl         TEXT PRIMARY KEY,
    inserts     INTEGER NOT NULL,
    updates     INTEGER NOT NULL,
    deletes     INTEGER NOT NULL,
    rows_before INTEGER NOT NULL,
    rows_after  INTEGER NOT NULL,
    columns     TEXT NOT NULL          -- JSON object: column -> rows changed
);

-- One row per changed row.  Values are PostgreSQL text (JSON strings) or
-- null, in the column order of dd_change_table's table as it is after the
-- run (cols_after) and before it (cols_before).
CREATE TABLE dd_change (
    tbl         TEXT NOT NULL,
    seq         INTEGER NOT NULL,      -- canonical order: deletes, then
                                       -- inserts/updates, each in key order
    op          TEXT NOT NULL,         -- I, U, D
    key         TEXT NOT NULL,         -- JSON array: primary key values
    old_row     TEXT,                  -- JSON array: whole row before (U, D)
    new_row     TEXT,                  -- JSON array: whole row after (I, U)
    changed     TEXT,                  -- JSON array of changed column names (U)
    PRIMARY KEY (tbl, seq)
) WITHOUT ROWID;                       -- one b-tree, appended in order

-- Column lists for old_row/new_row per table.
CREATE TABLE dd_change_columns (
    tbl         TEXT PRIMARY KEY,
    cols_before TEXT NOT NULL,         -- JSON array of names (pristine)
    cols_after  TEXT NOT NULL          -- JSON array of names (working)
);

-- --------------------------------------------------------------- checks
-- One row per `drydock check` (or the checks `drydock run` runs), bound to
-- the change set it judged; approve and push look at the latest.
CREATE TABLE dd_check_run (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    run            INTEGER,            -- dd_run.id it followed
    changeset_hash TEXT,               -- NULL when there was no change set yet
    phase          TEXT NOT NULL,      -- before, after, all
    errors         INTEGER NOT NULL,   -- failed checks of severity error
    warnings       INTEGER NOT NULL,
    passed         INTEGER NOT NULL
);

CREATE TABLE dd_check_result (
    check_run   INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    name        TEXT NOT NULL,         -- e.g. "fk posts_user_id_fkey", plan check name
    kind        TEXT NOT NULL,         -- builtin, plan, gate, invariant
    severity    TEXT NOT NULL,         -- error, warn
    status      TEXT NOT NULL,         -- pass, fail, unverifiable, fixed
    count       INTEGER NOT NULL,      -- violating rows
    sample      TEXT,                  -- JSON array of up to 20 keys
    message     TEXT,
    duration_ms REAL,
    PRIMARY KEY (check_run, seq)
);

-- ------------------------------------------------------ approve and push
CREATE TABLE dd_approval (
    id             INTEGER PRIMARY KEY,
    changeset_hash TEXT NOT NULL,      -- the approval holds for this hash only
    approved_by    TEXT NOT NULL,
    note           TEXT,
    at             TEXT NOT NULL,
    check_run      INTEGER NOT NULL    -- the clean check run it relied on
);

-- Pushes and rollbacks made from this file (the target's ledger is the
-- authority; this is the local record reports read).
CREATE TABLE dd_push (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,      -- push, rollback
    target         TEXT NOT NULL,      -- identity, never a password
    changeset_hash TEXT NOT NULL,
    ledger_id      INTEGER,
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    status         TEXT NOT NULL,      -- applied, conflict, failed, partial
    counts         TEXT,               -- JSON: table -> {inserted, updated, deleted}
    message        TEXT
);

-- Scratch tables that step SQL creates (CREATE [TEMP] TABLE [AS]), with
-- their PostgreSQL column types, so later steps compile against them
-- (src/sql/sqlc.h).  The compiled CREATE TABLE writes these rows; DROP
-- TABLE deletes them.
CREATE TABLE dd_scratch_column (
    tbl          TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,     -- 1-based position
    name         TEXT NOT NULL,
    pg_type      TEXT NOT NULL,        -- format_type() text; enums as "source.type"
    not_null     INTEGER NOT NULL,
    default_expr TEXT,                 -- PostgreSQL text, compiled at INSERT
    temp         INTEGER NOT NULL,     -- 1 for CREATE TEMP TABLE
    PRIMARY KEY (tbl, ordinal)
);
