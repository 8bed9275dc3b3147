// jsonmap.js reads JSON text and remembers the line of every member and
// element, keyed by JSON pointer, so an API error's source.pointer can be
// shown beside the line it names. Keys are matched case-insensitively, as
// the node reads job specs.

// JSONTextError is a syntax error with its line and column (from 1).
export class JSONTextError extends Error {
  constructor(message, line, column) {
    super(`line ${line}, column ${column}: ${message}`);
    this.line = line;
    this.column = column;
  }
}

const escapeSegment = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1');

// lineMap parses text and returns {value, lines}: lines maps a lowercased
// JSON pointer ("" for the document, "/tasks/2/params/times") to the line
// where that member's key (or that element) starts. It throws
// JSONTextError on bad JSON.
export function lineMap(text) {
  let i = 0;
  let line = 1;
  let col = 1;
  const lines = new Map();

  const fail = (msg) => { throw new JSONTextError(msg, line, col); };
  const step = () => {
    if (text[i] === '\n') { line += 1; col = 1; } else { col += 1; }
    i += 1;
  };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) step(); };
  const expect = (ch) => {
    if (text[i] !== ch) fail(i < text.length ? `expected '${ch}' but found '${text[i]}'` : `expected '${ch}' but the text ended`);
    step();
  };

  function str() {
    expect('"');
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i];
      if (c === '"') { step(); return out; }
      if (c === '\n') fail('line break inside a string');
      if (c === '\\') {
        step();
        const e = text[i];
        const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) { out += simple[e]; step(); continue; }
        if (e === 'u') {
          const hex = text.slice(i + 1, i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          for (let k = 0; k < 5; k += 1) step();
          continue;
        }
        fail(`bad escape '\\${e ?? ''}'`);
      }
      out += c;
      step();
    }
  }

  function num() {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail(`unexpected '${text[i]}'`);
    for (let k = 0; k < m[0].length; k += 1) step();
    return Number(m[0]);
  }

  function literal(word, v) {
    if (text.slice(i, i + word.length) !== word) fail(`unexpected '${text[i]}'`);
    for (let k = 0; k < word.length; k += 1) step();
    return v;
  }

  function value(ptr) {
    ws();
    if (!lines.has(ptr)) lines.set(ptr, line);
    if (i >= text.length) fail('the text ended where a value was expected');
    const c = text[i];
    if (c === '{') return object(ptr);
    if (c === '[') return array(ptr);
    if (c === '"') return str();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    return num();
  }

  function object(ptr) {
    expect('{');
    const out = {};
    ws();
    if (text[i] === '}') { step(); return out; }
    for (;;) {
      ws();
      if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma before }' : 'expected a "quoted" key');
      const keyLine = line;
      const key = str();
      const child = `${ptr}/${escapeSegment(key.toLowerCase())}`;
      lines.set(child, keyLine);
      ws();
      expect(':');
      out[key] = value(child);
      ws();
      if (text[i] === ',') { step(); continue; }
      if (text[i] === '}') { step(); return out; }
      fail(i < text.length ? `expected ',' or '}' but found '${text[i]}'` : "expected ',' or '}' but the text ended");
    }
  }

  function array(ptr) {
    expect('[');
    const out = [];
    ws();
    if (text[i] === ']') { step(); return out; }
    for (let n = 0; ; n += 1) {
      ws();
      if (text[i] === ']') fail('trailing comma before ]');
      out.push(value(`${ptr}/${n}`));
      ws();
      if (text[i] === ',') { step(); continue; }
      if (text[i] === ']') { step(); return out; }
      fail(i < text.length ? `expected ',' or ']' but found '${text[i]}'` : "expected ',' or ']' but the text ended");
    }
  }

  const v = value('');
  ws();
  if (i < text.length) fail(`unexpected '${text[i]}' after the document`);
  return { value: v, lines };
}

// lineFor finds the line a pointer names: its own line, or that of the
// nearest enclosing member that exists (a missing "times" points at its
// "params"). exact says whether the pointer itself was found.
export function lineFor(lines, pointer) {
  let p = String(pointer ?? '').toLowerCase();
  let exact = true;
  for (;;) {
    if (lines.has(p)) return { line: lines.get(p), exact };
    if (p === '') return { line: 1, exact: false };
    p = p.slice(0, p.lastIndexOf('/'));
    exact = false;
  }
}

// pointerToPath shows a JSON pointer as the node's field path:
// /tasks/2/params/times -> tasks[2].params.times.
export function pointerToPath(pointer) {
  if (!pointer) return '(whole document)';
  return pointer.split('/').slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}
