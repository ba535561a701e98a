-- The seed's orphan check: providers whose clinic does not exist.
-- providers.clinic_id has no foreign key, so nothing stopped them.
SELECT p.id, p.clinic_id, p.name
  FROM providers p
  LEFT JOIN clinics c ON p.clinic_id = c.id
 WHERE c.id IS NULL
 ORDER BY p.id
