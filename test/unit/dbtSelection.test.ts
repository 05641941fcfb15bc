// dbt runs in DAGs that select models by folder or tag: each model the selector picks in the dbt
// project must come out downstream of the task that runs it (of the DAG, for a Cosmos DbtDag), as a
// model the task names does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const DBT: Record<string, string> = {
  'analytics/dbt_project.yml': lines(
    'name: jaffle',
    'config-version: 2',
    'profile: jaffle',
    'models:',
    '  jaffle:',
    '    staging:',
    '      +materialized: view',
    '    marts:',
    '      +tags: [nightly]',
    '      finance:',
    '        +tags: [finance]',
  ),
  'analytics/models/staging/stg_orders.sql': lines('select id as order_id, amount from raw.orders'),
  'analytics/models/staging/stg_payments.sql': lines('select id as payment_id, order_id, amount from raw.payments'),
  'analytics/models/marts/customers.sql': lines("select order_id from {{ ref('stg_orders') }}"),
  'analytics/models/marts/finance/revenue.sql': lines("select sum(amount) as revenue from {{ ref('stg_payments') }}"),
  'analytics/models/marts/finance/legacy_revenue.sql': lines("{{ config(tags=['legacy']) }}", "select sum(amount) as revenue from {{ ref('stg_payments') }}"),
  'analytics/models/hourly_kpis.sql': lines("{{ config(tags=['hourly']) }}", "select count(*) as n from {{ ref('stg_orders') }}"),
};

const DAGS: Record<string, string> = {
  'dags/dbt_schedules.py': lines(
    'from airflow import DAG',
    'from airflow.operators.bash import BashOperator',
    '',
    'DBT = "cd /opt/airflow/analytics && dbt"',
    '',
    'with DAG("dbt_nightly", schedule="0 2 * * *") as nightly:',
    '    staging = BashOperator(task_id="staging", bash_command=f"{DBT} run --select path:models/staging")',
    '    marts = BashOperator(task_id="marts", bash_command=f"{DBT} build --select tag:nightly")',
    '    staging >> marts',
    '',
    'with DAG("dbt_hourly", schedule="@hourly") as hourly:',
    '    BashOperator(task_id="kpis", bash_command=f"{DBT} run -s +tag:hourly")',
    '',
    'with DAG("dbt_finance", schedule=None) as finance:',
    '    BashOperator(task_id="finance", bash_command=f"{DBT} run --select models/marts/finance,tag:finance")',
    '    BashOperator(task_id="nothing", bash_command=f"{DBT} run --select tag:no_such_tag")',
  ),
};

/** The models run by `id` (a task, or a Cosmos DAG): the dbt models directly downstream of it. */
async function modelsRunBy(files: Record<string, string>, id: string): Promise<string[]> {
  const index = await createLineageIndex(new MemoryFileSystem(files));
  assert.deepEqual(index.diagnostics, []);
  return index.graph
    .downstreamOf(id)
    .map((e) => index.get(e.to)!)
    .filter((a) => a.asset_type === 'dbt_model')
    .map((a) => a.name)
    .sort();
}

test('path: selects the models under a folder of the dbt project; tag: those a folder config tags', async () => {
  assert.deepEqual(await modelsRunBy({ ...DBT, ...DAGS }, 'task:dbt_nightly.staging'), ['stg_orders', 'stg_payments']);
  // tag:nightly: a folder's +tags, which marts/finance accumulates, and config() adds to.
  assert.deepEqual(await modelsRunBy({ ...DBT, ...DAGS }, 'task:dbt_nightly.marts'), ['customers', 'legacy_revenue', 'revenue']);
});

test('tag: selects by tags from config() in the model, with graph operators around it', async () => {
  assert.deepEqual(await modelsRunBy({ ...DBT, ...DAGS }, 'task:dbt_hourly.kpis'), ['hourly_kpis']);
});

test('a bare path and an intersection with a comma; a tag no model has selects nothing', async () => {
  assert.deepEqual(await modelsRunBy({ ...DBT, ...DAGS }, 'task:dbt_finance.finance'), ['legacy_revenue', 'revenue']);
  assert.deepEqual(await modelsRunBy({ ...DBT, ...DAGS }, 'task:dbt_finance.nothing'), []);
});

test('Cosmos: RenderConfig(select=["path:..."]) selects the same way', async () => {
  const cosmos = lines(
    'from cosmos import DbtDag, ProjectConfig, RenderConfig',
    '',
    'jaffle_staging = DbtDag(',
    '    dag_id="jaffle_staging",',
    '    project_config=ProjectConfig("/usr/local/airflow/dags/dbt/jaffle"),',
    '    render_config=RenderConfig(select=["path:models/staging"]),',
    '    schedule="@daily",',
    ')',
  );
  assert.deepEqual(await modelsRunBy({ ...DBT, 'dags/jaffle_staging.py': cosmos }, 'dag:jaffle_staging'), ['stg_orders', 'stg_payments']);
});

test('--exclude (and Cosmos exclude=) drops the models it selects, by name, tag or path', async () => {
  const dags = lines(
    'from airflow import DAG',
    'from airflow.operators.bash import BashOperator',
    'from cosmos import DbtTaskGroup, ProjectConfig, RenderConfig',
    'with DAG("dbt_filtered", schedule=None) as dag:',
    '    BashOperator(task_id="by_name", bash_command="cd analytics && dbt run --select tag:nightly --exclude legacy_revenue")',
    '    BashOperator(task_id="by_tag", bash_command="cd analytics && dbt build -s tag:nightly --exclude tag:legacy --target prod")',
    '    BashOperator(task_id="named", bash_command="dbt run --select customers revenue --exclude=revenue")',
    '    BashOperator(task_id="by_path", bash_command="dbt run --select tag:nightly --exclude path:models/marts/finance")',
    '    DbtTaskGroup(group_id="staging", project_config=ProjectConfig("analytics"), render_config=RenderConfig(select=["path:models/staging"], exclude=["stg_payments"]))',
  );
  const files = { ...DBT, 'dags/dbt_filtered.py': dags };
  assert.deepEqual(await modelsRunBy(files, 'task:dbt_filtered.by_name'), ['customers', 'revenue']);
  assert.deepEqual(await modelsRunBy(files, 'task:dbt_filtered.by_tag'), ['customers', 'revenue']);
  assert.deepEqual(await modelsRunBy(files, 'task:dbt_filtered.named'), ['customers']);
  assert.deepEqual(await modelsRunBy(files, 'task:dbt_filtered.by_path'), ['customers']);
  assert.deepEqual(await modelsRunBy(files, 'task:dbt_filtered.staging'), ['stg_orders']);
});

test('a dbt run or build with no selector runs every model (less what --exclude drops); so does a Cosmos DbtDag that selects nothing', async () => {
  const dags = lines(
    'from airflow import DAG',
    'from airflow.operators.bash import BashOperator',
    'from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator',
    'from cosmos import DbtDag, ProjectConfig',
    'with DAG("dbt_all", schedule=None) as dag:',
    '    BashOperator(task_id="run_all", bash_command="cd /opt/dbt && dbt deps && dbt run --target prod")',
    '    BashOperator(task_id="build_most", bash_command="dbt build --exclude tag:finance")',
    '    KubernetesPodOperator(task_id="pod", name="dbt", image="dbt", cmds=["dbt"], arguments=["run"])',
    '    BashOperator(task_id="seeds", bash_command="dbt seed")',
    'everything = DbtDag(dag_id="everything", project_config=ProjectConfig("/usr/local/airflow/dags/dbt/jaffle"), schedule="@daily")',
  );
  const files = { ...DBT, 'dags/dbt_all.py': dags };
  const all = ['customers', 'hourly_kpis', 'legacy_revenue', 'revenue', 'stg_orders', 'stg_payments'];
  // Before, each of these ran no model at all, without a word.
  assert.deepEqual(await modelsRunBy(files, 'task:dbt_all.run_all'), all);
  assert.deepEqual(await modelsRunBy(files, 'task:dbt_all.build_most'), ['customers', 'hourly_kpis', 'stg_orders', 'stg_payments']);
  assert.deepEqual(await modelsRunBy(files, 'task:dbt_all.pod'), all);
  assert.deepEqual(await modelsRunBy(files, 'dag:everything'), all);
  // dbt seed loads seeds, not models.
  assert.deepEqual(await modelsRunBy(files, 'task:dbt_all.seeds'), []);
});

test('several dbt projects: a run selects in the project its --project-dir or cd names; seed, snapshot and build run their resource types', async () => {
  const crm: Record<string, string> = {
    'crm/dbt_project.yml': lines('name: crm', 'config-version: 2', 'profile: crm', 'models:', '  crm:', '    +schema: crm'),
    // A model named as one of the other project's: a run in crm that names it runs crm's.
    'crm/models/stg_orders.sql': lines('select id as order_id, contact_id from raw.crm_orders'),
    'crm/models/contacts.sql': lines('select id as contact_id, email from raw.contacts'),
    'crm/models/accounts.sql': lines("select contact_id from {{ ref('contacts') }}"),
    'crm/seeds/regions.csv': lines('region_id,name', '1,emea'),
    'crm/snapshots/contacts_snapshot.sql': lines(
      "{% snapshot contacts_snapshot %}{{ config(target_schema='snapshots', unique_key='contact_id', strategy='check', check_cols='all') }}",
      "select * from {{ ref('contacts') }}{% endsnapshot %}",
    ),
    'analytics/seeds/countries.csv': lines('code,name', 'fr,France'),
  };
  const dags = lines(
    'from airflow import DAG',
    'from airflow.operators.bash import BashOperator',
    'with DAG("dbt_projects", schedule=None) as dag:',
    '    BashOperator(task_id="crm_run", bash_command="cd /opt/airflow/dbt/crm && dbt run --target prod")',
    '    BashOperator(task_id="jaffle_run", bash_command="dbt run --project-dir /usr/app/analytics --profiles-dir /usr/app")',
    '    BashOperator(task_id="crm_build", bash_command="dbt build --project-dir=crm")',
    '    BashOperator(task_id="crm_seed", bash_command="dbt seed --project-dir crm")',
    '    BashOperator(task_id="crm_snapshot", bash_command="cd crm; dbt snapshot")',
    '    BashOperator(task_id="unknown_dir", bash_command="dbt run --project-dir $DBT_DIR")',
    '    BashOperator(task_id="crm_named", bash_command="dbt run --select stg_orders --project-dir crm")',
  );
  const files = { ...DBT, ...crm, 'dags/dbt_projects.py': dags };
  const index = await createLineageIndex(new MemoryFileSystem(files));
  assert.deepEqual(index.diagnostics, []);
  const runBy = (id: string) =>
    index.graph
      .downstreamOf(id)
      .map((e) => index.get(e.to)!)
      .filter((a) => a.asset_type.startsWith('dbt_'))
      .map((a) => `${a.asset_type.slice(4)}:${a.name}`)
      .sort();
  const jaffle = ['customers', 'hourly_kpis', 'legacy_revenue', 'revenue', 'stg_orders', 'stg_payments'].map((m) => `model:${m}`);
  // Before: every project's models for each run, and no seed or snapshot for seed, snapshot or build.
  assert.deepEqual(runBy('task:dbt_projects.crm_run'), ['model:accounts', 'model:contacts', 'model:stg_orders']);
  const crmOrders = index.graph.downstreamOf('task:dbt_projects.crm_named').map((e) => index.get(e.to)!.location?.path);
  assert.deepEqual(crmOrders, ['crm/models/stg_orders.sql']);
  assert.deepEqual(runBy('task:dbt_projects.jaffle_run'), jaffle);
  assert.deepEqual(runBy('task:dbt_projects.crm_build'), ['model:accounts', 'model:contacts', 'model:stg_orders', 'seed:regions', 'snapshot:contacts_snapshot']);
  assert.deepEqual(runBy('task:dbt_projects.crm_seed'), ['seed:regions']);
  assert.deepEqual(runBy('task:dbt_projects.crm_snapshot'), ['snapshot:contacts_snapshot']);
  // A folder known only where the DAG runs: every project's models, as before.
  assert.deepEqual(runBy('task:dbt_projects.unknown_dir'), ['model:accounts', 'model:contacts', 'model:stg_orders', ...jaffle].sort());
});
