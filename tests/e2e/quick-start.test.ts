/** README quick start: `npm start` with no AWS_ENDPOINT_URL starts its own moto, seeds, and prints working curls. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alive } from '../support/processes';
import { startRunner } from '../support/runner';

it('prints curl examples that work as printed, and stops its moto on SIGTERM', async () => {
  const runner = await startRunner({
    AWS_ENDPOINT_URL: undefined,
    BROKER_ADMINS: undefined,
    BROKER_IDENTITY: undefined,
  });
  let motoPid = 0;
  try {
    const output = runner.output();
    motoPid = Number(/started moto_server \(pid (\d+)\)/.exec(output)?.[1]);
    expect(alive(motoPid)).toBe(true);
    expect(output).toContain('BROKER_IDENTITY=header');
    const examples = output
      .split('\n')
      .filter((l) => l.startsWith('  curl '))
      .map((l) => l.trim());
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const example of examples) {
      const printed = execFileSync('bash', ['-c', `${example} -w '\\n%{http_code}'`], { encoding: 'utf8' });
      const status = Number(printed.trim().split('\n').pop());
      // The example rides along so a failure names the command that broke.
      expect([example, status >= 200 && status < 300]).toEqual([example, true]);
    }
  } finally {
    expect(await runner.stop()).toBe(0);
  }
  expect(alive(motoPid)).toBe(false);
}, 120_000);

it('stops with the install command when moto_server is missing', async () => {
  // A PATH holding only node: whatever else this machine has installed, moto_server is not on it.
  const onlyNode = mkdtempSync(path.join(os.tmpdir(), 'lpb-no-moto-'));
  symlinkSync(process.execPath, path.join(onlyNode, 'node'));
  await expect(startRunner({ AWS_ENDPOINT_URL: undefined, PATH: onlyNode }, 30_000)).rejects.toThrow(
    /moto_server was not found: install it with {2}pip install "moto\[server\]"/,
  );
}, 60_000);
