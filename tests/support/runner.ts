/**
 * Starts the local runner (`npm start`'s program) as a child process and waits for its ready line. Tests that are not
 * about `npm start` itself run the bundle the test run built once (runner-bundle.ts): the same code, without
 * transpiling it again at each start.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const READY = /lambda-permission-broker listening on (http:\/\/127\.0\.0\.1:\d+)/;

export interface Runner {
  baseUrl: string;
  pid: number;
  output(): string;
  stop(): Promise<number | null>;
  /** Kills the runner at once (SIGKILL to its whole process group), as a crash would. */
  crash(): Promise<void>;
}

export async function startRunner(
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
  /** `npm start`'s own command line (node with tsx on local/main.ts), for the tests of `npm start` itself. */
  options: { asNpmStart?: boolean } = {},
): Promise<Runner> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', POWERTOOLS_LOG_LEVEL: 'ERROR' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  // As `npm start` runs it: node itself, not the tsx CLI, whose signal relay SIGKILLs a child that is slow to answer.
  // Its own process group, so a crash takes it (and anything it started) down at once.
  const bundle = process.env.LPB_RUNNER_BUNDLE;
  const args = options.asNpmStart || !bundle ? ['--import', 'tsx', 'local/main.ts'] : [bundle];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: childEnv,
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runner not ready in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const match = READY.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`runner exited with ${code}:\n${out}`));
    });
  });
  return {
    baseUrl,
    pid: child.pid as number,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    crash: async () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
      await exited;
    },
  };
}

/** JSON over a real socket; returns status, headers and parsed body. */
export async function http(
  baseUrl: string,
  method: string,
  urlPath: string,
  options: { principal?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.principal) headers['X-Broker-Principal'] = options.principal;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${baseUrl}${urlPath}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/**
 * Polls GET /v1/requests/{id} until the work behind an answer is done (not APPROVED, no pending revoke), as clients
 * do after a 200 APPROVED or a 202 (docs/api.md, Answers, and the work behind them); the request as it then stands.
 */
export async function settledRequest(
  baseUrl: string,
  id: string,
  principal: string,
  timeoutMs = 15_000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await http(baseUrl, 'GET', `/v1/requests/${id}`, { principal });
    const body = res.body as { status: string; ending: unknown } & Record<string, any>;
    if (res.status !== 200 || (body.status !== 'APPROVED' && !(body.status === 'ACTIVE' && body.ending))) return body;
    if (Date.now() > deadline) throw new Error(`request ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls `probe` until it returns something other than undefined (work that happens behind an answer). */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not there after ${timeoutMs} ms: ${probe.toString().slice(0, 200)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
