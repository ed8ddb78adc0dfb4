/**
 * Named layers: unit (pure, no I/O), integration (moto and fakes over sockets), e2e (the local runner), browser (the
 * console in Chromium against the local runner), deploy (the synthesized template; after `npm run package`).
 */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];
const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // middy 6 ships ESM only; compile it to CommonJS like our own code.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/tests/support/quiet-env.ts'],
};
/**
 * Projects on the emulator: one moto_server per jest worker (tests/support/moto-global-setup.ts). Their set-ups talk to
 * the emulator and start processes: on a busy machine that takes longer than jest's default 5 s, so hooks and tests get
 * a minute unless they say otherwise.
 */
const onMoto = {
  ...common,
  setupFiles: [...common.setupFiles, '<rootDir>/tests/support/moto-worker.ts'],
  setupFilesAfterEnv: ['<rootDir>/tests/support/moto-timeout.ts'],
  globalSetup: '<rootDir>/tests/support/moto-global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/moto-global-teardown.ts',
};

module.exports = {
  // Coverage (npm test: coverage:unit, coverage:emulated, then coverage:check merges both and holds each folder to
  // its floor). V8's own counters, not instrumented code: the suites keep their speed.
  coverageProvider: 'v8',
  collectCoverageFrom: ['<rootDir>/{domain,adapters,policies,handlers}/**/*.ts'],
  coverageReporters: ['json'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    { ...onMoto, displayName: 'integration', testMatch: ['<rootDir>/tests/integration/**/*.test.ts'] },
    { ...onMoto, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
    { ...onMoto, displayName: 'browser', testMatch: ['<rootDir>/tests/browser/**/*.test.ts'] },
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/tests/deploy/**/*.test.ts'] },
  ],
};
