/**
 * `lpb`: the broker's CLI. On a terminal it prints readable tables and summaries; otherwise (or with
 * `--output json`) the API's JSON, so stdout always parses. Progress, errors and hints go to stderr.
 */
import { describeApiError } from './api/broker-request';
import { parseCommandLine, UsageError } from './argv';
import { AS_HINT, BrokerClient, CredentialsUnavailableError, isLocalUrl, type ApiResponse } from './broker-client';
import { isProgram, str, type ApiCommand, type CommandContext } from './command';
import { COMMANDS } from './commands';
import { EXIT } from './exit-codes';
import { GLOBAL_OPTIONS, helpText } from './help';
import { processIo, type Io } from './io';
import { InputError } from './json-input';
import { coloursWanted, paint, type Paint } from './output/paint';
import { VERSION } from './version';
import { waitForRequest } from './wait';

export type { Io } from './io';

interface Printer {
  json: boolean;
  out: Paint;
  err: Paint;
}

function printer(values: CommandContext['values'], io: Io, extra: readonly string[] = []): Printer {
  const output = str(values.output);
  if (output !== undefined && output !== 'json' && output !== 'text' && !extra.includes(output)) {
    throw new UsageError(`--output: "${output}" is not ${['text', 'json', ...extra].join(' or ')}`);
  }
  const json = output === 'json' || (output === undefined && !io.stdoutIsTTY);
  return {
    json,
    out: paint(!json && coloursWanted(io.stdoutIsTTY, io.env)),
    err: paint(coloursWanted(io.stderrIsTTY, io.env)),
  };
}

function printAnswer(answer: ApiResponse, command: ApiCommand, io: Io, p: Printer): void {
  if (answer.body === undefined) return;
  if (p.json || !command.view) io.out(`${JSON.stringify(answer.body, null, 2)}\n`);
  else io.out(command.view(answer.body, io.now(), p.out));
}

/** The API refused or failed: its message on stderr (with a hint when one helps); stdout keeps the JSON. */
function printRefusal(name: string, answer: ApiResponse, context: CommandContext, p: Printer): number {
  const { io, clientOptions } = context;
  io.err(`${p.err.red(`lpb ${name}:`)} ${describeApiError(answer.status, answer.body)}\n`);
  if (answer.status === 401 && !clientOptions.as && isLocalUrl(clientOptions.baseUrl)) io.err(`hint: ${AS_HINT}\n`);
  if (p.json && answer.body !== undefined) io.out(`${JSON.stringify(answer.body, null, 2)}\n`);
  return answer.status >= 500 ? EXIT.FAILED : EXIT.REFUSED;
}

async function runApiCommand(name: string, command: ApiCommand, context: CommandContext, p: Printer) {
  const { io, values, client } = context;
  const answer = await command.send(context);
  if (answer.status >= 400) return printRefusal(name, answer, context, p);
  const id = (answer.body as { id?: string | null } | undefined)?.id;
  if (!values.wait || !command.waitFor || !id) {
    printAnswer(answer, command, io, p);
    return EXIT.OK;
  }
  const timeoutSeconds = Number(values['wait-timeout'] ?? 900);
  const pollMs = Number(values['poll-interval'] ?? 2) * 1000;
  const outcome = await waitForRequest(client, id, io, {
    success: command.waitFor,
    timeoutSeconds,
    pollMs,
    paint: p.err,
  });
  if (outcome.kind === 'error') return printRefusal(name, outcome.answer, context, p);
  if (outcome.kind === 'timeout') {
    io.err(`${p.err.yellow(`lpb ${name}:`)} still ${outcome.status} after ${timeoutSeconds} s\n`);
    return EXIT.WAIT_TIMEOUT;
  }
  printAnswer(outcome.answer, command, io, p);
  if (outcome.kind === 'reached') return EXIT.OK;
  const failure = (outcome.answer.body as { failure?: { reason: string } | null }).failure;
  if (failure) io.err(`${p.err.red(`lpb ${name}:`)} ${failure.reason}\n`);
  return EXIT.NOT_ACTIVE;
}

/** Node's fetch says only "fetch failed"; its cause says why (ECONNREFUSED, ENOTFOUND, …). */
function failureMessage(error: unknown, baseUrl: string): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error instanceof TypeError && cause) return `cannot reach ${baseUrl}: ${cause.code ?? cause.message}`;
  return (error as Error).message;
}

export async function run(argv: string[], io: Io): Promise<number> {
  let line;
  try {
    line = parseCommandLine(argv, COMMANDS, GLOBAL_OPTIONS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // A slip gets one line and where to look; a bare `lpb` gets the whole help.
    const more =
      error.helpFor === undefined
        ? `\n${helpText(COMMANDS)}`
        : `(lpb ${error.helpFor ? `${error.helpFor} ` : ''}--help lists ${error.helpFor ? 'its options' : 'the commands'})\n`;
    io.err(`${error.message}\n${more}`);
    return EXIT.USAGE;
  }
  if (line.kind === 'version') {
    io.out(`${VERSION}\n`);
    return EXIT.OK;
  }
  if (line.kind === 'help') {
    io.out(helpText(COMMANDS, line.topic));
    return EXIT.OK;
  }
  const { name, command, args, values } = line;
  const as = str(values.as) ?? io.env.LPB_AS;
  const region = str(values.region);
  const profile = str(values.profile);
  const clientOptions = {
    baseUrl: str(values.url) ?? io.env.LPB_URL ?? 'http://127.0.0.1:3000',
    ...(as ? { as } : {}),
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
  };
  const context: CommandContext = { args, values, io, client: new BrokerClient(clientOptions), clientOptions };
  let p: Printer | undefined;
  try {
    p = printer(values, io, command.outputs);
    return isProgram(command) ? await command.run(context) : await runApiCommand(name, command, context, p);
  } catch (error) {
    const errPaint = (p ?? printer({}, io)).err;
    const red = (text: string) => errPaint.red(text);
    if (error instanceof UsageError || error instanceof InputError) {
      io.err(`${red(`lpb ${name}:`)} ${error.message.replace(/^lpb: /, '')}\n`);
      return EXIT.USAGE;
    }
    io.err(`${red(`lpb ${name}:`)} ${failureMessage(error, clientOptions.baseUrl)}\n`);
    if (error instanceof CredentialsUnavailableError && isLocalUrl(clientOptions.baseUrl)) io.err(`hint: ${AS_HINT}\n`);
    return EXIT.FAILED;
  }
}

/** The process entry (bin/lpb.js, the packaged lpb.js): real streams, environment, time and signals. */
export function main(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  run(process.argv.slice(2), processIo())
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      process.stderr.write(`lpb: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(EXIT.FAILED);
    });
}
