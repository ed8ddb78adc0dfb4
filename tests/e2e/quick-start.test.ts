/**
 * README quick start: `npm start` with no AWS_ENDPOINT_URL starts its own moto, seeds, prints working curls, and the
 * README's Identity Center walk-through works against it as written.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alive } from '../support/processes';
import { startRunner, type Runner } from '../support/runner';

let runner: Runner;
let motoPid = 0;

beforeAll(async () => {
  runner = await startRunner(
    { AWS_ENDPOINT_URL: undefined, BROKER_ADMINS: undefined, BROKER_IDENTITY: undefined },
    60_000,
    { asNpmStart: true },
  );
  motoPid = Number(/started moto_server \(pid (\d+)\)/.exec(runner.output())?.[1]);
}, 120_000);

afterAll(async () => {
  if (runner) await runner.stop();
});

it('prints curl examples that work as printed', () => {
  const output = runner.output();
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
});

it("walks through the README's Identity Center example as written", () => {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## People from IAM Identity Center'));
  const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  expect(script).toContain('B=http://127.0.0.1:3000');
  const printed = execFileSync(
    'bash',
    ['-euo', 'pipefail', '-c', script.replace('http://127.0.0.1:3000', runner.baseUrl)],
    {
      encoding: 'utf8',
    },
  );
  const [catalog, own, approved] = printed.trim().split('\n');
  expect(catalog).toBe('["orders-people"]');
  expect(own).toBe('requesters cannot decide on their own request');
  expect(JSON.parse(approved ?? '')).toEqual({
    status: expect.stringMatching(/^(ACTIVE|APPROVED)$/),
    requesterPerson: 'alice@example.com',
    approvals: ['bob@example.com'],
  });
});

it('stops its moto on SIGTERM', async () => {
  expect(await runner.stop()).toBe(0);
  expect(alive(motoPid)).toBe(false);
});

it('stops with the install command when moto_server is missing', async () => {
  // A PATH holding only node: whatever else this machine has installed, moto_server is not on it.
  const onlyNode = mkdtempSync(path.join(os.tmpdir(), 'lpb-no-moto-'));
  symlinkSync(process.execPath, path.join(onlyNode, 'node'));
  await expect(
    startRunner({ AWS_ENDPOINT_URL: undefined, PATH: onlyNode }, 30_000, { asNpmStart: true }),
  ).rejects.toThrow(/moto_server was not found: install it with {2}pip install "moto\[server\]"/);
}, 60_000);
