// The language server process: wiring only. It owns one IndexSession per workspace folder and
// turns LSP requests into calls of the plain handler functions next to it. Indexing happens
// here, in its own process (and its worker threads), never in the extension host.
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CodeLensRefreshRequest, FileChangeType, createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AssetsRequest, ColumnsRequest, FileAssetsRequest, GraphDataRequest, GraphRequest, ImpactRequest, MigrationImpactRequest, NeighboursRequest, ReindexRequest, StatusNotification } from '../protocol/lineageProtocol';
import type { IndexStatus, InitOptions, LookupError, ServerSettings } from '../protocol/lineageProtocol';
import { IndexSession } from './indexSession';
import type { EditorView } from './editorView';
import { codeLenses } from './codeLenses';
import { columnHover } from './hovers';
import { definition } from './definitions';
import { diagnosticsByPath } from './diagnostics';
import { assetLink, findAsset, impactOf, listAssets, migrationImpactOf, neighbours } from './requests';
import { DEFAULT_SETTINGS } from './settings';
import { graphData } from './graphData';
import { garbageCollector } from './garbageCollection';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let settings: ServerSettings = DEFAULT_SETTINGS;
let storagePath: string | undefined;
let roots: string[] = [];
let sessions: IndexSession[] = [];
let progress: Promise<WorkDoneProgressServerReporter | undefined> | undefined;
let indexedOnce = false;
const collectGarbage = garbageCollector();
const published = new Map<IndexSession, Set<string>>();

const log = (message: string) => connection.console.log(message);

connection.onInitialize((params) => {
  const init = params.initializationOptions as Partial<InitOptions> | undefined;
  settings = { ...DEFAULT_SETTINGS, ...init?.settings, codeLens: { ...DEFAULT_SETTINGS.codeLens, ...init?.settings?.codeLens } };
  storagePath = init?.storagePath;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  roots = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
      definitionProvider: true,
    },
    serverInfo: { name: 'DataLineage' },
  };
});

connection.onInitialized(() => startSessions());

function startSessions(): void {
  for (const s of sessions) void s.dispose();
  sessions = roots.map(
    (root) =>
      new IndexSession(root, settings, {
        workerScript: path.join(__dirname, 'parseWorker.js'),
        engineVersion: engineVersion(),
        storagePath,
        log,
        started: (first) => onBuildStarted(first),
        tableGraph: () => void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined),
        finished: (view, error, ms) => onBuildFinished(view, error, ms),
        collectGarbage,
      }),
  );
  for (const doc of documents.all()) for (const s of sessions) void s.setBuffer(doc.uri, doc.getText());
  for (const s of sessions) void s.build();
  if (!sessions.length) sendStatus({ state: 'ready', assets: 0, edges: 0, columnEdges: 0, diagnostics: 0, message: 'no workspace folder open' });
}

function onBuildStarted(first: boolean): void {
  sendStatus({ state: 'indexing', ...counts() });
  if (!first || progress) return;
  // The editor creates the progress asynchronously: a small workspace may be indexed before it
  // exists, and then it must end at once instead of spinning forever.
  progress = connection.window.createWorkDoneProgress().then(
    (p) => {
      if (indexedOnce) p.done();
      else p.begin('DataLineage: indexing the workspace');
      return p;
    },
    () => undefined,
  );
}

function onBuildFinished(view: EditorView | undefined, error: unknown, ms?: number): void {
  indexedOnce = true;
  void progress?.then((p) => p?.done());
  progress = undefined;
  if (error || !view) {
    sendStatus({ state: 'error', ...counts(), message: error instanceof Error ? error.message : String(error ?? 'no index') });
    return;
  }
  // The editor asks again for every visible file's lenses; requests already answer from `view`.
  void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  // Counting column edges and grouping diagnostics walk the whole index: after the requests
  // that waited for this build have been answered.
  setImmediate(() => {
    sendStatus({ state: 'ready', ...counts(), durationMs: ms });
    for (const s of sessions) if (s.view === view) publishDiagnostics(s, view);
  });
}

function counts(): Omit<IndexStatus, 'state'> {
  let assets = 0;
  let edges = 0;
  let columnEdges = 0;
  let diagnostics = 0;
  for (const s of sessions) {
    const stats = s.view?.stats;
    if (!stats) continue;
    assets += stats.assets;
    edges += stats.edges;
    columnEdges += stats.columnEdges;
    diagnostics += stats.diagnostics;
  }
  return { assets, edges, columnEdges, diagnostics };
}

function sendStatus(status: IndexStatus): void {
  void connection.sendNotification(StatusNotification, status);
}

function publishDiagnostics(session: IndexSession, view: EditorView): void {
  const byPath = diagnosticsByPath(view.index.diagnostics);
  const before = published.get(session) ?? new Set<string>();
  for (const p of before) if (!byPath.has(p)) void connection.sendDiagnostics({ uri: session.paths.uri(p), diagnostics: [] });
  for (const [p, list] of byPath) void connection.sendDiagnostics({ uri: session.paths.uri(p), diagnostics: list });
  published.set(session, new Set(byPath.keys()));
}

/** The session whose folder holds `uri` (the innermost, for nested folders). */
function sessionFor(uri: string): { session: IndexSession; rel: string } | undefined {
  let best: { session: IndexSession; rel: string } | undefined;
  for (const session of sessions) {
    const rel = session.paths.relative(uri);
    if (rel !== undefined && (!best || session.root.length > best.session.root.length)) best = { session, rel };
  }
  return best;
}

// A handler that throws must not take the server down: log it and answer "nothing".
function guarded<P, R>(fallback: R, handler: (params: P) => Promise<R> | R): (params: P) => Promise<R> {
  return async (params: P) => {
    try {
      return await handler(params);
    } catch (e) {
      log(`request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };
}

documents.onDidChangeContent((e) => {
  for (const s of sessions) void s.setBuffer(e.document.uri, e.document.getText());
});
documents.onDidClose((e) => {
  for (const s of sessions) void s.setBuffer(e.document.uri, undefined);
});
connection.onDidChangeWatchedFiles((params) => {
  for (const change of params.changes) for (const s of sessions) s.fileChanged(change.uri, change.type === FileChangeType.Deleted ? 'deleted' : change.type === FileChangeType.Created ? 'created' : 'changed');
});
connection.onDidChangeConfiguration((params) => {
  const next = (params.settings as { datalineage?: Partial<ServerSettings> } | undefined)?.datalineage;
  if (!next) return;
  settings = { ...DEFAULT_SETTINGS, ...next, codeLens: { ...DEFAULT_SETTINGS.codeLens, ...next.codeLens } };
  startSessions();
});

connection.onCodeLens(
  guarded([], async (params) => {
    const at = sessionFor(params.textDocument.uri);
    const view = await at?.session.ready(true);
    return at && view ? codeLenses(view, at.rel, params.textDocument.uri, settings) : [];
  }),
);

connection.onHover(
  guarded(null, async (params) => {
    const at = sessionFor(params.textDocument.uri);
    const doc = documents.get(params.textDocument.uri);
    const view = await at?.session.ready();
    if (!at || !doc || !view) return null;
    return columnHover(view, at.rel, doc.getText(), params.position.line, params.position.character, at.session.paths) ?? null;
  }),
);

connection.onDefinition(
  guarded([], async (params) => {
    const at = sessionFor(params.textDocument.uri);
    const doc = documents.get(params.textDocument.uri);
    const view = await at?.session.ready();
    if (!at || !doc || !view) return [];
    return definition(view, at.rel, doc.getText(), params.position.line, params.position.character, at.session.paths);
  }),
);

/** Runs a name-based request against each folder's index until one knows the asset. */
async function firstAnswer<R>(answer: (view: EditorView, session: IndexSession) => R | LookupError): Promise<R | LookupError> {
  let last: LookupError = { error: 'the workspace is not indexed yet' };
  for (const s of sessions) {
    const view = await s.ready();
    if (!view) continue;
    const r = answer(view, s);
    if (!(r && typeof r === 'object' && 'error' in r)) return r;
    last = r as LookupError;
  }
  return last;
}

connection.onRequest(
  AssetsRequest,
  guarded([], async (p) => {
    const lists = await Promise.all(sessions.map(async (s) => ((await s.ready()) ? listAssets(s.view!, s.paths, p.query) : [])));
    return lists.flat();
  }),
);
connection.onRequest(
  FileAssetsRequest,
  guarded([], async (p) => {
    const at = sessionFor(p.uri);
    const view = await at?.session.ready();
    return at && view ? view.placedIn(at.rel).map((x) => assetLink(x.asset, at.session.paths)) : [];
  }),
);
connection.onRequest(NeighboursRequest, guarded({ error: 'internal error' }, (p) => firstAnswer((v, s) => neighbours(v, s.paths, p.asset))));
connection.onRequest(
  GraphRequest,
  guarded({ error: 'internal error' }, (p) =>
    firstAnswer((v) => {
      const a = findAsset(v, p.asset);
      return 'error' in a ? a : v.index.lineage(a, p.direction ?? 'both', p.depth ?? 3);
    }),
  ),
);
connection.onRequest(
  ColumnsRequest,
  guarded({ error: 'internal error' }, (p) =>
    firstAnswer((v) => {
      const a = findAsset(v, p.asset);
      return 'error' in a ? a : v.index.columns(a);
    }),
  ),
);
connection.onRequest(GraphDataRequest, guarded({ error: 'internal error' }, (p) => firstAnswer((v, s) => graphData(v, s.paths, p))));
connection.onRequest(ImpactRequest, guarded({ error: 'internal error' }, (p) => firstAnswer((v) => impactOf(v, p.asset, p.changes))));
connection.onRequest(
  MigrationImpactRequest,
  guarded({ error: 'internal error' }, async (p) => {
    const at = sessionFor(p.uri);
    if (!at) return { error: 'the file is not in an indexed workspace folder' };
    const view = await at.session.ready();
    if (!view) return { error: 'the workspace is not indexed yet' };
    const text = p.text ?? documents.get(p.uri)?.getText() ?? readFileSync(fileURLToPath(p.uri), 'utf8');
    return migrationImpactOf(view, at.rel, text, settings.sqlDialect);
  }),
);
connection.onRequest(
  ReindexRequest,
  guarded({ state: 'error', assets: 0, edges: 0, columnEdges: 0, diagnostics: 0 } as IndexStatus, async () => {
    await Promise.all(sessions.map((s) => s.build()));
    await Promise.all(sessions.map((s) => s.settled()));
    return { state: 'ready', ...counts() };
  }),
);

/** This build of the server, so results cached by another build are not reused. */
function engineVersion(): string {
  try {
    return createHash('sha1').update(readFileSync(__filename)).digest('base64url').slice(0, 16);
  } catch {
    return 'dev';
  }
}

// The parse cache is saved after the first build and on quiet periods; shutting down saves the rest.
connection.onShutdown(async () => {
  await Promise.all(sessions.map((s) => s.save()));
});

documents.listen(connection);
connection.listen();
