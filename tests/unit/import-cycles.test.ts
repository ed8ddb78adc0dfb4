/** The import-cycle check behind `npm run lint` (scripts/import-cycles.ts) finds cycles, and only cycles. */
import { findCycles } from '../../scripts/import-cycles';

it('finds a cycle through type-only and indirect imports, once, whatever module it starts from', () => {
  const cycles = findCycles(
    new Map([
      ['domain/a.ts', "import { b } from './b';\nexport const a = 1;"],
      ['domain/b.ts', "import type { C } from './nested/c';\nexport const b = 2;"],
      ['domain/nested/c.ts', "import { a } from '../a';\nexport type C = number;"],
      ['domain/d.ts', "import { a } from './a';\nimport { readFile } from 'node:fs';"],
    ]),
  );
  expect(cycles).toEqual([['domain/a.ts', 'domain/b.ts', 'domain/nested/c.ts', 'domain/a.ts']]);
});

it('finds none where imports only go one way', () => {
  const cycles = findCycles(
    new Map([
      ['x/a.ts', "export { b } from './b';"],
      ['x/b.ts', "import { c } from './c/index';\nexport const b = c;"],
      ['x/c/index.ts', 'export const c = 3;'],
    ]),
  );
  expect(cycles).toEqual([]);
});
