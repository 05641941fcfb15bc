// The MLflow reader on an in-memory FileStore laid out the way `mlflow` writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AssetFact, FileFacts } from '../../src/core/model';
import { checkRunDataVersions, readMlflowFiles } from '../../src/core/readers/mlflow/mlflowReader';
import { lockedHashes, readDvcFiles } from '../../src/core/readers/dvc/dvcReader';
import { findStoreRoots } from '../../src/core/readers/mlflow/mlflowStore';
import { workspacePath } from '../../src/core/readers/mlflow/mlflowPaths';
import { commandScript } from '../../src/core/readers/mlflow/mlprojectReader';
import { createLineageIndex } from '../../src/core/lineageIndex';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';

const A = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const B = 'b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5';
const C = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const DATA_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const OLD_MD5 = '0123456789abcdef0123456789abcdef';
const HOLDOUT_MD5 = 'fedcba9876543210fedcba9876543210';
const COMMIT = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';

function runMeta(id: string, extra: string): string {
  return [`artifact_uri: file:///home/ana/churn/mlruns/1/${id}/artifacts`, "entry_point_name: ''", "experiment_id: '1'", `run_id: ${id}`, `run_uuid: ${id}`, 'source_type: 4', 'start_time: 1700000000000', 'tags: []', 'user_id: ana', extra].join('\n');
}

function workspace(): Record<string, string> {
  return {
    'src/train.py': 'import mlflow\n',
    'churn/evaluate.py': 'print(1)\n',
    'dvc.yaml': 'stages:\n  prepare:\n    cmd: python prep.py\n    outs:\n    - data/train.csv\n',
    'dvc.lock': `schema: '2.0'\nstages:\n  prepare:\n    cmd: python prep.py\n    outs:\n    - path: data/train.csv\n      hash: md5\n      md5: ${DATA_MD5}\n`,
    MLproject: [
      'name: churn',
      'python_env: python_env.yaml',
      'entry_points:',
      '  main:',
      '    parameters:',
      '      alpha: {type: float, default: 0.5}',
      '      data: {type: path, default: data/train.csv}',
      '    command: "python src/train.py --alpha {alpha} --data {data}"',
      '  evaluate:',
      '    command: python -m churn.evaluate',
    ].join('\n'),
    'mlruns/0/meta.yaml': "artifact_location: file:///home/ana/churn/mlruns/0\nexperiment_id: '0'\nlifecycle_stage: active\nname: Default\n",
    'mlruns/1/meta.yaml': "artifact_location: file:///home/ana/churn/mlruns/1\ncreation_time: 1700000000000\nexperiment_id: '1'\nlifecycle_stage: active\nname: churn\n",
    'mlruns/1/tags/mlflow.note.content': 'experiment tags are not a run',
    [`mlruns/1/${A}/meta.yaml`]: runMeta(A, 'run_name: bright-owl-42\nstatus: 3\nend_time: 1700000100000\nlifecycle_stage: active'),
    [`mlruns/1/${A}/params/alpha`]: '0.5',
    [`mlruns/1/${A}/params/data_version`]: 'v2',
    [`mlruns/1/${A}/metrics/rmse`]: '1700000001000 0.9 0\n1700000002000 0.8 1\n1700000003000 0.7 2\n1700000009000 0.95 1\n',
    [`mlruns/1/${A}/metrics/eval/acc`]: '1700000001000 0.91 0\n',
    [`mlruns/1/${A}/metrics/loss`]: 'oops\n',
    [`mlruns/1/${A}/tags/mlflow.runName`]: 'bright-owl-42',
    [`mlruns/1/${A}/tags/mlflow.source.name`]: '/home/ana/churn/src/train.py',
    [`mlruns/1/${A}/tags/mlflow.source.git.commit`]: COMMIT,
    [`mlruns/1/${A}/tags/mlflow.log-model.history`]: JSON.stringify([{ run_id: A, artifact_path: 'model', flavors: {} }]),
    [`mlruns/1/${A}/tags/dvc.data.path`]: 'data/train.csv',
    [`mlruns/1/${A}/tags/dvc.data.md5`]: DATA_MD5,
    [`mlruns/1/${A}/tags/team`]: 'growth',
    [`mlruns/1/${A}/artifacts/model/MLmodel`]: 'flavors: {}\n',
    [`mlruns/1/${A}/artifacts/model/model.pkl`]: 'pickle',
    [`mlruns/1/${B}/meta.yaml`]: runMeta(B, 'status: 4\nend_time: null\nlifecycle_stage: active'),
    [`mlruns/1/${B}/tags/mlflow.runName`]: 'calm-fox-7',
    [`mlruns/1/${B}/tags/mlflow.source.name`]: 'file:///home/ana/churn',
    [`mlruns/1/${B}/tags/mlflow.source.type`]: 'PROJECT',
    [`mlruns/1/${B}/tags/mlflow.project.entryPoint`]: 'main',
    [`mlruns/1/${B}/tags/git_commit`]: 'abc1234',
    [`mlruns/1/${B}/tags/data_path`]: 'data/train.csv',
    [`mlruns/1/${B}/tags/data_md5`]: OLD_MD5,
    [`mlruns/1/${B}/tags/data.data/holdout.csv.md5`]: HOLDOUT_MD5,
    [`mlruns/1/${C}/meta.yaml`]: runMeta(C, 'status: 3\nlifecycle_stage: deleted'),
    [`mlruns/1/${C}/params/alpha`]: '0.1',
    'mlruns/2/meta.yaml': 'name: [unclosed\nlifecycle_stage: active\n',
    'mlruns/models/churn-model/meta.yaml': 'creation_timestamp: 1700000200000\nname: churn-model\n',
    'mlruns/models/churn-model/version-1/meta.yaml': `current_stage: Archived\nname: churn-model\nrun_id: ${A}\nsource: file:///home/ana/churn/mlruns/1/${A}/artifacts/model\nstatus: READY\nversion: 1\n`,
    'mlruns/models/churn-model/version-2/meta.yaml': `current_stage: Production\nname: churn-model\nrun_id: ${B}\nsource: runs:/${B}/model\nversion: 2\n`,
    'mlruns/models/churn-model/version-3/meta.yaml': `current_stage: Deleted_Internal\nname: churn-model\nrun_id: ${A}\nversion: 3\n`,
    'mlruns/models/churn-model/version-4/meta.yaml': `current_stage: None\nname: churn-model\nrun_id: ${C}\nsource: runs:/${C}/model\nversion: 4\n`,
    'mlruns/models/churn-model/aliases/champion': '2',
  };
}

async function readAll(files: Record<string, string>): Promise<FileFacts[]> {
  // As the index does: the data versions come from what the DVC reader read of dvc.lock.
  const paths = Object.keys(files).sort();
  const dvc = await readDvcFiles(paths, async (p) => files[p], new MemoryFileSystem(files));
  return readMlflowFiles(paths, async (p) => files[p], { lockHashes: lockedHashes(dvc) });
}

const facts = (out: FileFacts[]): AssetFact[] => out.flatMap((f) => f.assets);
const byId = (out: FileFacts[], id: string): AssetFact | undefined => facts(out).find((a) => a.id === id);

test('a run: params, last metric values, git commit, DVC data tags, artifacts', async () => {
  const out = await readAll(workspace());
  assert.deepEqual(byId(out, `mlflow_run:${A}`), {
    id: `mlflow_run:${A}`,
    asset_type: 'mlflow_run',
    name: 'bright-owl-42',
    aliases: [A],
    source_ref: `mlruns/1/${A}`,
    location: { path: `mlruns/1/${A}/meta.yaml`, line: 1, column: 1 },
    upstream: [
      { kind: 'path', path: 'src/train.py' },
      { kind: 'path', path: 'data/train.csv' },
    ],
    origin: 'mlflow',
    meta: {
      experiment: 'churn',
      experimentId: '1',
      status: 'FINISHED',
      startTime: 1700000000000,
      endTime: 1700000100000,
      user: 'ana',
      params: { alpha: '0.5', data_version: 'v2' },
      metrics: { 'eval/acc': 0.91, rmse: 0.7 },
      tags: { 'dvc.data.md5': DATA_MD5, 'dvc.data.path': 'data/train.csv', team: 'growth' },
      gitCommit: COMMIT,
      sourceName: '/home/ana/churn/src/train.py',
      dataVersions: [
        { path: 'data/train.csv', md5: DATA_MD5, source: 'dvc.data.md5' },
        { path: 'data/train.csv', md5: 'v2', source: 'data_version' },
      ],
      artifacts: ['model/MLmodel', 'model/model.pkl'],
      loggedModels: ['model'],
    },
  });
});

test('a project run links its entry point and is flagged for stale data', async () => {
  const out = await readAll(workspace());
  assert.deepEqual(byId(out, `mlflow_run:${B}`), {
    id: `mlflow_run:${B}`,
    asset_type: 'mlflow_run',
    name: 'calm-fox-7',
    aliases: [B],
    source_ref: `mlruns/1/${B}`,
    location: { path: `mlruns/1/${B}/meta.yaml`, line: 1, column: 1 },
    upstream: [
      { kind: 'name', name: 'mlproject:MLproject:main' },
      { kind: 'path', path: 'data/train.csv' },
      { kind: 'path', path: 'data/holdout.csv' },
    ],
    origin: 'mlflow',
    meta: {
      experiment: 'churn',
      experimentId: '1',
      status: 'FAILED',
      startTime: 1700000000000,
      user: 'ana',
      params: {},
      metrics: {},
      tags: { 'data.data/holdout.csv.md5': HOLDOUT_MD5, data_md5: OLD_MD5, data_path: 'data/train.csv', git_commit: 'abc1234' },
      gitCommit: 'abc1234',
      sourceName: 'file:///home/ana/churn',
      entryPoint: 'main',
      dataVersions: [
        { path: 'data/train.csv', md5: OLD_MD5, source: 'data_md5' },
        { path: 'data/holdout.csv', md5: HOLDOUT_MD5, source: 'data.data/holdout.csv.md5' },
      ],
      artifacts: [],
      dataStale: true,
      staleData: [
        { path: 'data/train.csv', recorded: OLD_MD5, current: DATA_MD5 },
        { path: 'data/holdout.csv', recorded: HOLDOUT_MD5 },
      ],
    },
  });
  const stale = out.flatMap((f) => f.diagnostics).filter((d) => d.code === 'mlflow-stale-data');
  assert.deepEqual(stale.map((d) => [d.path, d.severity, d.message]), [
    [`mlruns/1/${B}/meta.yaml`, 'warning', `MLflow run calm-fox-7 used data/train.csv at ${OLD_MD5}, but dvc.lock now has ${DATA_MD5}`],
    [`mlruns/1/${B}/meta.yaml`, 'warning', `MLflow run calm-fox-7 used data/holdout.csv at ${HOLDOUT_MD5}, but dvc.lock no longer lists it`],
  ]);
});

test('deleted runs, experiment tags and deleted model versions are skipped', async () => {
  const out = await readAll(workspace());
  assert.deepEqual(facts(out).map((a) => a.id).sort(), ['mlflow_model:churn-model', `mlflow_run:${A}`, `mlflow_run:${B}`, 'mlproject:MLproject:evaluate', 'mlproject:MLproject:main']);
});

test('a registered model: every live version links its run', async () => {
  const out = await readAll(workspace());
  assert.deepEqual(byId(out, 'mlflow_model:churn-model'), {
    id: 'mlflow_model:churn-model',
    asset_type: 'mlflow_model',
    name: 'churn-model',
    source_ref: 'mlruns/models/churn-model',
    location: { path: 'mlruns/models/churn-model/meta.yaml', line: 1, column: 1 },
    upstream: [
      { kind: 'name', name: `mlflow_run:${A}` },
      { kind: 'name', name: `mlflow_run:${B}` },
    ],
    origin: 'mlflow',
    meta: {
      versions: [
        { version: '1', run_id: A, stage: 'Archived', source: `file:///home/ana/churn/mlruns/1/${A}/artifacts/model` },
        { version: '2', run_id: B, stage: 'Production', source: `runs:/${B}/model`, aliases: ['champion'] },
        { version: '4', run_id: C, stage: 'None', source: `runs:/${C}/model` },
      ],
    },
  });
});

test('MLproject entry points link their script and path parameters', async () => {
  const out = await readAll(workspace());
  assert.deepEqual(byId(out, 'mlproject:MLproject:main'), {
    id: 'mlproject:MLproject:main',
    asset_type: 'mlflow_entry_point',
    name: 'churn:main',
    source_ref: 'MLproject',
    location: { path: 'MLproject', line: 4, column: 1 },
    upstream: [
      { kind: 'path', path: 'src/train.py' },
      { kind: 'path', path: 'data/train.csv' },
    ],
    origin: 'mlflow',
    meta: {
      project: 'churn',
      entryPoint: 'main',
      command: 'python src/train.py --alpha {alpha} --data {data}',
      parameters: { alpha: { type: 'float', default: 0.5 }, data: { type: 'path', default: 'data/train.csv' } },
      script: 'src/train.py',
    },
  });
  assert.deepEqual(byId(out, 'mlproject:MLproject:evaluate')?.upstream, [{ kind: 'path', path: 'churn/evaluate.py' }]);
});

test('malformed meta.yaml and metric lines are diagnostics, never a throw', async () => {
  const out = await readAll(workspace());
  const diags = out.flatMap((f) => f.diagnostics).filter((d) => d.code !== 'mlflow-stale-data');
  assert.deepEqual(diags.map((d) => [d.path, d.line, d.code, d.severity]), [
    ['mlruns/2/meta.yaml', 2, 'mlflow-meta', 'error'], // the flow sequence runs on into line 2
    [`mlruns/1/${A}/metrics/loss`, 1, 'mlflow-meta', 'warning'],
    ['mlruns/models/churn-model/meta.yaml', 1, 'mlflow-missing-run', 'warning'],
  ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))));
  assert.match(diags.find((d) => d.code === 'mlflow-missing-run')?.message ?? '', new RegExp(`run ${C}, which is deleted`));
  const garbage = { 'mlruns/1/meta.yaml': '{{{', [`mlruns/1/${A}/meta.yaml`]: ': : :', [`mlruns/1/${A}/tags/x`]: 'y', 'MLproject': '- a\n- b', 'x/MLproject': 'entry_points: [1' };
  const bad = await readAll(garbage);
  assert.equal(facts(bad).length, 0);
  assert.ok(bad.flatMap((f) => f.diagnostics).every((d) => d.code === 'mlflow-meta'));
  assert.deepEqual(await readAll({ 'a.sql': 'select 1' }), []);
  // A log-model history that is not JSON: a warning at the tag, the run still read.
  const history = { ...workspace(), [`mlruns/1/${A}/tags/mlflow.log-model.history`]: '[{"artifact_path": "model"' };
  const withBadTag = await readAll(history);
  const tagDiag = withBadTag.flatMap((f) => f.diagnostics).find((d) => d.path === `mlruns/1/${A}/tags/mlflow.log-model.history`);
  assert.equal(tagDiag?.severity, 'warning');
  assert.match(tagDiag?.message ?? '', /mlflow\.log-model\.history is not JSON .*the models this run logged are not read/);
  const run = facts(withBadTag).find((f) => f.id === `mlflow_run:${A}`);
  assert.equal(run?.name, 'bright-owl-42');
  assert.equal(run?.meta?.loggedModels, undefined);
});

test('staleness check, both ways, on plain facts', () => {
  const run = (md5: string, path = 'data/train.csv'): AssetFact => ({ id: 'mlflow_run:r', asset_type: 'mlflow_run', name: 'r', source_ref: 'mlruns/0/r', upstream: [], origin: 'mlflow', meta: { dataVersions: [{ path, md5, source: 'dvc.data.md5' }, { path, md5: 'v3', source: 'data_version' }] } });
  const lock = new Map([
    ['pipe/raw.csv', OLD_MD5],
    ['data/train.csv', DATA_MD5],
  ]);
  const fresh = run(DATA_MD5.toUpperCase());
  assert.deepEqual(checkRunDataVersions([fresh], lock), []);
  assert.equal(fresh.meta?.dataStale, undefined, 'a non-hash version ("v3") is recorded, not compared');
  const stale = run(OLD_MD5);
  const d = checkRunDataVersions([stale], lock);
  assert.deepEqual(d.map((x) => [x.code, x.severity, x.path]), [['mlflow-stale-data', 'warning', 'mlruns/0/r']]);
  assert.equal(stale.meta?.dataStale, true);
  assert.equal(checkRunDataVersions([run(DATA_MD5, 'data/gone.csv')], lock).length, 1);
});

test('stores anywhere, relative and absolute source paths, script commands', () => {
  const roots = findStoreRoots(['ml/mlruns/0/meta.yaml', 'x/tracking/3/meta.yaml', 'x/tracking/3/r1/meta.yaml', 'x/tracking/3/r1/params/a', 'ml/mlruns/0/r/artifacts/mlruns/0/meta.yaml']);
  assert.deepEqual(roots, ['ml/mlruns', 'x/tracking']);
  const ctx = { known: new Set(['ml/train.py', 'src/a.py']), cwd: 'ml', absoluteRoot: '/w' };
  assert.equal(workspacePath('train.py', ctx, true), 'ml/train.py', 'relative to the folder holding mlruns');
  assert.equal(workspacePath('/w/src/a.py', ctx, true), 'src/a.py');
  assert.equal(workspacePath('C:\\Users\\me\\proj\\src\\a.py', { ...ctx, absoluteRoot: undefined }, true), 'src/a.py');
  assert.equal(workspacePath('/opt/conda/lib/ipykernel_launcher.py', ctx, true), undefined);
  assert.equal(workspacePath('s3://bucket/data.csv', ctx, false), 's3://bucket/data.csv');
  assert.equal(commandScript('Rscript "fit.R" {x}', 'proj', new Set()), 'proj/fit.R');
  assert.equal(commandScript('echo {x}', '', new Set()), undefined);
});

test('through the index: model → runs → data and code; a run id is a name', async () => {
  const index = await createLineageIndex(new MemoryFileSystem(workspace()));
  const model = index.lookup('churn-model');
  assert.equal(model.kind, 'found');
  if (model.kind !== 'found') return;
  const ids: string[] = [];
  const walk = (n: { id: string; upstream: { id: string; upstream: unknown[] }[] }): void => {
    ids.push(n.id);
    for (const u of n.upstream) walk(u as typeof n);
  };
  walk(index.lineage(model.asset, 'upstream', 5).graph);
  for (const id of [`mlflow_run:${A}`, `mlflow_run:${B}`, 'file:data/train.csv', 'file:src/train.py', 'mlproject:MLproject:main']) assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
  const run = index.lookup(A);
  assert.equal(run.kind === 'found' && run.asset.id, `mlflow_run:${A}`);
  assert.equal(index.get(`mlflow_run:${B}`)?.meta.dataStale, true);
  assert.ok(!index.diagnostics.some((d) => d.code === 'unknown-ref'), JSON.stringify(index.diagnostics));
});
