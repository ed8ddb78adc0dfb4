/**
 * The local runner's life: `npm start` stops cleanly on a SIGTERM sent to npm itself and leaves no process or port
 * behind; its moto dies with it even when the runner is killed outright; a busy port names PORT; one log line per
 * request, without query strings or header values.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { alive, portFree, until } from '../support/processes';
import { startRunner } from '../support/runner';

const ROOT = path.resolve(__dirname, '../..');
const READY = /lambda-permission-broker listening on http:\/\/127\.0\.0\.1:(\d+)/;

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  apiPort: number;
  motoPid: number;
  motoPort: number;
}

/** Starts a command in a process group of its own (its pid is the group id) and waits for the ready line. */
async function startGroup(command: string, args: string[]): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' };
  // Its own moto, like a user's `npm start`, so that moto's end can be watched too.
  delete env.AWS_ENDPOINT_URL;
  delete env.BROKER_ADMINS;
  delete env.BROKER_IDENTITY;
  const child = spawn(command, args, { cwd: ROOT, env, detached: true });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const deadline = Date.now() + 60_000;
  while (!READY.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`not ready:\n${out}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const moto = /started moto_server \(pid (\d+)\) on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
  return {
    child,
    output: () => out,
    apiPort: Number(READY.exec(out)?.[1]),
    motoPid: Number(moto?.[1]),
    motoPort: Number(moto?.[2]),
  };
}

describe('npm start', () => {
  let started: Started;
  beforeAll(async () => {
    started = await startGroup('npm', ['start']);
  }, 90_000);
  afterAll(() => {
    // Only if a test failed half way: the group this file started, by its id.
    if (alive(-started.child.pid!)) process.kill(-started.child.pid!, 'SIGKILL');
  });

  it('logs one line per request: method, path, status, milliseconds; no query and no header values', async () => {
    const principal = 'arn:aws:iam::123456789012:role/log-probe-7731';
    const response = await fetch(
      `http://127.0.0.1:${started.apiPort}/v1/requests?status=PENDING&functionName=probe-query-5519`,
      { headers: { 'X-Broker-Principal': principal, 'X-Slack-Signature': 'v0=probe-signature-4242' } },
    );
    expect(response.status).toBe(200);
    await fetch(`http://127.0.0.1:${started.apiPort}/v1/nowhere`);
    expect(await until(() => started.output().includes('GET /v1/nowhere'), 5_000)).toBe(true);
    const lines = started.output().split('\n');
    expect(lines.filter((l) => l.startsWith('GET /v1/'))).toEqual([
      expect.stringMatching(/^GET \/v1\/requests 200 \d+ ms$/),
      expect.stringMatching(/^GET \/v1\/nowhere 404 \d+ ms$/),
    ]);
    for (const secret of ['log-probe-7731', 'probe-query-5519', 'probe-signature-4242']) {
      expect(started.output()).not.toContain(secret);
    }
  });

  it('stops on SIGTERM sent to the npm process: no process of its group left, both ports free', async () => {
    const group = started.child.pid!;
    expect(alive(started.motoPid)).toBe(true);
    process.kill(group, 'SIGTERM');
    expect(await until(() => !alive(-group), 15_000)).toBe(true);
    expect(alive(started.motoPid)).toBe(false);
    // The runner stopped its parts itself, rather than being killed.
    expect(started.output()).toContain('SIGTERM: stopping');
    expect(await portFree(started.apiPort)).toBe(true);
    expect(await portFree(started.motoPort)).toBe(true);
  }, 30_000);
});

it('takes its moto along when it is killed outright (SIGKILL), so no emulator holds a port', async () => {
  const started = await startGroup(process.execPath, ['--import', 'tsx', 'local/main.ts']);
  try {
    expect(alive(started.motoPid)).toBe(true);
    process.kill(started.child.pid!, 'SIGKILL');
    expect(await until(() => !alive(started.motoPid), 10_000)).toBe(true);
    expect(await portFree(started.motoPort)).toBe(true);
  } finally {
    if (alive(-started.child.pid!)) process.kill(-started.child.pid!, 'SIGKILL');
  }
}, 90_000);

it('says which variable to set when the port is taken, without a stack trace, before starting anything', async () => {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as { port: number }).port;
  try {
    const failure = startRunner({ PORT: String(port), AWS_ENDPOINT_URL: undefined }, 30_000);
    await expect(failure).rejects.toThrow(
      new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use: set PORT to another port`),
    );
    const message = String(await failure.catch((error: unknown) => error));
    expect(message).not.toMatch(/\n\s+at /);
    expect(message).not.toContain('started moto_server');
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
}, 60_000);
