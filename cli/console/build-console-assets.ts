/** Builds the browser console (console/) into in-memory assets with esbuild: one script, one stylesheet, no CDN. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConsoleAssets } from './asset-types';

const CONSOLE_DIR = path.resolve(__dirname, '../../console');

export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  const esbuild = await import('esbuild');
  const script = await esbuild.build({
    entryPoints: [path.join(CONSOLE_DIR, 'src/main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const read = (file: string) => readFile(path.join(CONSOLE_DIR, file), 'utf8');
  return {
    '/': { contentType: 'text/html; charset=utf-8', body: await read('index.html') },
    '/assets/console.css': { contentType: 'text/css; charset=utf-8', body: await read('styles.css') },
    '/assets/console.js': {
      contentType: 'text/javascript; charset=utf-8',
      body: (script.outputFiles[0] as { text: string }).text,
    },
    '/assets/icon.svg': { contentType: 'image/svg+xml', body: await read('icon.svg') },
  };
}
