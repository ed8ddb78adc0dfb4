import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { rulebookGuard } from './eslint.rulebook.mjs';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.serverless/',
      '.esbuild/',
      'coverage/',
      'deploy/*.js',
      'bin/*.js',
      '.bench/',
      'jest.config.js',
      'serverless.offline.js',
      'eslint.config.mjs',
      'eslint.rulebook.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // The domain stays pure: no AWS SDK, no middy, no HTTP, no adapters.
    files: ['domain/**/*.ts', 'policies/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@middy/*', 'node:http', 'node:fs', 'node:child_process'],
              message: 'domain/ is pure',
            },
            { group: ['**/adapters/**', '**/handlers/**', '**/local/**'], message: 'dependencies point inward' },
          ],
        },
      ],
    },
  },
  rulebookGuard,
  {
    // Tests read untyped JSON off the wire and assert its shape at run time.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='only']", message: 'no focused tests' },
        { selector: "CallExpression[callee.property.name='skip']", message: 'no skipped tests' },
      ],
    },
  },
);
