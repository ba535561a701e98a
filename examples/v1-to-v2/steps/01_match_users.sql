-- Seed 001, user identification: every V1 user is an Apple user.  Each is
-- matched to the V2 user that is the same person -- same email, compared
-- case-insensitively -- and gets the fresh V2 id its re-created rows will
-- carry.  A V1 user with no match is a new V2 user.
--
-- Why case-insensitive: email addresses are case-insensitive in practice
-- (every mail provider, Apple ID included, treats Jonas.Lefevre51@iCloud.com
-- and jonas.lefevre51@icloud.com as one mailbox), and V2 already stored one
-- Apple user lower-cased.  Exact matching would miss that person and create
-- a second V2 account for them next to the stale one.  lower() folds what
-- the database's locale folds (ASCII only in the C locale); the
-- before-check "v1_email_ambiguous" stops a run whose emails would need
-- more (or that match two V2 users at once).
--
-- Only Apple users of V2 are candidates: an Android user is never touched.
-- A V1 email that equals an Android user's is an error of its own (check
-- "v1_email_ambiguous").
CREATE TABLE mig_user (
    v1_id     integer PRIMARY KEY,
    email     text NOT NULL,         -- what the fresh V2 row stores
    old_v2_id uuid,                  -- the stale V2 copy, NULL for a new user
    new_v2_id uuid NOT NULL UNIQUE
);

-- The fresh row keeps the email V2 already knows the person by (V2's
-- spelling, which is how V2 logs them in); a new user gets V1's.
INSERT INTO mig_user (v1_id, email, old_v2_id, new_v2_id)
SELECT u.id, coalesce(v.email, u.email), v.id, gen_random_uuid()
  FROM v1.users u
  LEFT JOIN users v ON lower(v.email) = lower(u.email) AND v.platform = 'apple'
 ORDER BY u.id;
