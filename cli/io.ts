/** What the CLI needs from its process, injected so tests can run commands without one. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  sleep(ms: number): Promise<void>;
  now(): number;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** All of standard input, or null when it is a terminal (nothing was piped in). */
  readStdin(): Promise<string | null>;
  /** Resolves with the signal's name when the user stops a long-running command (Ctrl-C, SIGTERM). */
  untilStopped(): Promise<string>;
}

/** The real process: streams, environment, clock and signals. */
export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    readStdin: async () => {
      if (process.stdin.isTTY) return null;
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      }),
  };
}
