// Turning command-line options into typed values; every bad value is a UsageError (exit 2).
import type { ProposedChange } from '../core/model';
import type { Direction } from '../core/query/lineageTree';

export class UsageError extends Error {}

export type FailOn = 'breaking' | 'warning' | 'never';

const IDENT = /^[A-Za-z_][\w$]*$|^"[^"]+"$/;

function pair(option: string, value: string): [string, string] {
  const eq = value.indexOf('=');
  const a = value.slice(0, eq).trim();
  const b = value.slice(eq + 1).trim();
  if (eq < 0 || !a || !b) throw new UsageError(`--${option} expects OLD=NEW with both sides given (got "${value}")`);
  return [a, b];
}

function column(option: string, name: string): string {
  if (!IDENT.test(name)) throw new UsageError(`--${option}: "${name}" is not a column name`);
  return name.replace(/^"|"$/g, '');
}

export function parseChanges(v: { 'rename-column'?: string[]; 'drop-column'?: string[]; 'change-type'?: string[]; 'rename-table'?: string; 'drop-table'?: boolean }): ProposedChange[] {
  const changes: ProposedChange[] = [];
  for (const r of v['rename-column'] ?? []) {
    const [from, to] = pair('rename-column', r);
    changes.push({ type: 'column_rename', from: column('rename-column', from), to: column('rename-column', to) });
  }
  for (const d of v['drop-column'] ?? []) changes.push({ type: 'column_drop', column: column('drop-column', d.trim()) });
  for (const t of v['change-type'] ?? []) {
    const [col, type] = pair('change-type', t);
    changes.push({ type: 'column_type_change', column: column('change-type', col), to: type });
  }
  if (v['rename-table']) changes.push({ type: 'table_rename', to: v['rename-table'] });
  if (v['drop-table']) changes.push({ type: 'table_drop' });
  return changes;
}

export function parseFailOn(value: string | undefined): FailOn {
  if (value === undefined) return 'breaking';
  if (value === 'breaking' || value === 'warning' || value === 'never') return value;
  throw new UsageError(`--fail-on must be breaking, warning or never (got "${value}")`);
}

export function parseDirection(value: string | undefined): Direction {
  if (value === undefined) return 'downstream';
  if (value === 'downstream' || value === 'upstream' || value === 'both') return value;
  throw new UsageError(`--direction must be downstream, upstream or both (got "${value}")`);
}

export function parseDepth(value: string | undefined): number {
  if (value === undefined) return 10;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--depth must be a whole number of 1 or more (got "${value}")`);
  return n;
}
