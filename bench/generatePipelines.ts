// Airflow DAGs and PySpark jobs for the synthetic workspace, in the styles teams write: classic
// operators with `>>` chains, SQL in f-strings built from a constant, a dbt run selector; Spark
// method chains with F.col, a join, groupBy/agg and a parquet write. Each reads mart models
// through the columns those models really output, so column lineage resolves.

export interface MartModel {
  name: string;
  cols: { name: string; kind: string }[];
}

const FOLDER_LIMIT = 450;

export function pipelineFiles(marts: MartModel[], counts: { dags: number; sparkJobs: number }, rnd: () => number): Map<string, string> {
  const files = new Map<string, string>();
  const usable = marts.filter((m) => keyOf(m) && numOf(m));
  if (!usable.length) return files;
  const pick = () => usable[Math.floor(rnd() * usable.length)];
  for (let i = 0; i < counts.dags; i++) files.set(`dags/group_${Math.floor(i / FOLDER_LIMIT)}/report_${i}.py`, dagFile(i, pick(), pick()));
  for (let i = 0; i < counts.sparkJobs; i++) {
    const a = pick();
    const b = usable.find((m) => m !== a && m.cols.some((c) => c.name === keyOf(a))) ?? a;
    files.set(`jobs/group_${Math.floor(i / FOLDER_LIMIT)}/spark_job_${i}.py`, sparkFile(i, a, b));
  }
  return files;
}

function keyOf(m: MartModel): string | undefined {
  return m.cols.find((c) => c.name === 'customer_id')?.name ?? m.cols.find((c) => c.kind === 'key')?.name;
}

function numOf(m: MartModel): string | undefined {
  return m.cols.find((c) => c.kind === 'num')?.name;
}

function dagFile(i: number, m: MartModel, check: MartModel): string {
  const key = keyOf(m) as string;
  const num = numOf(m) as string;
  return `"""Daily report ${i}: totals per ${key} from ${m.name}."""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

REPORT_TABLE = "reports.report_${i}"

with DAG(dag_id="report_${i}", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False) as dag:
    refresh = BashOperator(task_id="refresh_models", bash_command="dbt run --select +${m.name}")
    aggregate = SQLExecuteQueryOperator(
        task_id="aggregate",
        conn_id="warehouse",
        sql=f"""
            insert into {REPORT_TABLE}
            select ${key}, sum(${num}) as total, count(*) as row_count
            from marts.${m.name}
            where ${key} is not null
            group by ${key}
        """,
    )
    check = SQLExecuteQueryOperator(
        task_id="check_source",
        conn_id="warehouse",
        sql="select count(*) from marts.${check.name}",
    )
    refresh >> aggregate >> check
`;
}

function sparkFile(i: number, a: MartModel, b: MartModel): string {
  const key = keyOf(a) as string;
  const num = numOf(a) as string;
  return `"""Spark job ${i}: ${num} per ${key} from ${a.name}, joined with ${b.name}."""
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

spark = SparkSession.builder.appName("spark_job_${i}").getOrCreate()

facts = spark.table("marts.${a.name}")
dims = spark.table("marts.${b.name}").select("${key}")

result = (
    facts.filter(F.col("${key}").isNotNull())
    .join(dims, on="${key}", how="left")
    .groupBy("${key}")
    .agg(F.sum(F.col("${num}")).alias("total"), F.count("${key}").alias("row_count"))
)

result.write.mode("overwrite").parquet("data/spark_job_${i}.parquet")
`;
}
