// Python code often computes what it reads or writes: a table name passed to a function, SQL read
// from config, a path built by a call. Nothing is run to find out, so the lineage has a gap there,
// and the readers say so with an information diagnostic rather than leaving it out without a word.
import type { Diagnostic } from '../model';
import type { PyNode } from '../python/pythonParser';
import { positionOf } from '../python/pyValues';

/** `what` names the piece as the user would ("the SQL spark.sql() runs"); `lost`, what is missing. */
export function runtimeValue(path: string, at: PyNode, what: string, lost = 'it is not in the lineage'): Diagnostic {
  const text = at.text.replace(/\s+/g, ' ');
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return { path, ...positionOf(at), severity: 'info', code: 'runtime-value', message: `${what} (\`${shown}\`) is known only when the code runs, so ${lost}` };
}
