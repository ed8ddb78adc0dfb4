/**
 * Bundle size and cold `require` time per Lambda entry point, with the AWS SDK bundled and left to the runtime,
 * against a bare handler that imports only the same SDK clients.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { median } from './stats';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.bench');
const ENTRIES = ['health', 'allowlist', 'requests', 'decisions', 'admin', 'slack']
  .map((f) => `handlers/http/${f}.ts`)
  .concat('handlers/schedule/sweep.ts');
// Clients constructed, not just imported: an unused import would be tree-shaken away.
const BARE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda'; import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts'; import { SSMClient } from '@aws-sdk/client-ssm';
const clients = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new LambdaClient({}), new IAMClient({}), new STSClient({}), new SSMClient({})];
export const handler = async () => ({ statusCode: 200, body: String(clients.length) });\n`;

function bundle(entry: string, name: string, sdkExternal: boolean): string {
  const outfile = path.join(OUT, `${name.replace(/\W+/g, '-')}-${sdkExternal ? 'external' : 'bundled'}.js`);
  buildSync({
    entryPoints: [path.join(ROOT, entry)],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'error',
    external: sdkExternal ? ['@aws-sdk/*', '@smithy/*'] : [],
  });
  return outfile;
}

/** Median of fresh-process `require` times (ms): what a cold start pays before the handler runs. */
function requireMs(file: string, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(
      process.execPath,
      [
        '-e',
        `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`,
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } },
    );
    samples.push(Number(result.stdout.trim()));
  }
  return median(samples);
}

export interface BundleRow {
  entry: string;
  bundledKb: number;
  bundledMs: number;
  externalKb: number;
  externalMs: number;
}

export function measureBundles(runs = 5): { rows: BundleRow[]; bare: BundleRow } {
  mkdirSync(OUT, { recursive: true });
  const bareEntry = path.join(OUT, 'bare-entry.ts');
  writeFileSync(bareEntry, BARE);
  const measure = (entry: string, name: string): BundleRow => {
    const bundled = bundle(entry, name, false);
    const external = bundle(entry, name, true);
    return {
      entry: name,
      bundledKb: Math.round(statSync(bundled).size / 1024),
      bundledMs: requireMs(bundled, runs),
      externalKb: Math.round(statSync(external).size / 1024),
      externalMs: requireMs(external, runs),
    };
  };
  return {
    rows: ENTRIES.map((e) => measure(e, path.basename(e, '.ts'))),
    bare: measure(path.relative(ROOT, bareEntry), 'bare (SDK clients only)'),
  };
}
