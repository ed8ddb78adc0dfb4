import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, readJsonInput } from '../../cli/json-input';
import { jsonSyntaxProblem } from '../../cli/json-syntax';
import { captureIo } from '../support/cli-io';

describe('JSON syntax problems', () => {
  it.each([
    ['{"a":}', 1, 6, /expected a value, found "}"/],
    ['{"a":1,}', 1, 8, /trailing comma/],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, /expected "," or "}"/],
    ['{"a": [1, 2', 1, 12, /expected "," or "]", found the end/],
    ['{a: 1}', 1, 2, /quoted" field name/],
    ['[1] x', 1, 5, /after the JSON value/],
    ['"tab\there"', 1, 5, /control character/],
  ])('finds where %j goes wrong', (text, line, column, message) => {
    const problem = jsonSyntaxProblem(text);
    expect(problem).toMatchObject({ line, column });
    expect(problem?.message).toMatch(message);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('finds nothing wrong in valid JSON', () => {
    for (const text of ['{}', '[]', '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', ' 12 ']) {
      expect(jsonSyntaxProblem(text)).toBeNull();
    }
  });
});

describe('JSON input', () => {
  it('reads a file, and says where a broken one breaks', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lpb-json-'));
    try {
      const good = path.join(dir, 'good.json');
      const bad = path.join(dir, 'bad.json');
      await writeFile(good, '{"description": "x"}');
      await writeFile(bad, '{\n  "description": "x",\n  "functions": [,]\n}');
      expect(await readJsonInput(good, captureIo())).toEqual({ description: 'x' });
      await expect(readJsonInput(bad, captureIo())).rejects.toThrow(
        /bad\.json is not valid JSON: line 3, column 17 \(position 40\): expected a value, found ","/,
      );
      await expect(readJsonInput(path.join(dir, 'missing.json'), captureIo())).rejects.toThrow(InputError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads standard input for - or no file, and refuses a terminal', async () => {
    expect(await readJsonInput('-', captureIo({ stdin: '[1]' }))).toEqual([1]);
    expect(await readJsonInput(undefined, captureIo({ stdin: '{"a":1}' }))).toEqual({ a: 1 });
    await expect(readJsonInput(undefined, captureIo({ stdin: null }))).rejects.toThrow(
      /--file PATH or on standard input/,
    );
    await expect(readJsonInput(undefined, captureIo({ stdin: '{"a" 1}' }))).rejects.toThrow(
      /standard input is not valid JSON: line 1, column 6/,
    );
  });
});
