/** The packaged `lpb` starts here (see build-package.ts); in a clone, bin/lpb.js calls main() the same way. */
import { main } from './main';

main();
