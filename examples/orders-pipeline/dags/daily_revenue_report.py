"""Daily revenue report: yesterday's revenue from fct_orders, posted to the finance channel."""
from datetime import datetime

from airflow import DAG
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

with DAG(
    dag_id="daily_revenue_report",
    start_date=datetime(2024, 1, 1),
    schedule="@daily",
    catchup=False,
    tags=["finance"],
) as dag:
    revenue = SQLExecuteQueryOperator(
        task_id="compute_daily_revenue",
        conn_id="warehouse",
        sql="""
            select order_date, sum(order_total) as revenue, count(*) as orders
            from marts.fct_orders
            where order_date = '{{ ds }}'
            group by order_date
        """,
        do_xcom_push=True,
    )
