/**
 * The console's files (HTML, CSS, script, icon), served from memory. The packaged `lpb` carries them inside its one
 * file (the package build defines LPB_EMBEDDED_CONSOLE_ASSETS); in a clone they are built from console/ at start.
 */
import { buildConsoleAssets } from './build-console-assets';

export interface ConsoleAsset {
  contentType: string;
  body: string;
}

/** URL path → file. */
export type ConsoleAssets = Record<string, ConsoleAsset>;

declare const LPB_EMBEDDED_CONSOLE_ASSETS: ConsoleAssets | undefined;

export async function loadConsoleAssets(): Promise<ConsoleAssets> {
  if (typeof LPB_EMBEDDED_CONSOLE_ASSETS !== 'undefined') return LPB_EMBEDDED_CONSOLE_ASSETS;
  return buildConsoleAssets();
}
