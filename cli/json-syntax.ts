/**
 * Finds where JSON text goes wrong, as line and column: V8's own messages give a position only for some errors
 * ("Unexpected token '}', ... is not valid JSON" has none), and people fix files by line.
 */
export interface JsonSyntaxProblem {
  offset: number;
  line: number;
  column: number;
  message: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function scan(text: string): void {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const describe = () => (i >= text.length ? 'the end of the input' : `"${text[i]}"`);
  const expect = (what: string) => {
    throw new Stop(i, `expected ${what}, found ${describe()}`);
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else expect('a value');
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) throw new Stop(i, 'a control character inside a string (escape it)');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new Stop(i, 'a bad \\u escape');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) throw new Stop(i, 'a bad escape in a string');
      }
      i++;
    }
    if (i >= text.length) throw new Stop(i, 'an unterminated string');
    i++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) expect('a value');
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    expect('a value');
  };
  const members = (close: string, member: () => void) => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      member();
      ws();
      if (text[i] === ',') {
        i++;
        ws();
        if (text[i] === close) throw new Stop(i, `a trailing comma before "${close}"`);
        continue;
      }
      if (text[i] === close) return void i++;
      expect(`"," or "${close}"`);
    }
  };
  const object = () =>
    members('}', () => {
      if (text[i] !== '"') expect('a "quoted" field name');
      string();
      ws();
      if (text[i] !== ':') expect('":" after the field name');
      i++;
      value();
    });
  const array = () => members(']', value);

  value();
  ws();
  if (i < text.length) throw new Stop(i, `unexpected ${describe()} after the JSON value`);
}

export function jsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  try {
    scan(text);
    return null;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, error.offset).split('\n');
    return {
      offset: error.offset,
      line: before.length,
      column: (before.at(-1) as string).length + 1,
      message: error.message,
    };
  }
}
