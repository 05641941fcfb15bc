// The HTML shell every webview of the extension gets: a strict Content-Security-Policy with a
// fresh nonce, scripts and styles only from the bundle folder (dist/webview), and no data in
// the page itself — the app receives everything through postMessage.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The folder webviews may load from (`localResourceRoots`). */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

/**
 * `script` is the app's bundle in dist/webview (e.g. 'graph.js'); `workers` are worker bundles
 * the app may start (their URIs are passed in a data attribute, the only thing on the page).
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, opts: { title: string; script: string; workers?: string[] }): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot(extensionUri), name)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Webview workers load through a blob created from the bundle's text (cross-origin rule).
    `worker-src ${webview.cspSource} blob:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data: blob:`,
    `connect-src ${webview.cspSource}`,
  ].join('; ');
  const workers = JSON.stringify(Object.fromEntries((opts.workers ?? []).map((w) => [w, asset(w)])));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicon.css')}" id="vscode-codicon-stylesheet">
<title>${escapeHtml(opts.title)}</title>
</head>
<body>
<div id="app" data-workers="${escapeHtml(workers)}"></div>
<script nonce="${nonce}" src="${asset(opts.script)}"></script>
</body>
</html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
