#!/usr/bin/env bash
# npm test's last part: the emulator suites (with coverage, then the coverage floors) and the deployment check side by
# side. The emulator suites spend about a fifth of their time waiting on moto and on real time; packaging and linting
# the template use that idle share of the two cores. Both outputs are shown; the run fails if either fails.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
npm run check:deploy >"$log" 2>&1 &
deploy=$!
npm run coverage:emulated && npm run coverage:check
tests=$?
wait "$deploy"
deployed=$?
echo '--- deployment check (serverless package, cfn-lint, template tests) ---'
cat "$log"
rm -f "$log"
[ "$tests" -eq 0 ] && [ "$deployed" -eq 0 ]
