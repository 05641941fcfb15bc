// DVC pipelines: stages, templating, dvc.lock staleness, .dvc files, and the graph they make.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readDvcFiles } from '../../src/core/readers/dvc/dvcReader';
import { dos2unixMd5, isTextBlock } from '../../src/core/readers/dvc/dvcStatus';
import { shellCommands, scriptOf } from '../../src/core/readers/dvc/dvcShell';
import { pyFloatRepr } from '../../src/core/readers/dvc/dvcValues';
import { MemoryFileSystem } from '../../src/core/io/fileSystem';
import { createLineageIndex } from '../../src/core/lineageIndex';
import type { AssetFact, FileFacts } from '../../src/core/model';
import type { LineageNode } from '../../src/core/query/lineageTree';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

const PARAMS = `prepare:
  split: 0.2
  seed: 20170428
featurize:
  max_features: 100
train:
  seed: 20170428
  n_est: 50
  min_split: 0.01
`;

const PIPELINE = `stages:
  prepare:
    cmd: python src/prepare.py data/data.xml
    deps:
      - data/data.xml
      - src/prepare.py
    params:
      - prepare.seed
      - prepare.split
    outs:
      - data/prepared
  featurize:
    cmd: python src/featurization.py data/prepared data/features.csv
    deps:
      - data/prepared
      - src/featurization.py
    params:
      - featurize.max_features
    outs:
      - data/features.csv
  train:
    cmd: python src/train.py data/features.csv model.pkl
    deps:
      - data/features.csv
      - data/labels.csv
    params:
      - train
    outs:
      - model.pkl
  evaluate:
    cmd: python src/evaluate.py model.pkl data/features.csv
    deps:
      - data/features.csv
      - model.pkl
      - src/evaluate.py
    metrics:
      - eval/metrics.json:
          cache: false
    plots:
      - eval/prc.json:
          cache: false
          x: recall
          y: precision
`;

const FILES: Record<string, string> = {
  'params.yaml': PARAMS,
  'data/data.xml': '<posts><row Id="1"/></posts>\n',
  'data/prepared/train.tsv': 'id\ttext\n1\thello\n',
  'data/prepared/test.tsv': 'id\ttext\n2\tworld\n',
  'data/features.csv': 'id,f1\n1,0.5\n',
  'data/labels.csv': 'id,label\r\n1,yes\r\n',
  'model.pkl': 'pickled-model',
  'src/prepare.py': 'import sys\n',
  'src/featurization.py': 'import sys\n',
  'src/train.py': 'import sys\n',
  'src/evaluate.py': 'import sys\n',
  'eval/metrics.json': '{"auc": 0.9}\n',
  'eval/prc.json': '[]\n',
};

function lockFor(files: Record<string, string>): string {
  return `schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py data/data.xml
    deps:
    - path: data/data.xml
      hash: md5
      md5: 0123456789abcdef0123456789abcdef
    - path: src/prepare.py
      hash: md5
      md5: ${md5(files['src/prepare.py'])}
    params:
      params.yaml:
        prepare.seed: 20170428
        prepare.split: 0.2
    outs:
    - path: data/prepared
      hash: md5
      md5: 153aad06d376b6595932470e459ef42a.dir
      size: 8000
      nfiles: 2
  featurize:
    cmd: python src/featurization.py data/prepared data/features.csv
    deps:
    - path: data/prepared
      md5: 153aad06d376b6595932470e459ef42a.dir
      nfiles: 2
    - path: src/featurization.py
      hash: md5
      md5: ${md5(files['src/featurization.py'])}
    params:
      params.yaml:
        featurize.max_features: 100
    outs:
    - path: data/features.csv
      hash: md5
      md5: ${md5(files['data/features.csv'])}
      size: ${files['data/features.csv'].length}
  train:
    cmd: python src/train.py data/features.csv model.pkl
    deps:
    - path: data/features.csv
      hash: md5
      md5: ${md5(files['data/features.csv'])}
    - path: data/labels.csv
      md5: ${md5(FILES['data/labels.csv'].replace(/\r\n/g, '\n'))}
    params:
      params.yaml:
        train:
          seed: 20170428
          n_est: 50
          min_split: 0.01
    outs:
    - path: model.pkl
      hash: md5
      md5: ${md5(files['model.pkl'])}
      size: ${files['model.pkl'].length}
`;
}

const workspace = (): Record<string, string> => ({ ...FILES, 'dvc.yaml': PIPELINE, 'dvc.lock': lockFor(FILES) });

async function read(files: Record<string, string>): Promise<FileFacts[]> {
  const fs = new MemoryFileSystem(files);
  return readDvcFiles(await fs.listFiles(), (p) => fs.readFile(p), fs);
}

const allAssets = (facts: FileFacts[]): AssetFact[] => facts.flatMap((f) => f.assets);
const byId = (facts: FileFacts[], id: string): AssetFact | undefined => allAssets(facts).find((a) => a.id === id);

test('a realistic pipeline: stages with deps, params, script, outs, metrics and plots', async () => {
  const files = workspace();
  const facts = await read(files);
  assert.deepEqual(byId(facts, 'dvc:dvc.yaml:train'), {
    id: 'dvc:dvc.yaml:train',
    asset_type: 'dvc_stage',
    name: 'train',
    source_ref: 'dvc.yaml',
    location: { path: 'dvc.yaml', line: 21, column: 3 },
    origin: 'dvc',
    upstream: [
      { kind: 'path', path: 'data/features.csv' },
      { kind: 'path', path: 'data/labels.csv' },
      { kind: 'path', path: 'params.yaml' },
      { kind: 'path', path: 'src/train.py' },
    ],
    meta: {
      cmd: 'python src/train.py data/features.csv model.pkl',
      wdir: '.',
      deps: ['data/features.csv', 'data/labels.csv'],
      // What dvc.lock recorded for them (labels.csv is a legacy, dos2unix-hashed entry).
      lockedDeps: [
        { path: 'data/features.csv', md5: md5(files['data/features.csv']) },
        { path: 'data/labels.csv', md5: md5(FILES['data/labels.csv'].replace(/\r\n/g, '\n')) },
      ],
      params: { 'params.yaml': ['train'] },
      outs: ['model.pkl'],
      metrics: [],
      plots: [],
      stale: false,
      staleReasons: [],
      frozen: false,
    },
  });
  assert.deepEqual(byId(facts, 'file:model.pkl'), {
    id: 'file:model.pkl',
    asset_type: 'file',
    name: 'model.pkl',
    source_ref: 'model.pkl',
    location: { path: 'dvc.yaml', line: 29, column: 9 },
    origin: 'dvc',
    upstream: [{ kind: 'name', name: 'dvc:dvc.yaml:train' }],
    meta: { md5: md5('pickled-model'), cache: true },
  });
  assert.deepEqual(byId(facts, 'file:eval/metrics.json')?.meta, { cache: false, metric: true });
  assert.deepEqual(byId(facts, 'file:eval/prc.json')?.meta, { cache: false, plot: true });
  const evaluate = byId(facts, 'dvc:dvc.yaml:evaluate');
  assert.deepEqual(evaluate?.upstream.map((u) => (u.kind === 'path' ? u.path : '')), ['data/features.csv', 'model.pkl', 'src/evaluate.py'], 'the script is a dep already: listed once');
  assert.deepEqual([evaluate?.meta?.metrics, evaluate?.meta?.plots], [['eval/metrics.json'], ['eval/prc.json']]);
});

test('dvc.lock: a changed dep is stale with its reason, a directory is unknown, a stage missing from the lock never ran', async () => {
  const facts = await read(workspace());
  const meta = (name: string) => byId(facts, `dvc:dvc.yaml:${name}`)?.meta;
  assert.equal(meta('prepare')?.stale, true);
  assert.deepEqual(meta('prepare')?.staleReasons, [`data/data.xml changed: lock md5 01234567…, now ${md5(FILES['data/data.xml']).slice(0, 8)}…`, 'data/prepared: a directory, not hashed']);
  assert.deepEqual([meta('featurize')?.stale, meta('featurize')?.staleReasons], ['unknown', ['data/prepared: a directory, not hashed']]);
  assert.equal(meta('train')?.stale, false, 'CRLF text with a legacy (DVC 2) hash matches after dos2unix');
  assert.deepEqual([meta('evaluate')?.stale, meta('evaluate')?.staleReasons], [true, ['never run: not in dvc.lock']]);
  const stale = facts.flatMap((f) => f.diagnostics).filter((d) => d.code === 'dvc-stale');
  assert.deepEqual(stale.map((d) => [d.line, d.severity]), [[2, 'warning'], [30, 'warning']]);
});

test('dvc.lock: params, command and outputs are checked like dvc status', async () => {
  const files = workspace();
  files['params.yaml'] = PARAMS.replace('n_est: 50', 'n_est: 60').replace('max_features: 100', 'max_features: 200');
  files['dvc.yaml'] = PIPELINE.replace('python src/train.py data/features.csv model.pkl', 'python src/train.py data/features.csv model.pkl --fast');
  files['data/features.csv'] = 'id,f1\n1,0.7\n';
  files['model.pkl'] = 'pickled-model-v2';
  delete files['data/labels.csv'];
  const facts = await read(files);
  const reasons = (name: string) => byId(facts, `dvc:dvc.yaml:${name}`)?.meta?.staleReasons;
  assert.deepEqual(reasons('featurize'), [
    'params.yaml: param featurize.max_features changed: lock 100, now 200',
    `data/features.csv changed: lock md5 ${md5(FILES['data/features.csv']).slice(0, 8)}…, now ${md5(files['data/features.csv']).slice(0, 8)}…`,
    'data/prepared: a directory, not hashed',
  ]);
  assert.deepEqual(reasons('train'), [
    `data/features.csv changed: lock md5 ${md5(FILES['data/features.csv']).slice(0, 8)}…, now ${md5(files['data/features.csv']).slice(0, 8)}…`,
    'data/labels.csv (dependency) is missing',
    'params.yaml: param train changed: lock {"seed":20170428,"n_est":50,"min_split":0.01}, now {"seed":20170428,"n_est":60,"min_split":0.01}',
    'model.pkl changed: lock size 13 bytes, now 16 bytes',
    'command changed since dvc.lock',
  ]);
});

test('frozen stages skip their deps; always_changed and callback stages are always stale', async () => {
  const facts = await read({
    'in.txt': 'new input',
    'out.txt': 'out',
    'dvc.yaml': 'stages:\n  f:\n    cmd: cp in.txt out.txt\n    frozen: true\n    deps: [in.txt]\n    outs: [out.txt]\n  a:\n    cmd: date\n    always_changed: true\n    outs: [out2.txt]\n  cb:\n    cmd: echo hi\n',
    'dvc.lock': `schema: '2.0'\nstages:\n  f:\n    cmd: cp in.txt out.txt\n    deps:\n    - path: in.txt\n      hash: md5\n      md5: ${md5('old input')}\n    outs:\n    - path: out.txt\n      hash: md5\n      md5: ${md5('out')}\n  a:\n    cmd: date\n  cb:\n    cmd: echo hi\n`,
  });
  const meta = (name: string) => byId(facts, `dvc:dvc.yaml:${name}`)?.meta;
  assert.deepEqual([meta('f')?.stale, meta('f')?.frozen], [false, true]);
  assert.deepEqual(meta('a')?.staleReasons, ['out2.txt (output) is not recorded in dvc.lock', 'always changed']);
  assert.deepEqual(meta('cb')?.staleReasons, ['always changed']);
});

test('DVC 2 legacy hashes: CRLF normalised per 1 MiB chunk of text, raw bytes otherwise', async () => {
  const io = (text: string) => ({ fileSize: async () => Buffer.byteLength(text), read: async () => text });
  assert.equal(await dos2unixMd5('a.csv', md5('a\r\nb\r\n'), io('a\r\nb\r\n')), md5('a\nb\n'));
  assert.equal(await dos2unixMd5('m.parquet', 'raw', io('x')), 'raw', 'binary formats are hashed raw');
  const latin = 'caf\u00e9\r\n';
  assert.deepEqual(await dos2unixMd5('l.csv', 'raw', { fileSize: async () => 6, read: async () => latin }), { why: 'legacy (DVC 2) hash of a file that is not UTF-8; cannot rebuild its bytes' });
  // A CRLF split across the 1 MiB read boundary stays as it is, as in dvc_data's chunked reads.
  const big = `${'a'.repeat(1024 * 1024 - 1)}\r\nb\r\n`;
  assert.equal(await dos2unixMd5('big.txt', md5(big), io(big)), md5(`${'a'.repeat(1024 * 1024 - 1)}\r\nb\n`));
  assert.equal(isTextBlock(Buffer.from('plain text\n')), true);
  assert.equal(isTextBlock(Buffer.from([0x41, 0x00])), false);
  assert.equal(isTextBlock(Buffer.from([0xff, 0xfe, 0xfd, 0x41])), false);
});

const SUB = `vars:
  - config.yaml:models,regions
  - base: data
stages:
  clean:
    foreach: \${regions}
    do:
      cmd: python clean.py --region \${item}
      deps:
        - \${base}/raw_\${item}.csv
      outs:
        - \${base}/clean_\${item}.csv
  report:
    foreach:
      daily:
        file: d.csv
      weekly:
        file: w.csv
    do:
      cmd: bash report.sh \${key} \${item.file}
      deps:
        - \${item.file}
  fit:
    foreach: \${models}
    do:
      wdir: src
      cmd: python -m trainer.fit --name \${item.name} --lr \${item.lr}
      deps:
        - ../\${base}/clean_us.csv
      outs:
        - ../models/\${item.name}.pkl
  sweep:
    matrix:
      model: [cnn, rnn]
      lr: [0.1, 1.0]
    cmd: spark-submit --master local[2] sweep.py --model \${item.model} --lr \${item.lr} --tag \${key}
    outs:
      - sweeps/\${key}.json
  broken:
    cmd: python x.py \${nope}
`;

const SUB_FILES: Record<string, string> = {
  'pipelines/sub/dvc.yaml': SUB,
  'pipelines/sub/config.yaml': 'regions: [us, uk, 1.0, true]\nmodels:\n  - {name: small, lr: 0.001}\n  - {name: big, lr: 1e-05}\nunused: 1\n',
  'pipelines/sub/src/trainer/fit.py': 'print(1)\n',
};

test('templating: vars files with key selection, foreach over lists and dicts, matrix — named as DVC names them', async () => {
  const facts = await read(SUB_FILES);
  const stages = allAssets(facts).filter((a) => a.asset_type === 'dvc_stage');
  assert.deepEqual(
    stages.map((s) => s.name),
    ['clean@us', 'clean@uk', 'clean@1.0', 'clean@true', 'report@daily', 'report@weekly', 'fit@0', 'fit@1', 'sweep@cnn-0.1', 'sweep@cnn-1.0', 'sweep@rnn-0.1', 'sweep@rnn-1.0', 'broken'],
  );
  const get = (name: string) => stages.find((s) => s.name === name)!;
  assert.deepEqual(get('clean@1.0').aliases, ['pipelines/sub:clean@1.0', 'pipelines/sub/dvc.yaml:clean@1.0']);
  assert.equal(get('clean@1.0').id, 'dvc:pipelines/sub/dvc.yaml:clean@1.0');
  assert.deepEqual(get('clean@1.0').upstream, [{ kind: 'path', path: 'pipelines/sub/data/raw_1.0.csv' }, { kind: 'path', path: 'pipelines/sub/clean.py' }]);
  assert.equal(get('clean@true').meta?.cmd, 'python clean.py --region true');
  assert.equal(get('report@weekly').meta?.cmd, 'bash report.sh weekly w.csv');
  assert.deepEqual(get('report@weekly').upstream, [{ kind: 'path', path: 'pipelines/sub/w.csv' }, { kind: 'path', path: 'pipelines/sub/report.sh' }]);
  assert.equal(get('fit@1').meta?.cmd, 'python -m trainer.fit --name big --lr 1e-05');
  assert.equal(get('fit@1').meta?.wdir, 'pipelines/sub/src');
  assert.deepEqual(get('fit@1').upstream, [{ kind: 'path', path: 'pipelines/sub/data/clean_us.csv' }, { kind: 'path', path: 'pipelines/sub/src/trainer/fit.py' }]);
  assert.deepEqual(get('fit@0').meta?.outs, ['pipelines/sub/models/small.pkl']);
  assert.equal(get('sweep@rnn-1.0').meta?.cmd, 'spark-submit --master local[2] sweep.py --model rnn --lr 1.0 --tag rnn-1.0');
  assert.deepEqual(get('sweep@rnn-1.0').upstream, [{ kind: 'path', path: 'pipelines/sub/sweep.py' }]);
  assert.ok(byId(facts, 'file:pipelines/sub/sweeps/cnn-0.1.json'));
  assert.ok(byId(facts, 'file:pipelines/sub/data/clean_uk.csv'));
  assert.equal(get('broken').meta?.cmd, 'python x.py ${nope}', 'the raw text is kept');
  const tmpl = facts.flatMap((f) => f.diagnostics).filter((d) => d.code === 'dvc-template');
  assert.deepEqual(tmpl, [{ path: 'pipelines/sub/dvc.yaml', line: 39, severity: 'error', code: 'dvc-template', message: "pipelines/sub/dvc.yaml stage 'broken': could not find 'nope' in the template context (in 'cmd')" }]);
  assert.equal(get('broken').meta?.stale, true, 'no dvc.lock: never run');
});

test('templating details: params.yaml is loaded by default, dicts spread into cmd, escapes and exact values', async () => {
  const facts = await read({
    'params.yaml': 'train:\n  epochs: 10\n  lr: 0.5\n  fast: true\n  layers: [64, 32]\nname: demo\n',
    'dvc.yaml': 'vars:\n  - params.yaml\n  - local: {dir: out}\nstages:\n  t:\n    cmd: python t.py ${train} \\${literal} ${name}\n    wdir: ${local.dir}\n    outs:\n      - ${name}.bin\n',
  });
  const t = byId(facts, 'dvc:dvc.yaml:t');
  assert.equal(t?.meta?.cmd, 'python t.py --epochs 10 --lr 0.5 --fast --layers 64 32 ${literal} demo');
  assert.equal(t?.meta?.wdir, 'out');
  assert.deepEqual(t?.meta?.outs, ['out/demo.bin']);
  assert.deepEqual(facts.flatMap((f) => f.diagnostics).filter((d) => d.code === 'dvc-template'), []);
});

test('.dvc files: tracked data and imports', async () => {
  const facts = await read({
    'data/data.xml.dvc': 'outs:\n- md5: a304afb96060aad90176268345e10355\n  size: 14445097\n  hash: md5\n  path: data.xml\n',
    'data/external.csv.dvc': `md5: 1f2e\nfrozen: true\ndeps:\n- path: datasets/external.csv\n  repo:\n    url: https://github.com/iterative/dataset-registry\n    rev_lock: f31f5c4cdae787b4bdeb97a717687d44667d9e62\nouts:\n- md5: 9f0a\n  path: external.csv\n`,
  });
  assert.deepEqual(allAssets(facts), [
    {
      id: 'file:data/data.xml',
      asset_type: 'file',
      name: 'data/data.xml',
      source_ref: 'data/data.xml',
      location: { path: 'data/data.xml.dvc', line: 2, column: 3 },
      origin: 'dvc',
      upstream: [],
      meta: { md5: 'a304afb96060aad90176268345e10355', tracked: true },
    },
    {
      id: 'file:data/external.csv',
      asset_type: 'file',
      name: 'data/external.csv',
      source_ref: 'data/external.csv',
      location: { path: 'data/external.csv.dvc', line: 9, column: 3 },
      origin: 'dvc',
      upstream: [],
      meta: { md5: '9f0a', tracked: true, importedFrom: { url: 'https://github.com/iterative/dataset-registry', path: 'datasets/external.csv', rev: 'f31f5c4cdae787b4bdeb97a717687d44667d9e62' } },
    },
  ]);
});

test('malformed dvc.yaml, dvc.lock and .dvc files become diagnostics, never throws', async () => {
  const facts = await read({
    'a/dvc.yaml': 'stages: [unclosed\n',
    'b/dvc.yaml': 'stages:\n  s:\n    cmd: echo hi\n    outs: [o.txt]\n',
    'b/dvc.lock': 'schema: "2.0"\nstages: {{{ nope\n',
    'c/x.dvc': ':\n  - : [\n',
    'd/dvc.yaml': 'stages:\n  s: 42\n  t:\n    foreach: 7\n    do: {cmd: x}\n',
  });
  const codes = facts.flatMap((f) => f.diagnostics).map((d) => `${d.path}:${d.code}`);
  assert.ok(codes.includes('a/dvc.yaml:yaml-parse'));
  assert.ok(codes.includes('b/dvc.lock:dvc-lock'));
  assert.ok(codes.includes('c/x.dvc:yaml-parse'));
  assert.ok(codes.includes('d/dvc.yaml:dvc-template'));
  const s = byId(facts, 'dvc:b/dvc.yaml:s');
  assert.deepEqual([s?.meta?.stale, s?.meta?.staleReasons], ['unknown', ['b/dvc.lock could not be read']]);
});

test('cmd parsing: quotes, && and ;, wrappers, and which scripts are linked', () => {
  assert.deepEqual(shellCommands(`python "my dir/a.py" 'x y' && Rscript b.R; echo "q\\"x" | bash -c 'z'`), [['python', 'my dir/a.py', 'x y'], ['Rscript', 'b.R'], ['echo', 'q"x'], ['bash', '-c', 'z']]);
  const s = (cmd: string) => shellCommands(cmd).map(scriptOf);
  assert.deepEqual(s('PYTHONPATH=. uv run python -u -W ignore train.py --x 1'), [{ kind: 'file', path: 'train.py' }]);
  assert.deepEqual(s('python -m pkg.mod'), [{ kind: 'module', module: 'pkg.mod' }]);
  assert.deepEqual(s('python -c "print(1)"; bash run.sh; ./trans.r rows.txt'), [undefined, { kind: 'file', path: 'run.sh' }, { kind: 'file', path: './trans.r' }]);
  assert.deepEqual(s('spark-submit --master yarn --conf a=b jobs/etl.py in out'), [{ kind: 'file', path: 'jobs/etl.py' }]);
  assert.deepEqual(s('echo hello'), [undefined]);
});

test('Python float printing matches DVC (stage names and interpolation)', () => {
  assert.deepEqual([0.1, 1e-5, 0.0001, 123.5, 1e16, 2.5e-7, -0.25].map(pyFloatRepr), ['0.1', '1e-05', '0.0001', '123.5', '1e+16', '2.5e-07', '-0.25']);
});

test('through the index: stages connect through their outputs; lookup and diagnostics', async () => {
  const index = await createLineageIndex(new MemoryFileSystem(workspace()));
  const train = index.lookup('train');
  assert.equal(train.kind, 'found');
  assert.equal(train.kind === 'found' && train.asset.id, 'dvc:dvc.yaml:train');
  const prepare = index.get('dvc:dvc.yaml:prepare')!;
  const names = (n: LineageNode): string[] => [n.name, ...n.downstream.flatMap(names)];
  const tree = index.lineage(prepare, 'downstream', 10).graph;
  assert.deepEqual(tree.downstream.map((n) => n.name), ['data/prepared']);
  const reached = new Set(names(tree));
  for (const n of ['featurize', 'data/features.csv', 'train', 'model.pkl', 'evaluate', 'eval/metrics.json', 'eval/prc.json']) assert.ok(reached.has(n), n);
  const up = index.lineage(index.get('dvc:dvc.yaml:train')!, 'upstream', 1).graph.upstream.map((n) => n.name).sort();
  assert.deepEqual(up, ['data/features.csv', 'data/labels.csv', 'params.yaml', 'src/train.py']);
  assert.ok(index.diagnostics.some((d) => d.code === 'dvc-stale' && d.path === 'dvc.yaml'));
  assert.ok(!index.diagnostics.some((d) => d.code === 'unknown-ref'), JSON.stringify(index.diagnostics));
  assert.equal(index.get('dvc:dvc.yaml:train')?.meta.stale, false);
});
