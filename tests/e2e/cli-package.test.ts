/**
 * The published CLI: `npm pack` yields a tarball that installs in an empty folder, offline and with production
 * dependencies only (it has none), and runs there, console included.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildCliPackage } from '../../cli/build-package';

const run = promisify(execFile);
let dir: string;
let lpb: string;
let installed: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lpb-pack-'));
  const tarball = await buildCliPackage(dir);
  const project = path.join(dir, 'empty-project');
  await run('mkdir', [project]);
  await writeFile(path.join(project, 'package.json'), '{"name":"someone-else","private":true}\n');
  await run('npm', ['install', '--offline', '--omit=dev', '--no-audit', '--no-fund', tarball], { cwd: project });
  installed = path.join(project, 'node_modules/@lambda-permission-broker/cli');
  lpb = path.join(project, 'node_modules/.bin/lpb');
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('installs as a scoped Apache-2.0 package with no runtime dependencies', async () => {
  const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'));
  expect(manifest).toMatchObject({
    name: '@lambda-permission-broker/cli',
    license: 'Apache-2.0',
    bin: { lpb: 'lpb.js' },
  });
  expect(manifest.dependencies).toBeUndefined();
  expect(await readFile(path.join(installed, 'LICENSE'), 'utf8')).toContain(
    'Apache License\n                           Version 2.0, January 2004',
  );
  expect(await readFile(path.join(installed, 'THIRD_PARTY_LICENSES'), 'utf8')).toMatch(
    /@smithy\/signature-v4@[\d.]+ — Apache-2.0/,
  );
});

it('runs lpb --version and lpb --help from the installed package', async () => {
  const version = await run(lpb, ['--version']);
  const root = JSON.parse(await readFile(path.resolve(__dirname, '../../packages/cli/package.json'), 'utf8'));
  expect(version.stdout).toBe(`${root.version}\n`);
  const help = await run(lpb, ['--help']);
  expect(help.stdout).toContain('usage: lpb <command>');
  expect(help.stdout).toContain('allowlist impact');
});

it('serves the console from the files bundled inside lpb.js', async () => {
  const child = spawn(lpb, ['console', '--port', '0', '--as', 'arn:aws:iam::123456789012:role/platform-approver']);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`lpb console exited with ${code}`)));
    });
    const page = await fetch(url);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('/assets/console.js');
    const script = await fetch(new URL('/assets/console.js', url));
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(5000);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}, 30_000);
