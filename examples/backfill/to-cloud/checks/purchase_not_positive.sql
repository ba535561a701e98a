-- Purchases of 0 or less: a refund booked as a purchase (PostgreSQL allows
-- it; nothing here changes it).  Numeric is stored as text: compare as a number.
SELECT id, user_id, amount, currency, status FROM purchases WHERE CAST(amount AS REAL) <= 0 ORDER BY id
