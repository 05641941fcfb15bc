// str.format() and %-formatting of constant strings, as Python does them in the plain cases SQL
// and table names are built with: "select * from {}.{}".format(schema, table), "... %s" % table,
// "%(schema)s.orders" % {"schema": s}. Anything else (a format spec or conversion, an attribute or
// index in a field, a %-code other than s, d and i, arguments left over) gives undefined: the value
// is then unknown and reported as such, never guessed.

/** `template.format(*positional, **keywords)`. */
export function formatWith(template: string, positional: string[], keywords: Map<string, string>): string | undefined {
  let out = '';
  let auto = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '{' && template[i + 1] === '{') {
      out += '{';
      i++;
    } else if (ch === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) return undefined;
      const field = template.slice(i + 1, end);
      const value = field === '' ? positional[auto++] : /^\d+$/.test(field) ? positional[Number(field)] : /^[A-Za-z_]\w*$/.test(field) ? keywords.get(field) : undefined;
      if (value === undefined) return undefined;
      out += value;
      i = end;
    } else if (ch === '}') {
      if (template[i + 1] !== '}') return undefined;
      out += '}';
      i++;
    } else out += ch;
  }
  return out;
}

/** `template % values`: a tuple's items in order, or a dict's by `%(name)s`. */
export function percentWith(template: string, values: string[] | Map<string, string>): string | undefined {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    if (template[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    let j = i + 1;
    let value: string | undefined;
    if (template[j] === '(') {
      const close = template.indexOf(')', j);
      if (close < 0 || Array.isArray(values)) return undefined;
      value = values.get(template.slice(j + 1, close));
      j = close + 1;
    } else {
      if (!Array.isArray(values)) return undefined;
      value = values[next++];
    }
    if (value === undefined || !'sdi'.includes(template[j] ?? 'x')) return undefined;
    out += value;
    i = j;
  }
  // Python raises "not all arguments converted" for a tuple with items left over.
  return Array.isArray(values) && next !== values.length ? undefined : out;
}
