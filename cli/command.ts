/** The shape of an `lpb` command: its options and help, and either one API call or a program of its own. */
import type { ApiResponse, BrokerClient, ClientOptions } from './broker-client';
import type { Io } from './io';
import type { Paint } from './output/paint';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  required?: boolean;
  short?: string;
}
export type Options = Record<string, OptionSpec>;
export type Values = Record<string, string | boolean | undefined>;

/** How a successful answer reads on a terminal (JSON is printed otherwise). */
export type View = (body: unknown, now: number, paint: Paint) => string;

export interface CommandContext {
  /** Positional arguments after the command's name. */
  args: string[];
  values: Values;
  io: Io;
  client: BrokerClient;
  clientOptions: ClientOptions;
}

interface CommandBase {
  summary: string;
  usage: string;
  options: Options;
  /** Positional argument names. */
  args: string[];
  /** Output formats besides text and json that the command prints (`--output csv`). */
  outputs?: readonly string[];
}

/** One API call whose answer is printed. */
export interface ApiCommand extends CommandBase {
  /** With --wait, follow the answered request until it reaches one of these statuses (success) or another final one. */
  waitFor?: readonly string[];
  view?: View;
  send(context: CommandContext): Promise<ApiResponse>;
}

/** A command that is more than one call (the console server); returns its exit code. */
export interface ProgramCommand extends CommandBase {
  run(context: CommandContext): Promise<number>;
}

export type Command = ApiCommand | ProgramCommand;

export const isProgram = (command: Command): command is ProgramCommand => 'run' in command;

/** The string value of a flag, if it was given. */
export const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** `{key: value}` when the flag was given, else nothing: the API refuses explicit nulls in optional fields. */
export const optional = (values: Values, flag: string, key = flag): Record<string, string> =>
  str(values[flag]) === undefined ? {} : { [key]: str(values[flag]) as string };

/** An API path with the query parameters that were given (none: no `?`). */
export function withQuery(path: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params);
  return query.size > 0 ? `${path}?${query.toString()}` : path;
}

/** The first positional argument, ready for a URL path. */
export const idPath = (args: string[]): string => encodeURIComponent(args[0] ?? '');
