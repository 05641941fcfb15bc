"""Customer lifetime value: total spend and order count per customer, from fct_orders."""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

# The amount column is configured here, so a rename upstream is only visible through this constant.
AMOUNT_COLUMN = "order_total"

spark = SparkSession.builder.appName("customer_ltv_model").getOrCreate()

orders = spark.table("marts.fct_orders")

ltv = (
    orders.groupBy("customer_id")
    .agg(
        F.sum(F.col(AMOUNT_COLUMN)).alias("lifetime_value"),
        F.count("order_id").alias("order_count"),
    )
)

ltv.write.mode("overwrite").parquet("data/customer_ltv.parquet")
