/**
 * The lint rule that keeps one rulebook: code outside domain/rulebook/ that matches allowlist patterns itself, or
 * compares requesters, approvers or persons, fails `npm run lint`. Run here on small sources so it is seen to fail.
 */
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
// @ts-expect-error -- the ESLint config is plain JavaScript without types.
import { RULEBOOK_MESSAGE, rulebookGuard } from '../../../eslint.rulebook.mjs';

const linter = new Linter({ configType: 'flat' });
const lint = (code: string, filename: string) =>
  linter
    .verify(
      code,
      [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, rulebookGuard as Linter.Config],
      {
        filename,
      },
    )
    .map((m) => m.message);

describe('the one-rulebook lint rule', () => {
  it.each([
    ['domain/use-cases/x.ts', "import { matchesAny } from '../rules/pattern';"],
    ['handlers/http/x.ts', "import { matchesPattern } from '../../domain/rules/pattern';"],
    ['domain/use-cases/x.ts', 'const mine = request.requester === caller.arn;'],
    ['cli/x.ts', 'if (caller !== r.requesterPerson) throw new Error();'],
    ['adapters/x.ts', 'const same = a.approver == b.approver;'],
    ['console/src/x.ts', 'const again = given.some((g) => g.approver.person === decider.person);'],
  ])('refuses a second rulebook in %s: %s', (file, code) => {
    expect(lint(code, file)).toEqual(expect.arrayContaining([RULEBOOK_MESSAGE]));
  });

  it.each([
    ['domain/rulebook/x.ts', 'const same = a.person === b.person;'],
    ['domain/use-cases/x.ts', "import { isRequesterOf } from '../rulebook/access';\nconst n = r.principal === 'sns';"],
  ])('lets %s be: %s', (file, code) => {
    expect(lint(code, file)).toEqual([]);
  });
});
