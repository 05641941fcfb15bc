// The index's diagnostics as the editor's, per file. Files the index could not parse get
// information, not errors: the file may be fine for its tool and only beyond our parser.
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic } from '../core/model';
import { editorPosition } from './workspacePaths';

const PARSE_CODES = new Set(['sql-parse', 'python-parse', 'jinja-parse', 'jinja-render', 'empty-render', 'airflow-read']);

export function diagnosticsByPath(list: Diagnostic[]): Map<string, LspDiagnostic[]> {
  const out = new Map<string, LspDiagnostic[]>();
  for (const d of list) {
    const { line, character } = editorPosition(d);
    const diagnostic: LspDiagnostic = {
      // An empty range makes the editor underline the word there; without a column, the whole line.
      range: { start: { line, character }, end: { line, character: d.column ? character : Number.MAX_SAFE_INTEGER } },
      severity: PARSE_CODES.has(d.code) ? DiagnosticSeverity.Information : d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      code: d.code,
      source: 'datalineage',
      message: d.message,
    };
    const list2 = out.get(d.path);
    if (list2) list2.push(diagnostic);
    else out.set(d.path, [diagnostic]);
  }
  return out;
}
