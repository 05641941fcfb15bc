// Reads a dbt seed's header row: dbt loads every header as a column, so the list is complete.
// Only the first record is scanned, which keeps large seeds cheap.
import type { ColumnInfo, Diagnostic } from '../model';

export function parseSeedCsv(path: string, text: string, delimiter = ','): { columns: ColumnInfo[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (looksBinary(body)) {
    diagnostics.push({ path, line: 1, severity: 'error', message: 'The seed does not look like a text CSV file.', code: 'seed-binary' });
    return { columns: [], diagnostics };
  }
  const fields = readHeader(body, delimiter);
  if (fields.every((field) => field.name === '')) {
    diagnostics.push({ path, line: 1, severity: 'error', message: 'The seed has no header row.', code: 'seed-empty' });
    return { columns: [], diagnostics };
  }
  const columns: ColumnInfo[] = [];
  const seen = new Set<string>();
  for (const { name, column } of fields) {
    const problem = name === '' ? 'has an empty header' : seen.has(name.toLowerCase()) ? `repeats the header '${name}'` : undefined;
    if (problem) {
      diagnostics.push({ path, line: 1, column, severity: 'warning', message: `Column ${column} ${problem}.`, code: 'seed-header' });
      continue;
    }
    seen.add(name.toLowerCase());
    columns.push({ name, location: { path, line: 1, column } });
  }
  return { columns, diagnostics };
}

/** NUL bytes or a high share of control characters in the first few KB mean a binary file. */
function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code === 0) return true;
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 0xfffd) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}

interface HeaderField {
  name: string;
  /** 1-based column of the field's first character, for the editor. */
  column: number;
}

/**
 * Splits the first CSV record (RFC 4180): quoted fields may hold the delimiter, doubled quotes and
 * line breaks; unquoted fields are trimmed.
 */
function readHeader(text: string, delimiter: string): HeaderField[] {
  const fields: HeaderField[] = [];
  let i = 0;
  while (true) {
    // Spaces before a quoted field are tolerated so that `a, "b c"` still unquotes the second name.
    while ((text[i] === ' ' || text[i] === '\t') && text[i] !== delimiter) i++;
    const start = i;
    let name = '';
    if (text[i] === '"') {
      for (i++; i < text.length; i++) {
        if (text[i] !== '"') name += text[i];
        else if (text[i + 1] === '"') name += text[++i];
        else break;
      }
      const tail = readUnquoted(text, i + 1, delimiter);
      name += tail.value.trim();
      i = tail.end;
    } else {
      const field = readUnquoted(text, i, delimiter);
      name = field.value.trim();
      i = field.end;
    }
    fields.push({ name, column: start + 1 });
    if (text[i] !== delimiter) return fields;
    i++;
  }
}

function readUnquoted(text: string, start: number, delimiter: string): { value: string; end: number } {
  let end = start;
  while (end < text.length && text[end] !== delimiter && text[end] !== '\n' && text[end] !== '\r') end++;
  return { value: text.slice(start, end), end };
}
