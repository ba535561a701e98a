-- Seed 001, fresh user rows: every V1 user, under their new V2 id, with
-- V1's names and sign-up time.  updated_at is the run's clock (now(): the
-- snapshot time unless `drydock run --clock` sets the planned push time).
INSERT INTO users (id, email, first_name, last_name, platform, created_at, updated_at)
SELECT m.new_v2_id, m.email, u.first_name, u.last_name, 'apple', u.created_at, now()
  FROM mig_user m
  JOIN v1.users u ON u.id = m.v1_id
 ORDER BY m.v1_id;
