-- drydock ledger (format 1): what drydock pushed to this database and how
-- to undo it.  Created by the first push (docs/push.md, "The ledger"), in
-- its own schema, inside the push's transaction.  Embedded into the
-- binary at build time (see Makefile).

CREATE SCHEMA IF NOT EXISTS drydock;
COMMENT ON SCHEMA drydock IS 'drydock ledger 1: pushes and rollbacks (docs/push.md)';

-- One row per push or rollback.
CREATE TABLE IF NOT EXISTS drydock.ledger (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('push', 'rollback')),
    hash            text NOT NULL,          -- the change set's sha256 (hex)
    plan            text NOT NULL,          -- plan name
    status          text NOT NULL CHECK (status IN ('in_progress', 'applied',
                        'partially_rolled_back', 'rolled_back')),
    rollback_of     bigint REFERENCES drydock.ledger (id),
    filter          text,                   -- rollback --where predicates
    counts          jsonb NOT NULL DEFAULT '{}',  -- table -> {inserted, updated, deleted}
    approved_by     text,
    approval_note   text,
    approved_at     text,
    started_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at     timestamptz,
    drydock_version text NOT NULL,
    staging         text,                   -- staging file and its snapshot, for people
    db_user         text NOT NULL DEFAULT current_user,
    batch_size      bigint,                 -- NULL: one transaction
    units           bigint NOT NULL DEFAULT 1,    -- batched: transactions planned
    checkpoint      bigint NOT NULL DEFAULT 0,    -- batched: transactions committed
    message         text
);

-- A change set is applied at most once: a second push of the same hash is
-- refused unless the first was rolled back completely.
CREATE UNIQUE INDEX IF NOT EXISTS ledger_push_once ON drydock.ledger (hash)
    WHERE kind = 'push' AND status <> 'rolled_back';

-- Per ledger entry and table: the work table holding every row the entry
-- moved, with its before-image (o_*) and after-image (n_*): the inverse.
CREATE TABLE IF NOT EXISTS drydock.ledger_table (
    ledger_id   bigint NOT NULL REFERENCES drydock.ledger (id),
    k           integer NOT NULL,           -- work table drydock.ledger_ID_K
    schema_name text NOT NULL,
    table_name  text NOT NULL,
    spec        jsonb NOT NULL,             -- columns, types, key, references
    inserted    bigint NOT NULL DEFAULT 0,
    updated     bigint NOT NULL DEFAULT 0,
    deleted     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (ledger_id, k)
);

-- Schema changes of a push, with their inverse.
CREATE TABLE IF NOT EXISTS drydock.ledger_ddl (
    ledger_id    bigint NOT NULL REFERENCES drydock.ledger (id),
    seq          integer NOT NULL,
    phase        text NOT NULL,             -- before, after
    op           text NOT NULL,
    tbl          text,
    ddl          text NOT NULL,
    ddl_post     text NOT NULL DEFAULT '',
    inverse      text NOT NULL,
    inverse_post text NOT NULL DEFAULT '',
    applied      boolean NOT NULL DEFAULT true, -- false: the target already had it
    restore      text NOT NULL DEFAULT '',  -- drops: puts the saved data back
    PRIMARY KEY (ledger_id, seq)
);

-- Sequences a push moved past the rows it inserted, and where they were.
CREATE TABLE IF NOT EXISTS drydock.ledger_sequence (
    ledger_id   bigint NOT NULL REFERENCES drydock.ledger (id),
    seq_name    text NOT NULL,
    old_value   bigint,                     -- NULL: never called (is_called false)
    new_value   bigint NOT NULL,
    PRIMARY KEY (ledger_id, seq_name)
);
