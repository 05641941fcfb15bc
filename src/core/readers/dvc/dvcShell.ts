// Finds the scripts a stage's `cmd` runs, so the stage links to the code that does its work.
// A small POSIX-like word splitter is enough: quotes, backslashes, and the operators that start
// a new command (`&&`, `||`, `;`, `|`, `&`, newlines). Nothing is expanded or executed.

/** Splits a command line into commands, each a list of words. */
export function shellCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end < 0 ? line.length : end);
      inWord = true;
      i = end < 0 ? line.length : end;
    } else if (ch === '"') {
      i = readDoubleQuoted(line, i + 1, (s) => (word += s));
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      if (line[i + 1] !== '\n') word += line[i + 1];
      inWord = inWord || line[i + 1] !== '\n';
      i++;
    } else if (ch === ';' || ch === '&' || ch === '|' || ch === '\n') endCommand();
    else if (ch === ' ' || ch === '\t' || ch === '\r') endWord();
    else {
      word += ch;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** Reads a double-quoted string from `start`; returns the index of the closing quote. */
function readDoubleQuoted(line: string, start: number, emit: (s: string) => void): number {
  let i = start;
  for (; i < line.length && line[i] !== '"'; i++) {
    if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) emit(line[++i]);
    else emit(line[i]);
  }
  return i;
}

const PYTHON = /^python(\d+(\.\d+)*)?(\.exe)?$/;
const SHELLS = new Set(['bash', 'sh', 'zsh']);
/** Python options that take a value as the next word. */
const PYTHON_VALUE_FLAGS = new Set(['-W', '-X', '--check-hash-based-pycs']);
const RUNNERS: string[][] = [['uv', 'run'], ['poetry', 'run'], ['pipenv', 'run'], ['pdm', 'run'], ['hatch', 'run'], ['time'], ['env'], ['exec'], ['nohup']];

export type ScriptRef = { kind: 'file'; path: string } | { kind: 'module'; module: string };

/** The script a command runs, as written (relative to the stage's wdir), if it runs one. */
export function scriptOf(words: string[]): ScriptRef | undefined {
  const w = stripPrefixes(words);
  const prog = w[0];
  if (!prog) return undefined;
  const base = prog.split('/').pop() ?? prog;
  if (PYTHON.test(base)) return pythonScript(w.slice(1));
  if (base === 'Rscript') return firstArg(w.slice(1), new Set(['-e']));
  if (SHELLS.has(base)) return firstArg(w.slice(1), new Set(['-c']));
  if (base === 'spark-submit') {
    const script = w.slice(1).find((a) => /\.(py|R)$/i.test(a) && !a.startsWith('-'));
    return script ? { kind: 'file', path: script } : undefined;
  }
  // `./trans.r rows.txt`: an executable script run directly.
  if (prog.includes('/') && /\.(py|sh|r|R|pl|rb|js)$/.test(prog)) return { kind: 'file', path: prog };
  return undefined;
}

/** Drops `VAR=value` assignments and wrappers such as `uv run` or `time`. */
function stripPrefixes(words: string[]): string[] {
  let w = words;
  for (let changed = true; changed; ) {
    changed = false;
    while (w.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0])) {
      w = w.slice(1);
      changed = true;
    }
    const runner = RUNNERS.find((r) => r.every((part, i) => w[i] === part));
    if (runner) {
      w = w.slice(runner.length);
      changed = true;
    }
  }
  return w;
}

function pythonScript(args: string[]): ScriptRef | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-m') return args[i + 1] ? { kind: 'module', module: args[i + 1] } : undefined;
    if (a.startsWith('-m') && a.length > 2) return { kind: 'module', module: a.slice(2) };
    if (a === '-c' || a.startsWith('-c') || a === '-') return undefined;
    if (PYTHON_VALUE_FLAGS.has(a)) i++;
    else if (!a.startsWith('-')) return { kind: 'file', path: a };
  }
  return undefined;
}

function firstArg(args: string[], inline: Set<string>): ScriptRef | undefined {
  for (const a of args) {
    if (inline.has(a)) return undefined;
    if (!a.startsWith('-')) return { kind: 'file', path: a };
  }
  return undefined;
}
