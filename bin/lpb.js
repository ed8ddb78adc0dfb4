#!/usr/bin/env node
// The requester CLI (cli/main.ts), run from a clone of this repository after `npm ci`.
require('tsx/cjs');
require('../cli/main.ts').main();
