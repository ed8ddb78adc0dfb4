/**
 * Reads `lpb`'s command line: global flags anywhere (before or after the command), two-word commands
 * (`allowlist put`), and a did-you-mean for a mistyped command or flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command, Options, Values } from './command';
import { didYouMean } from '../domain/rules/did-you-mean';

/** A command line that cannot run; `helpFor` names the command whose help to point at ('' for the command list). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly helpFor?: string,
  ) {
    super(message);
  }
}

export type CommandLine =
  | { kind: 'help'; topic?: string }
  | { kind: 'version' }
  | { kind: 'run'; name: string; command: Command; args: string[]; values: Values };

type ParseOptions = NonNullable<ParseArgsConfig['options']>;

function toParseArgs(options: Options): ParseOptions {
  const out: ParseOptions = {};
  for (const [name, o] of Object.entries(options)) out[name] = { type: o.type, ...(o.short ? { short: o.short } : {}) };
  return out;
}

/** Every flag any command knows, so that a flag's value is never mistaken for the command's name. */
function everyOption(commands: Record<string, Command>, globals: Options): Options {
  return Object.assign({}, ...Object.values(commands).map((c) => c.options), globals) as Options;
}

function findCommand(words: string[], commands: Record<string, Command>): { name: string; used: number } {
  const [first = '', second] = words;
  if (second !== undefined && commands[`${first} ${second}`]) return { name: `${first} ${second}`, used: 2 };
  if (commands[first]) return { name: first, used: 1 };
  const group = Object.keys(commands)
    .filter((n) => n.startsWith(`${first} `))
    .map((n) => n.slice(first.length + 1));
  if (group.length > 0) {
    if (second === undefined) throw new UsageError(`lpb ${first}: which one? ${group.join(', ')}`, first);
    throw new UsageError(`lpb ${first}: unknown command "${second}"${didYouMean(second, group)}`, first);
  }
  const topLevel = [...new Set(Object.keys(commands).map((n) => n.split(' ')[0] as string))];
  throw new UsageError(`lpb: unknown command "${first}"${didYouMean(first, topLevel)}`, '');
}

export function parseCommandLine(argv: string[], commands: Record<string, Command>, globals: Options): CommandLine {
  const loose = parseArgs({
    args: argv,
    options: toParseArgs(everyOption(commands, globals)),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const words = loose.positionals;
  if (loose.values.version === true) return { kind: 'version' };
  if (words.length === 0) {
    if (loose.values.help === true) return { kind: 'help' };
    throw new UsageError('lpb: which command?');
  }
  const { name, used } = findCommand(words, commands);
  const command = commands[name] as Command;
  const known = { ...globals, ...command.options };
  const shorts = new Set(Object.values(known).flatMap((o) => (o.short ? [o.short] : [])));
  for (const token of loose.tokens) {
    if (token.kind !== 'option' || token.name in known || shorts.has(token.name)) continue;
    const flags = Object.keys(known).map((f) => `--${f}`);
    throw new UsageError(`lpb ${name}: unknown option ${token.rawName}${didYouMean(token.rawName, flags)}`, name);
  }
  let strict;
  try {
    strict = parseArgs({ args: argv, options: toParseArgs(known), allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`lpb ${name}: ${(error as Error).message}`, name);
  }
  const values = strict.values as Values;
  if (values.help === true) return { kind: 'help', topic: name };
  const args = strict.positionals.slice(used);
  const missing = Object.entries(command.options)
    .filter(([flag, o]) => o.required && values[flag] === undefined)
    .map(([flag]) => `--${flag}`);
  missing.push(...command.args.slice(args.length).map((a) => a.toUpperCase()));
  if (missing.length > 0) throw new UsageError(`lpb ${name}: missing ${missing.join(', ')}`, name);
  if (args.length > command.args.length) {
    throw new UsageError(`lpb ${name}: too many arguments (${args.slice(command.args.length).join(' ')})`, name);
  }
  return { kind: 'run', name, command, args, values };
}
