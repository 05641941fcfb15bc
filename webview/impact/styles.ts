// The panel's styles, adopted as a constructed stylesheet: the CSP allows no inline <style>
// without the nonce, and the nonce stays in the shell. Colours are only --vscode-* variables,
// so the panel follows the theme (light, dark, high contrast) and its changes live.
export const IMPACT_CSS = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 16px; }
h1 { font-size: 1.35em; font-weight: 600; margin: 0; overflow-wrap: anywhere; }
h2 { font-size: 1em; font-weight: 600; margin: 20px 0 8px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--vscode-descriptionForeground); }
.header { display: flex; align-items: center; gap: 12px; margin-top: 16px; flex-wrap: wrap; }
.summary { color: var(--vscode-descriptionForeground); margin: 6px 0 0; }
.risk-badge { --vscode-badge-background: var(--vscode-badge-background); font-weight: 600; }
.risk-badge.tone-error { --vscode-badge-background: var(--vscode-statusBarItem-errorBackground, var(--vscode-errorForeground)); --vscode-badge-foreground: var(--vscode-statusBarItem-errorForeground, var(--vscode-editor-background)); }
.risk-badge.tone-warning { --vscode-badge-background: var(--vscode-statusBarItem-warningBackground, var(--vscode-editorWarning-foreground)); --vscode-badge-foreground: var(--vscode-statusBarItem-warningForeground, var(--vscode-editor-background)); }
.risk-badge.tone-ok { --vscode-badge-background: var(--vscode-testing-iconPassed); --vscode-badge-foreground: var(--vscode-editor-background); }
.risk-badge .label { display: inline-flex; align-items: center; gap: 4px; padding: 1px 4px; font-size: 12px; }
.tone-error .sev-icon, .sev.tone-error { color: var(--vscode-editorError-foreground, var(--vscode-errorForeground)); }
.tone-warning .sev-icon, .sev.tone-warning { color: var(--vscode-editorWarning-foreground); }
.tone-info .sev-icon, .sev.tone-info { color: var(--vscode-editorInfo-foreground); }
.sev { display: inline-flex; align-items: center; gap: 4px; }
ul.changes { margin: 0; padding-left: 20px; }
ul.changes li { margin: 2px 0; overflow-wrap: anywhere; }
.notice { display: flex; gap: 8px; align-items: flex-start; padding: 8px 12px; margin: 12px 0; border-left: 3px solid var(--vscode-editorWarning-foreground); background: var(--vscode-textBlockQuote-background); }
.notice.level-error { border-left-color: var(--vscode-errorForeground); }
.notice.level-info { border-left-color: var(--vscode-editorInfo-foreground); }
.notice .text { overflow-wrap: anywhere; }
.actions { display: flex; gap: 8px; align-items: center; margin-top: 14px; flex-wrap: wrap; }
.status { color: var(--vscode-descriptionForeground); }
.status.error { color: var(--vscode-errorForeground); }
vscode-table { margin-top: 4px; }
vscode-table-cell { white-space: normal; vertical-align: top; padding-top: 4px; padding-bottom: 4px; overflow-wrap: break-word; }
.asset-name { font-weight: 600; }
.asset-type, .via { color: var(--vscode-descriptionForeground); }
.asset-type { font-size: 0.9em; }
.sev { white-space: nowrap; }
.refs code, .where a { font-family: var(--vscode-editor-font-family); font-size: 0.92em; }
a.location { color: var(--vscode-textLink-foreground); text-decoration: none; margin-right: 8px; white-space: nowrap; }
.file-group .file { color: var(--vscode-descriptionForeground); margin-right: 4px; }
a.location:hover { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
a.location:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.muted { color: var(--vscode-descriptionForeground); font-style: italic; }
.graph { overflow: auto; border: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border)); border-radius: 2px; padding: 8px; }
.graph svg { display: block; }
.graph .edge { fill: none; stroke: var(--vscode-descriptionForeground); stroke-opacity: 0.7; stroke-width: 1.2px; }
.graph .arrow { fill: var(--vscode-descriptionForeground); }
.graph .node rect { fill: var(--vscode-editor-background); stroke: var(--vscode-descriptionForeground); stroke-width: 1.5px; rx: 4px; }
.graph .node.root rect { stroke: var(--vscode-focusBorder); stroke-width: 2px; }
.graph .node.breaking rect { stroke: var(--vscode-editorError-foreground, var(--vscode-errorForeground)); stroke-width: 2px; }
.graph .node.warning rect { stroke: var(--vscode-editorWarning-foreground); stroke-width: 2px; stroke-dasharray: 4 2; }
.graph .node text { fill: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: 12px; dominant-baseline: middle; }
.graph .node text.type { fill: var(--vscode-descriptionForeground); font-size: 10px; }
.graph .node.openable { cursor: pointer; }
.graph .node.openable:hover rect { fill: var(--vscode-list-hoverBackground); }
.legend { display: flex; gap: 16px; margin-top: 6px; color: var(--vscode-descriptionForeground); font-size: 0.9em; }
`;
