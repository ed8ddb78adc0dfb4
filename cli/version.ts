/** The CLI's version: the one in its package manifest, so `lpb --version` and the published package agree. */
import manifest from '../packages/cli/package.json';

export const VERSION: string = manifest.version;
