/**
 * The console's files (HTML, CSS, script, icon), served from memory. The packaged `lpb` carries them inside its one
 * file (the package build defines LPB_EMBEDDED_CONSOLE_ASSETS); in a clone they are built from console/ at start.
 */
import type { ConsoleAssets } from './asset-types';
import { buildConsoleAssets } from './build-console-assets';

export type { ConsoleAsset, ConsoleAssets } from './asset-types';

declare const LPB_EMBEDDED_CONSOLE_ASSETS: ConsoleAssets | undefined;

export async function loadConsoleAssets(): Promise<ConsoleAssets> {
  if (typeof LPB_EMBEDDED_CONSOLE_ASSETS !== 'undefined') return LPB_EMBEDDED_CONSOLE_ASSETS;
  return buildConsoleAssets();
}
