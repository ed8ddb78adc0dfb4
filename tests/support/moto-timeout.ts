/**
 * Tests on the emulator get a minute (jest's default is 5 s): their set-ups talk to moto and start processes, which
 * takes longer on a busy machine. Jest 30 reads `testTimeout` from the top-level configuration only, not from a
 * project's, so the projects on moto set it here, once the test framework is installed.
 */
jest.setTimeout(60_000);
