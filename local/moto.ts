/**
 * Starts and stops a private moto_server on a free 127.0.0.1 port (local runner and test global setup). On Linux moto
 * runs under `setpriv --pdeathsig TERM` (util-linux): the kernel sends it SIGTERM when its parent dies, even by
 * SIGKILL, so a crashed or killed runner never leaves an emulator holding a port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export interface MotoServer {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

export const MOTO_INSTALL_HINT = 'moto_server was not found: install it with  pip install "moto[server]"  (Python 3)';

/** The program's path on PATH, or null (what a shell's `command -v` finds). */
export function onPath(program: string, pathVariable = process.env.PATH ?? ''): string | null {
  for (const dir of pathVariable.split(path.delimiter).filter(Boolean)) {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return path.join(dir, program);
    } catch {
      // not here
    }
  }
  return null;
}

/** moto_server's command line: under setpriv where Linux has it (it execs moto, so moto keeps the spawned pid). */
export function motoCommand(args: string[], pathVariable = process.env.PATH): [string, string[]] {
  const moto = onPath('moto_server', pathVariable);
  if (!moto) throw new Error(MOTO_INSTALL_HINT);
  const setpriv = process.platform === 'linux' ? onPath('setpriv', pathVariable) : null;
  return setpriv ? [setpriv, ['--pdeathsig', 'TERM', '--', moto, ...args]] : [moto, args];
}

/** Where local/moto-python/sitecustomize.py is: Python loads it at start, and it keeps moto's collector quiet. */
const MOTO_PYTHON = path.join(__dirname, 'moto-python');

/** The environment moto runs in: this one, with MOTO_PYTHON first on PYTHONPATH. */
export function motoEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const rest = env.PYTHONPATH ? `${path.delimiter}${env.PYTHONPATH}` : '';
  return { ...env, PYTHONPATH: `${MOTO_PYTHON}${rest}` };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export async function startMoto(
  options: {
    timeoutMs?: number;
    /** Every chunk moto writes to stderr: its access log, one line per request. */ onLog?: (chunk: string) => void;
  } = {},
): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const [command, args] = motoCommand(['-H', '127.0.0.1', '-p', String(port)]);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: motoEnvironment() });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
    options.onLog?.(chunk.toString());
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(MOTO_INSTALL_HINT) : error),
    );
  });
  await spawned;
  try {
    await waitUntilUp(endpoint, child, options.timeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const pid = child.pid as number;
  return {
    endpoint,
    pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Forgets every resource moto holds (between test suites). */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}
