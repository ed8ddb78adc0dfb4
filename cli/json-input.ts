/** JSON documents given to a command: `--file PATH`, or standard input (`--file -`, or piped). */
import { readFile } from 'node:fs/promises';
import type { Io } from './io';
import { jsonSyntaxProblem } from './json-syntax';

/** Input that cannot be used; the message says where and why. */
export class InputError extends Error {}

export async function readJsonInput(file: string | undefined, io: Io): Promise<unknown> {
  let text: string;
  let source: string;
  if (file === undefined || file === '-') {
    const piped = await io.readStdin();
    if (piped === null) throw new InputError('give the JSON with --file PATH or on standard input');
    text = piped;
    source = 'standard input';
  } else {
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
    }
    source = file;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const problem = jsonSyntaxProblem(text);
    if (!problem) throw new InputError(`${source} is not valid JSON: ${(error as Error).message}`);
    const shown = (text.split('\n')[problem.line - 1] ?? '').slice(0, 200);
    throw new InputError(
      `${source} is not valid JSON: line ${problem.line}, column ${problem.column} (position ${problem.offset}): ` +
        `${problem.message}\n  ${shown}\n  ${' '.repeat(Math.max(0, problem.column - 1))}^`,
    );
  }
}
