// serverless-offline over the deployed service, for the smoke test in npm test (tests/e2e/serverless-offline.test.ts):
// serverless.yml as it is, plus the plugin, bound to 127.0.0.1 on the ports the test chose. The test points the
// handlers at its emulator through the environment: AWS_* pass through; LPB_OFFLINE_ENV (JSON) replaces provider
// environment values, such as the table's name, which CloudFormation would otherwise give. LPB_OFFLINE_FUNCTIONS
// (comma-separated) keeps only the functions a test calls, each exactly as deploy/functions.js defines it: bundling
// all eleven takes most of the start-up.
const path = require('node:path');
const readConfiguration = require('osls/lib/configuration/read');
const deployedFunctions = require('./deploy/functions.js');

module.exports = (async () => {
  const service = await readConfiguration(path.join(__dirname, 'serverless.yml'));
  const wanted = process.env.LPB_OFFLINE_FUNCTIONS?.split(',') ?? Object.keys(deployedFunctions);
  return {
    ...service,
    functions: Object.fromEntries(wanted.map((name) => [name, deployedFunctions[name]])),
    plugins: [...service.plugins, 'serverless-offline'],
    provider: {
      ...service.provider,
      environment: { ...service.provider.environment, ...JSON.parse(process.env.LPB_OFFLINE_ENV ?? '{}') },
    },
    custom: {
      ...service.custom,
      'serverless-offline': {
        host: '127.0.0.1',
        httpPort: Number(process.env.LPB_OFFLINE_HTTP_PORT ?? 3000),
        lambdaPort: Number(process.env.LPB_OFFLINE_LAMBDA_PORT ?? 3002),
        noPrependStageInUrl: true,
      },
    },
  };
})();
