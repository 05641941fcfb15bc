// Parses the literal-argument Jinja calls that dbt YAML and dbt_project.yml embed in strings:
// ref(), source(), env_var(), var().

/** A Jinja call such as `env_var('X', 'd')`: literal positional and keyword arguments only. */
export type JinjaCall = { name: string; args: string[]; kwargs: Record<string, string> };

type Token = { kind: 'word' | 'literal' | 'punct'; text: string };

/** Parses one call, optionally inside `{{ }}` and followed by filters; anything else is undefined. */
export function parseJinjaCall(text: string): JinjaCall | undefined {
  const tokens = tokenize(text) ?? [];
  let i = 0;
  while (tokens[i]?.text === '{') i++;
  const name = tokens[i];
  if (name?.kind !== 'word' || tokens[i + 1]?.text !== '(') return undefined;
  const call: JinjaCall = { name: name.text, args: [], kwargs: {} };
  for (i += 2; tokens[i]?.text !== ')'; i++) {
    const token = tokens[i];
    if (token?.kind === 'literal') call.args.push(token.text);
    else if (token?.kind === 'word' && tokens[i + 1]?.text === '=' && tokens[i + 2]?.kind === 'literal') {
      call.kwargs[token.text] = tokens[i + 2].text;
      i += 2;
    } else return undefined;
    if (tokens[i + 1]?.text === ',') i++;
    else if (tokens[i + 1]?.text !== ')') return undefined;
  }
  const rest = tokens[i + 1]?.text;
  return rest === undefined || rest === '|' || rest === '}' ? call : undefined;
}

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    let end = i + 1;
    if (ch === '"' || ch === "'") {
      end = text.indexOf(ch, i + 1) + 1;
      if (end === 0) return undefined;
      tokens.push({ kind: 'literal', text: text.slice(i + 1, end - 1) });
    } else if (isWordChar(ch)) {
      while (end < text.length && isWordChar(text[end])) end++;
      const word = text.slice(i, end);
      tokens.push({ kind: '0123456789-'.includes(word[0]) ? 'literal' : 'word', text: word });
    } else if ('(),=|{}'.includes(ch)) tokens.push({ kind: 'punct', text: ch });
    else if (ch.trim() !== '') return undefined;
    i = end;
  }
  return tokens;
}

function isWordChar(ch: string): boolean {
  return '_.-0123456789'.includes(ch) || ch.toLowerCase() !== ch.toUpperCase();
}
