-- The shop backend's orders table, as the warehouse receives it.
CREATE TABLE raw.orders (
    order_id             bigint PRIMARY KEY,
    customer_id          bigint NOT NULL,
    order_total          numeric(12, 2) NOT NULL,
    legacy_discount_code text,
    status               text NOT NULL,
    ordered_at           timestamp NOT NULL
);
