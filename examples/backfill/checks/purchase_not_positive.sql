-- Purchases of 0 or less: a refund booked as a purchase (PostgreSQL allows
-- it; nothing here changes it).
SELECT id, user_id, amount, currency, status FROM purchases WHERE amount <= 0 ORDER BY id
