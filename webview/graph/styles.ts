// The view's stylesheet. Colours come only from VS Code's theme variables (--vscode-*), so light,
// dark and high-contrast themes apply without code. Installed as a constructed stylesheet: the
// CSP allows no inline <style> without the nonce, and constructed sheets need none.
export const GRAPH_CSS = `
html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
body { color: var(--vscode-foreground); background: var(--vscode-sideBar-background, var(--vscode-editor-background)); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
#app { display: flex; flex-direction: column; height: 100vh; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; padding: 6px 8px 4px; border-bottom: 1px solid var(--vscode-panel-border, transparent); }
.toolbar .search { flex: 1 1 160px; min-width: 120px; }
.toolbar .group { display: inline-flex; align-items: center; gap: 2px; }
.toolbar .depth { min-width: 1.4em; text-align: center; font-variant-numeric: tabular-nums; }
.toolbar .group-label { color: var(--vscode-descriptionForeground); margin-right: 2px; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 10px; padding: 2px 8px 4px; font-size: 12px; }
.legend vscode-checkbox { display: inline-flex; }
.legend vscode-checkbox { --vscode-font-size: 12px; }
.legend .swatch { font-family: codicon; font-size: 14px; vertical-align: -2px; margin-right: 3px; }
.status { padding: 2px 8px; min-height: 1.4em; color: var(--vscode-descriptionForeground); font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.status.problem { color: var(--vscode-editorWarning-foreground); }
.stage { position: relative; flex: 1 1 auto; min-height: 0; }
.stage > svg, .stage > canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; outline: none; }
.stage > canvas[hidden] { display: none; }
.stage > canvas:focus-visible, .stage > svg:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.message { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; text-align: center; padding: 16px; color: var(--vscode-descriptionForeground); white-space: pre-line; }
.message[hidden] { display: none; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.node { cursor: pointer; outline: none; }
.node-box { fill: var(--vscode-editorWidget-background, var(--vscode-editor-background)); stroke: var(--vscode-editorWidget-border, var(--vscode-panel-border, var(--vscode-foreground))); stroke-width: 1px; }
.node:hover .node-box { fill: var(--vscode-list-hoverBackground); }
.node.focus .node-box { stroke: var(--vscode-focusBorder); stroke-width: 2.5px; fill: var(--vscode-list-inactiveSelectionBackground, var(--vscode-editorWidget-background)); }
.node:focus-visible .node-box, .node.kbd .node-box { stroke: var(--vscode-focusBorder); stroke-width: 2px; stroke-dasharray: 4 2; }
.node.stale .node-box { stroke: var(--vscode-editorWarning-foreground); stroke-dasharray: 5 3; stroke-width: 1.5px; }
.node.focus.stale .node-box { stroke-width: 2.5px; }
.node .stale-mark { font-family: codicon; font-size: 14px; fill: var(--vscode-editorWarning-foreground); }
.node-icon { font-family: codicon; font-size: 16px; }
.node-name { fill: var(--vscode-foreground); font-size: 12.5px; font-weight: 600; }
.node-type { fill: var(--vscode-descriptionForeground); font-size: 10.5px; }
.node.dim, .edge.dim, .col-edge.dim { opacity: 0.3; }
.node.match .node-box { stroke: var(--vscode-editor-findMatchBorder, var(--vscode-focusBorder)); stroke-width: 2.5px; }
.expander { font-family: codicon; font-size: 14px; fill: var(--vscode-icon-foreground, var(--vscode-foreground)); }
.expander-hit { fill: transparent; }
.expander-group:hover .expander-hit { fill: var(--vscode-toolbar-hoverBackground); }
.more rect { fill: var(--vscode-badge-background); }
.more text { fill: var(--vscode-badge-foreground); font-size: 10.5px; font-weight: 600; }
.more:hover rect { fill: var(--vscode-button-hoverBackground, var(--vscode-badge-background)); }
.col { cursor: pointer; }
.col rect { fill: transparent; }
.col:hover rect { fill: var(--vscode-list-hoverBackground); }
.col text { fill: var(--vscode-foreground); font-size: 11.5px; font-family: var(--vscode-editor-font-family, monospace); }
.col .col-type { fill: var(--vscode-descriptionForeground); font-size: 10.5px; }
.col.match text { fill: var(--vscode-list-highlightForeground, var(--vscode-focusBorder)); font-weight: 600; }
.col.lit rect { fill: var(--vscode-editor-selectionHighlightBackground, var(--vscode-list-inactiveSelectionBackground)); }
.col.selected rect { fill: var(--vscode-list-activeSelectionBackground); }
.col.selected text { fill: var(--vscode-list-activeSelectionForeground, var(--vscode-foreground)); font-weight: 600; }
.col-sep { stroke: var(--vscode-editorWidget-border, var(--vscode-panel-border)); stroke-width: 1px; }
.edge { fill: none; stroke: var(--vscode-editorLineNumber-foreground, var(--vscode-descriptionForeground)); stroke-width: 1.4px; }
.edge.inferred { stroke-dasharray: 5 4; }
.edge.near { stroke: var(--vscode-focusBorder); stroke-width: 1.8px; }
.col-edge { fill: none; stroke: var(--vscode-charts-blue); stroke-width: 1.1px; opacity: 0.7; }
.col-edge.read { stroke-dasharray: 2 3; }
.col-edge.lit { stroke: var(--vscode-charts-orange); stroke-width: 2.2px; opacity: 1; }
.arrow { fill: var(--vscode-editorLineNumber-foreground, var(--vscode-descriptionForeground)); }
`;
