{{ config(materialized='table') }}

with orders as (

    select * from {{ ref('stg_orders') }}

),

completed as (

    select
        order_id,
        customer_id,
        order_date,
        order_total,
        case
            when order_total >= {{ var('large_order_threshold', 500) }} then true
            else false
        end as is_large_order
    from orders
    where status = 'completed'

)

select * from completed
