-- Checkout v2: the amount column gets its new name, and the old discount codes are retired.
ALTER TABLE raw.orders RENAME COLUMN order_total TO total_amount;
ALTER TABLE raw.orders DROP COLUMN legacy_discount_code;
