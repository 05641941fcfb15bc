// Values as DVC's Python sees them. DVC names generated stages and fills `${…}` with Python's
// str() of a value (dvc/parsing/interpolate.py `to_str`), so `1.0` must print as "1.0" and `1e-05`
// as "1e-05", not as JavaScript prints them; otherwise a `foreach: [0.1, 1.0]` stage would not
// match its dvc.lock entry. YAML floats with an integral value are the only numbers JavaScript
// cannot tell from ints, so the parser wraps just those in PyFloat.
import { isScalar } from 'yaml';
import type { DocumentOptions, ParseOptions, SchemaOptions, Tags } from 'yaml';

/** A YAML float whose value is integral (`1.0`, `2e3`): Python prints it with a fraction. */
export class PyFloat {
  constructor(readonly value: number) {}
}

const FLOAT_TAG = 'tag:yaml.org,2002:float';

function wrapFloat(v: unknown): unknown {
  return typeof v === 'number' && Number.isInteger(v) ? new PyFloat(v) : v;
}

// yaml's core float tags resolve to a number or to a Scalar node (to keep trailing zeros).
function pyFloatTags(tags: Tags): Tags {
  return tags.map((t) => {
    if (typeof t !== 'object' || !('tag' in t) || t.tag !== FLOAT_TAG || !('resolve' in t)) return t;
    const resolve = t.resolve as (...args: unknown[]) => unknown;
    return {
      ...t,
      resolve: (...args: unknown[]) => {
        const v = resolve(...args);
        if (isScalar(v)) {
          v.value = wrapFloat(v.value);
          return v;
        }
        return wrapFloat(v);
      },
    };
  }) as Tags;
}

/** Parse options for every DVC YAML file: YAML 1.2 (ruamel's default) plus merge keys. */
export const DVC_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  merge: true,
  customTags: pyFloatTags,
  prettyErrors: false,
};

export function isComposite(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null && !(v instanceof PyFloat);
}

export function isDict(v: unknown): v is Record<string, unknown> {
  return isComposite(v) && !Array.isArray(v);
}

/** Python's repr of a float: scientific below 1e-4 and from 1e16, two-digit exponents. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const [mant, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  const sign = mant.startsWith('-') ? '-' : '';
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1) || '0';
  return `${sign}${whole}.${frac}`;
}

/** DVC's `to_str` for a primitive: Python's str(), with booleans lower-cased. */
export function toPyStr(v: unknown): string {
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (v === null || v === undefined) return 'None';
  return String(v);
}

/** The value with PyFloat markers replaced by numbers, for meta and for comparing values. */
export function plain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (isDict(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Python's shlex.quote, which DVC applies to strings of a dict spread into `cmd`. */
export function shlexQuote(s: string): string {
  if (!s) return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** Python equality of plain data (1 == 1.0, dict order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  const x = plain(a);
  const y = plain(b);
  if (Array.isArray(x) || Array.isArray(y)) return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => sameValue(v, y[i]));
  if (isDict(x) || isDict(y)) {
    if (!isDict(x) || !isDict(y)) return false;
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => k in y && sameValue(x[k], y[k]));
  }
  return x === y || (x === null && y === undefined) || (x === undefined && y === null);
}
