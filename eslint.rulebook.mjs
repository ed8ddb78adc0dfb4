/**
 * One rulebook: who a caller is and whether an ask fits an entry are decided in domain/rulebook/ only. Outside it,
 * no code matches allowlist patterns (domain/rules/pattern.ts) or compares requesters, approvers or persons with `==`
 * or `===`: it asks the rulebook. tests/unit/rulebook/guard.test.ts proves this block catches both.
 */
export const RULEBOOK_MESSAGE = 'who may do what is decided in domain/rulebook/: call it';

export const rulebookGuard = {
  files: ['domain/**/*.ts', 'adapters/**/*.ts', 'handlers/**/*.ts', 'local/**/*.ts', 'cli/**/*.ts', 'console/**/*.ts'],
  ignores: ['domain/rulebook/**', 'domain/rules/pattern.ts'],
  rules: {
    'no-restricted-syntax': [
      'error',
      { selector: 'ImportDeclaration[source.value=/(^|\\/)rules\\/pattern$/]', message: RULEBOOK_MESSAGE },
      {
        selector:
          'BinaryExpression[operator=/^[!=]==?$/] > MemberExpression[property.name=/^(requester|requesterPerson|approver|person)$/]',
        message: RULEBOOK_MESSAGE,
      },
    ],
  },
};
