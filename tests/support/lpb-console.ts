/** Starts `lpb console` (bin/lpb.js) as a child process on a free port and stops it by its PID. */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const READY = /lpb console listening on (http:\/\/127\.0\.0\.1:\d+)\//;

export interface RunningConsole {
  url: string;
  stop(): Promise<number | null>;
}

export async function startLpbConsole(brokerUrl: string, as: string): Promise<RunningConsole> {
  const child = spawn(process.execPath, [
    path.join(ROOT, 'bin/lpb.js'),
    'console',
    '--port',
    '0',
    '--url',
    brokerUrl,
    '--as',
    as,
  ]);
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lpb console not ready:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      const match = READY.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`lpb console exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
