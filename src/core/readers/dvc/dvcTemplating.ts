// DVC's `${…}` templating (dvc/parsing/context.py and interpolate.py), reproduced so stage names,
// commands and paths come out as DVC resolves them:
// - the context is one dict: params.yaml beside dvc.yaml, then `vars` entries merged in (a dict
//   may extend a dict; redefining a value is an error), plus `item`/`key` in foreach and matrix;
// - `${a.b}`, `${a[0]}`, `${a[b]}` select nested values; `\${` escapes;
// - a string that is exactly one `${x}` takes x's value as is (a list stays a list, true stays a
//   boolean); inside longer strings values print as Python's str() (booleans lower-case), and
//   lists/dicts are refused, except a dict in `cmd`, which spreads into `--key value` arguments;
// - dict keys are interpolated as well as values.
// A name missing from the context becomes an issue and its `${…}` text is kept as written.
import { isComposite, isDict, shlexQuote, toPyStr } from './dvcValues';

export type Context = Record<string, unknown>;

const KEYCRE = /(?<!\\)\$\{(.*?)\}/g;

export function cloneContext(ctx: Context): Context {
  return { ...ctx };
}

/** DVC's merge: dicts merge recursively; any other key that already exists is a conflict. */
export function mergeContext(into: Context, update: Context, source: string, issues: string[], path = ''): void {
  for (const [k, v] of Object.entries(update)) {
    const cur = into[k];
    if (isDict(cur) && isDict(v)) {
      const copy = { ...cur };
      into[k] = copy;
      mergeContext(copy, v, source, issues, `${path}${k}.`);
    } else if (k in into) {
      issues.push(`cannot redefine '${path}${k}' from '${source}' as it already exists`);
    } else {
      into[k] = v;
    }
  }
}

type Selected = { found: true; value: unknown } | { found: false };

/** `a.b[0]` → the nested value; list indexes may be negative, as in Python. */
export function selectPath(ctx: Context, expr: string): Selected {
  const parts = expr.replace(/\[/g, '.').replace(/\]/g, '').split('.');
  let cur: unknown = ctx;
  for (const raw of parts) {
    const part = raw.trim();
    if (Array.isArray(cur)) {
      if (!/^-?\d+$/.test(part)) return { found: false };
      const i = Number(part);
      const idx = i < 0 ? cur.length + i : i;
      if (idx < 0 || idx >= cur.length) return { found: false };
      cur = cur[idx];
    } else if (isDict(cur) && Object.prototype.hasOwnProperty.call(cur, part)) {
      cur = cur[part];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}

/** Resolves every string in a value; `key` is the stage field it sits under (cmd, deps, …). */
export function resolveValue(value: unknown, ctx: Context, key: string, issues: string[]): unknown {
  if (typeof value === 'string') return resolveString(value, ctx, key, issues);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx, key, issues));
  if (isDict(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[String(resolveValue(k, ctx, key, issues))] = resolveValue(v, ctx, key, issues);
    return out;
  }
  return value;
}

export function resolveString(src: string, ctx: Context, key: string, issues: string[]): unknown {
  const matches = [...src.matchAll(KEYCRE)];
  if (matches.length === 1 && matches[0][0] === src) {
    const sel = selectPath(ctx, matches[0][1]);
    if (sel.found) return sel.value;
    issues.push(`could not find '${matches[0][1]}' in the template context (in '${key}')`);
    return src;
  }
  let buf = '';
  let index = 0;
  for (const m of matches) {
    const start = m.index ?? 0;
    buf += src.slice(index, start) + interpolated(m[1], m[0], ctx, key, issues);
    index = start + m[0].length;
  }
  return (buf + src.slice(index)).replace(/\\\$\{/g, '${');
}

function interpolated(expr: string, raw: string, ctx: Context, key: string, issues: string[]): string {
  const sel = selectPath(ctx, expr);
  if (!sel.found) {
    issues.push(`could not find '${expr}' in the template context (in '${key}')`);
    return raw;
  }
  const v = sel.value;
  if (!isComposite(v)) return toPyStr(v);
  if (isDict(v) && key === 'cmd') return dictToArgs(v, issues);
  issues.push(`cannot interpolate data of type '${Array.isArray(v) ? 'list' : 'dict'}' into '${key}' ('${raw}')`);
  return raw;
}

/** DVC's `to_str(dict)` for `cmd`: flattened keys as `--key value`, true as a bare flag. */
function dictToArgs(d: Record<string, unknown>, issues: string[]): string {
  let out = '';
  for (const [k, v] of Object.entries(flatten(d))) {
    if (typeof v === 'boolean') out += v ? `--${k} ` : '';
    else if (typeof v === 'string') out += `--${k} ${shlexQuote(v)} `;
    else if (Array.isArray(v)) {
      v.forEach((item, n) => {
        if (isComposite(item)) issues.push(`cannot interpolate nested iterable in '${k}'`);
        const s = typeof item === 'string' ? shlexQuote(item) : toPyStr(item);
        out += n > 0 ? `${s} ` : `--${k} ${s} `;
      });
    } else out += `--${k} ${toPyStr(v)} `;
  }
  return out.trimEnd();
}

/** dvc.utils.flatten: nested dict keys joined with dots; lists are leaves. */
function flatten(d: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (isDict(v) && Object.keys(v).length) Object.assign(out, flatten(v, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

/** True when a string still holds `${…}` (a variable that was missing). */
export function hasTemplate(s: string): boolean {
  return /(?<!\\)\$\{.*?\}/.test(s);
}
