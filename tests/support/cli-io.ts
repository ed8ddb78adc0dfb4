/** A captured Io for running `lpb` commands in-process: what they print, with a chosen terminal and stdin. */
import type { Io } from '../../cli/io';

export interface CapturedIo extends Io {
  stdout: string;
  stderr: string;
}

export function captureIo(
  options: { tty?: boolean; env?: NodeJS.ProcessEnv; stdin?: string | null; now?: number } = {},
): CapturedIo {
  const captured: CapturedIo = {
    stdout: '',
    stderr: '',
    env: options.env ?? {},
    out(t: string) {
      captured.stdout += t;
    },
    err(t: string) {
      captured.stderr += t;
    },
    sleep: () => Promise.resolve(),
    now: () => options.now ?? Date.now(),
    stdoutIsTTY: options.tty ?? false,
    stderrIsTTY: options.tty ?? false,
    readStdin: () => Promise.resolve(options.stdin ?? null),
    untilStopped: () => new Promise(() => undefined),
  };
  return captured;
}
