/**
 * The local runner (`npm start`, API.md §10): the broker's API on 127.0.0.1:$PORT against an AWS emulator.
 * Without AWS_ENDPOINT_URL it starts its own moto_server and seeds demo data; with it, it seeds nothing.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import type { AddressInfo } from 'node:net';
import { ensureTable } from '../adapters/dynamodb/ensure-table';
import { ensureQueues } from '../adapters/sqs/ensure-queues';
import { buildApp, createAwsClients } from '../handlers/app';
import { ConfigurationError, loadConfig } from '../handlers/config';
import { apiHandler } from '../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../handlers/http/all-operations';
import { curlExamples } from './curl-examples';
import { DEMO_ADMIN, seedDemo } from './demo-seed';
import { createLocalServer } from './http-server';
import { startMoto, type MotoServer } from './moto';
import { startSweepLoop } from './sweep-loop';
import { startWorkers, type Workers } from './workers';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const config = loadConfig(process.env, { BROKER_ADMINS: DEMO_ADMIN });
  // An emulator accepts any credentials; real ones are never needed locally.
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

  let moto: MotoServer | null = null;
  let workers: Workers | null = null;
  const stopAll = async () => {
    await workers?.stop();
    workers = null;
    await moto?.stop();
    moto = null;
  };
  try {
    if (!config.AWS_ENDPOINT_URL) {
      moto = await startMoto();
      config.AWS_ENDPOINT_URL = moto.endpoint;
      say(`started moto_server (pid ${moto.pid}) on ${moto.endpoint}`);
    } else {
      say(`using the AWS endpoint ${config.AWS_ENDPOINT_URL}; seeding nothing`);
    }
    const clients = createAwsClients(config);
    await ensureTable(clients.dynamo, config.BROKER_TABLE_NAME);
    const queues = await ensureQueues(clients.sqs, config.BROKER_TABLE_NAME);
    // Slack off: nobody to notify, so no notification queue (announcements are dropped, not queued for no one).
    const slackOn = Boolean(config.SLACK_BOT_TOKEN ?? config.SLACK_SIGNING_SECRET);
    const configured = {
      ...config,
      BROKER_WORK_QUEUE_URL: config.BROKER_WORK_QUEUE_URL ?? queues.workQueueUrl,
      BROKER_NOTIFY_QUEUE_URL: config.BROKER_NOTIFY_QUEUE_URL ?? (slackOn ? queues.notifyQueueUrl : undefined),
    };
    const app = await buildApp(configured, clients);
    workers = startWorkers(app, clients, configured, say);
    if (moto)
      await seedDemo(app, {
        lambda: clients.lambda,
        iam: new IAMClient({ region: config.AWS_REGION, endpoint: moto.endpoint }),
      });

    const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
    const server = createLocalServer(apiHandler(operations, () => Promise.resolve(app)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, '127.0.0.1', resolve);
    });
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stopSweeps = startSweepLoop(app, config.BROKER_SWEEP_INTERVAL_SECONDS, say);
    say(`sweeping every ${config.BROKER_SWEEP_INTERVAL_SECONDS} s`);

    if (config.BROKER_IDENTITY === 'header') {
      say('identity: BROKER_IDENTITY=header — the caller is the X-Broker-Principal header (local runner only)');
    } else {
      say('identity: BROKER_IDENTITY=iam — no SigV4 locally, so authenticated endpoints answer 401');
    }
    if (moto) {
      say('try:');
      for (const example of curlExamples(baseUrl, app.settings.accountId, app.settings.region)) say(`  ${example}`);
    }
    say(`lambda-permission-broker listening on ${baseUrl}`);

    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: stopping`);
      stopSweeps();
      server.close();
      server.closeAllConnections();
      void stopAll().then(() => process.exit(0));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  } catch (error) {
    await stopAll();
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `lambda-permission-broker failed to start: ${error instanceof ConfigurationError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
