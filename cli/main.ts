/**
 * `lpb`: the requester CLI. Prints the API's JSON answer on stdout; progress and errors on stderr.
 * Exit codes: see EXIT in commands.ts (and `lpb --help`).
 */
import { parseArgs } from 'node:util';
import { BrokerClient } from './broker-client';
import { COMMANDS, EXIT, type Command } from './commands';

const FINAL = new Set(['EXPIRED', 'REVOKED', 'REJECTED', 'CANCELLED', 'TIMED_OUT', 'FAILED']);

const GLOBAL = {
  url: { type: 'string', description: 'API base URL (env LPB_URL; default http://127.0.0.1:3000)' },
  as: { type: 'string', description: 'local runner only: act as this IAM ARN (env LPB_AS); otherwise SigV4' },
  region: { type: 'string', description: 'SigV4 Region (default: from the URL, then AWS_REGION)' },
  wait: { type: 'boolean', description: 'follow the request until ACTIVE or final' },
  'wait-timeout': { type: 'string', description: 'give up waiting after this many seconds (default 900)' },
  'poll-interval': { type: 'string', description: 'seconds between polls while waiting (default 2)' },
  help: { type: 'boolean', description: 'show help' },
} as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  sleep(ms: number): Promise<void>;
}

function helpText(name?: string): string {
  const format = (options: Record<string, { description: string; required?: boolean }>) =>
    Object.entries(options)
      .map(([flag, o]) => `  --${flag.padEnd(18)} ${o.description}${o.required ? ' (required)' : ''}`)
      .join('\n');
  const command = name ? COMMANDS[name] : undefined;
  if (command)
    return `${command.summary}\n\nusage: ${command.usage}\n\n${format(command.options)}\n\nglobal options:\n${format(GLOBAL)}\n`;
  const list = Object.entries(COMMANDS)
    .map(([n, c]) => `  ${n.padEnd(8)} ${c.summary}`)
    .join('\n');
  return `lpb — lambda-permission-broker requester CLI

usage: lpb <command> [options]     (lpb <command> --help for its options)

commands:
${list}

global options:
${format(GLOBAL)}

exit codes: 0 ok · 1 usage · 2 refused by the API (4xx) · 3 API/network failure (5xx) · 4 ended without becoming ACTIVE (--wait) · 5 wait timed out
`;
}

async function follow(
  client: BrokerClient,
  id: string,
  io: Io,
  timeoutSeconds: number,
  pollMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let last = '';
  for (;;) {
    const res = await client.call('GET', `v1/requests/${encodeURIComponent(id)}`);
    if (res.status !== 200) {
      io.err(`lpb: ${res.status} ${JSON.stringify(res.body)}\n`);
      return res.status >= 500 ? EXIT.FAILED : EXIT.REFUSED;
    }
    const r = res.body as {
      status: string;
      approvals: unknown[];
      requiredApprovals: number;
      failure?: { reason: string } | null;
    };
    const line = `${id}: ${r.status} (approvals ${r.approvals.length}/${r.requiredApprovals})`;
    if (line !== last) io.err(`${line}\n`);
    last = line;
    if (r.status === 'ACTIVE' || FINAL.has(r.status)) {
      io.out(`${JSON.stringify(res.body, null, 2)}\n`);
      if (r.status === 'ACTIVE') return EXIT.OK;
      if (r.failure) io.err(`lpb: ${r.failure.reason}\n`);
      return EXIT.NOT_ACTIVE;
    }
    if (Date.now() >= deadline) {
      io.err(`lpb: still ${r.status} after ${timeoutSeconds} s\n`);
      return EXIT.WAIT_TIMEOUT;
    }
    await io.sleep(pollMs);
  }
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name ? EXIT.OK : EXIT.USAGE;
  }
  const command: Command | undefined = COMMANDS[name];
  if (!command) {
    io.err(`lpb: unknown command "${name}"\n\n${helpText()}`);
    return EXIT.USAGE;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`lpb ${name}: ${(error as Error).message}\n\n${helpText(name)}`);
    return EXIT.USAGE;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    io.out(helpText(name));
    return EXIT.OK;
  }
  const missing = Object.entries(command.options)
    .filter(([flag, o]) => o.required && values[flag] === undefined)
    .map(([f]) => `--${f}`);
  if (parsed.positionals.length !== command.args.length)
    missing.push(...command.args.slice(parsed.positionals.length).map((a) => a.toUpperCase()));
  if (missing.length > 0 || parsed.positionals.length > command.args.length) {
    io.err(
      `lpb ${name}: ${missing.length > 0 ? `missing ${missing.join(', ')}` : 'too many arguments'}\n\n${helpText(name)}`,
    );
    return EXIT.USAGE;
  }
  const as = (values.as as string | undefined) ?? io.env.LPB_AS;
  const region = values.region as string | undefined;
  const client = new BrokerClient({
    baseUrl: (values.url as string | undefined) ?? io.env.LPB_URL ?? 'http://127.0.0.1:3000',
    ...(as ? { as } : {}),
    ...(region ? { region } : {}),
  });

  let res;
  try {
    res = await command.send(client, parsed.positionals, values);
  } catch (error) {
    const message = (error as Error).message;
    io.err(`lpb ${name}: ${message}\n`);
    return message.startsWith('--') ? EXIT.USAGE : EXIT.FAILED;
  }
  if (res.status >= 400) {
    io.err(`lpb ${name}: HTTP ${res.status}\n`);
    io.out(`${JSON.stringify(res.body, null, 2)}\n`);
    return res.status >= 500 ? EXIT.FAILED : EXIT.REFUSED;
  }
  const requestId = (res.body as { id?: string | null } | undefined)?.id;
  if (values.wait && command.waitable && requestId) {
    const timeout = Number(values['wait-timeout'] ?? 900);
    const poll = Number(values['poll-interval'] ?? 2) * 1000;
    return follow(client, requestId, io, timeout, poll);
  }
  io.out(res.body === undefined ? '' : `${JSON.stringify(res.body, null, 2)}\n`);
  return EXIT.OK;
}

/** The process entry (bin/lpb.js): real streams, environment and time. */
export function main(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  run(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  })
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      process.stderr.write(`lpb: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(EXIT.FAILED);
    });
}
