{{ config(materialized='view') }}

with source as (

    select * from {{ source('raw', 'raw_orders') }}

),

renamed as (

    select
        order_id,
        customer_id,
        order_total,
        coalesce(legacy_discount_code, 'NONE') as discount_code,
        status,
        cast(ordered_at as date) as order_date
    from source
    where status <> 'test'

)

select * from renamed
