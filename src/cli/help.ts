export const HELP = `datalineage — column-level lineage and impact analysis for dbt, SQL and data pipelines

Usage:
  datalineage index   [--workspace DIR] [--json]
  datalineage lineage ASSET [--workspace DIR] [--direction downstream|upstream|both] [--depth N] [--json]
  datalineage columns ASSET [--workspace DIR] [--json]
  datalineage impact  ASSET [--workspace DIR] [--rename-column OLD=NEW]... [--drop-column COL]...
                      [--change-type COL=TYPE]... [--rename-table NEW] [--drop-table]
                      [--json] [--fail-on breaking|warning|never]
  datalineage impact  --migration FILE [--workspace DIR] [--json] [--fail-on ...]

ASSET is a name — a dbt model, a source as source_name.table_name, a table or view bare or as
schema.table, an Airflow DAG id or a task as dag_id.task_id, a Spark job, a DVC stage, an MLflow
run or registered model, a file path relative to the workspace — or an asset id.

Other options: --dialect NAME (SQL dialect for plain SQL; default postgres), --no-cache (do not
read or write the parse cache in ~/.cache/datalineage).

Exit codes: 0 fine; 1 impact findings at or above --fail-on (default breaking); 2 bad usage or input.`;
