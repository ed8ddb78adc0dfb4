/**
 * Builds the npm package @lambda-permission-broker/cli: one self-contained `lpb.js` (esbuild bundle with the console's
 * files inside, zero runtime dependencies, so installing it needs no registry), the manifest from packages/cli/,
 * LICENSE, NOTICE and the licences of what the bundle carries; then `npm pack`s it.
 * Usage: tsx cli/build-package.ts [destination folder] (default packages/cli/); prints the tarball's path.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildConsoleAssets } from './console/build-console-assets';

const ROOT = path.resolve(__dirname, '..');
const PACKAGE_DIR = path.join(ROOT, 'packages/cli');

/** Name, version and licence of each package the bundle took code from, with its licence text when it ships one. */
async function thirdPartyLicences(inputs: string[]): Promise<string> {
  const roots = new Set<string>();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) roots.add(match[1] as string);
  }
  const sections: string[] = [];
  for (const root of [...roots].sort()) {
    const manifest = JSON.parse(await readFile(path.join(ROOT, root, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string;
    };
    let text = '';
    for (const name of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license']) {
      text = await readFile(path.join(ROOT, root, name), 'utf8').catch(() => '');
      if (text) break;
    }
    sections.push(`${manifest.name}@${manifest.version} — ${manifest.license ?? 'see its package'}\n\n${text.trim()}`);
  }
  return `Third-party code bundled into lpb.js\n\n${sections.join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}

export async function buildCliPackage(destination: string): Promise<string> {
  const esbuild = await import('esbuild');
  const stage = await mkdtemp(path.join(tmpdir(), 'lpb-package-'));
  try {
    const result = await esbuild.build({
      entryPoints: [path.join(ROOT, 'cli/entry.ts')],
      outfile: path.join(stage, 'lpb.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      metafile: true,
      legalComments: 'none',
      banner: { js: '#!/usr/bin/env node' },
      define: { LPB_EMBEDDED_CONSOLE_ASSETS: JSON.stringify(await buildConsoleAssets()) },
      // Only the clone's on-the-fly console build imports esbuild; the package carries the built files instead.
      external: ['esbuild'],
      logLevel: 'warning',
    });
    await writeFile(
      path.join(stage, 'THIRD_PARTY_LICENSES'),
      await thirdPartyLicences(Object.keys(result.metafile.inputs)),
    );
    for (const [from, to] of [
      [path.join(PACKAGE_DIR, 'package.json'), 'package.json'],
      [path.join(PACKAGE_DIR, 'README.md'), 'README.md'],
      [path.join(ROOT, 'LICENSE'), 'LICENSE'],
      [path.join(ROOT, 'NOTICE'), 'NOTICE'],
    ] as const) {
      await copyFile(from, path.join(stage, to));
    }
    const { stdout } = await promisify(execFile)(
      'npm',
      ['pack', '--pack-destination', path.resolve(destination), '--json'],
      { cwd: stage },
    );
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    return path.join(path.resolve(destination), (packed as { filename: string }).filename);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

if (require.main === module) {
  buildCliPackage(process.argv[2] ?? PACKAGE_DIR)
    .then((tarball) => process.stdout.write(`${tarball}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`build-package: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
