/**
 * The local runner (`npm start`; docs/api.md, "Local runner"): the broker's API on 127.0.0.1:$PORT against an AWS
 * emulator. Without AWS_ENDPOINT_URL it starts its own moto_server and seeds demo data; with it, it seeds nothing.
 * SIGINT or SIGTERM, even in the middle of starting, stops everything it started.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ensureTable } from '../adapters/dynamodb/ensure-table';
import { ensureEventBus } from '../adapters/eventbridge/ensure-event-bus';
import { ensureQueues } from '../adapters/sqs/ensure-queues';
import { buildApp, createAwsClients, type App } from '../handlers/app';
import { ConfigurationError, loadConfig } from '../handlers/config';
import { apiHandler } from '../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../handlers/http/all-operations';
import { curlExamples } from './curl-examples';
import { DEMO_ADMIN, DEMO_TARGET_ACCOUNTS, seedDemo } from './demo-seed';
import { createLocalServer } from './http-server';
import { startMoto, type MotoServer } from './moto';
import { startSweepLoop } from './sweep-loop';
import { startWorkers, type Workers } from './workers';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** A stop asked for while starting: the start gives up at its next step, and what it started is stopped. */
class StopRequestedError extends Error {}

/** Binds 127.0.0.1:port; a port already taken says which variable to change. */
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on 127.0.0.1 is already in use: set PORT to another port (PORT=0 picks a free one)`)
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const config = loadConfig(process.env, {
    BROKER_ADMINS: DEMO_ADMIN,
    // Its own emulator gets a demo spoke account too.
    ...(process.env.AWS_ENDPOINT_URL ? {} : { BROKER_TARGET_ACCOUNTS: DEMO_TARGET_ACCOUNTS }),
  });
  // An emulator accepts any credentials; real ones are never needed locally.
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

  let stopSignal: string | null = null;
  const checkpoint = () => {
    if (stopSignal) throw new StopRequestedError(stopSignal);
  };
  let moto: MotoServer | null = null;
  let workers: Workers | null = null;
  let stopSweeps: (() => void) | null = null;
  let setApp: (app: App) => void = () => undefined;
  const appReady = new Promise<App>((resolve) => (setApp = resolve));
  const operations = Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0];
  // Requests that arrive while the runner is still starting wait for it.
  const server = createLocalServer(
    apiHandler(operations, () => appReady),
    say,
  );
  const stopAll = async () => {
    stopSweeps?.();
    server.close();
    server.closeAllConnections();
    await workers?.stop();
    workers = null;
    await moto?.stop();
    moto = null;
  };

  const start = async () => {
    // The port first: a busy one fails before anything is started.
    const port = await listen(server, config.PORT);
    checkpoint();
    if (!config.AWS_ENDPOINT_URL) {
      moto = await startMoto();
      config.AWS_ENDPOINT_URL = moto.endpoint;
      say(`started moto_server (pid ${moto.pid}) on ${moto.endpoint}`);
    } else {
      say(`using the AWS endpoint ${config.AWS_ENDPOINT_URL}; seeding nothing`);
    }
    checkpoint();
    const clients = createAwsClients(config);
    await ensureTable(clients.dynamo, config.BROKER_TABLE_NAME);
    const queues = await ensureQueues(clients.sqs, config.BROKER_TABLE_NAME);
    if (config.BROKER_EVENT_BUS) await ensureEventBus(clients.eventBridge, config.BROKER_EVENT_BUS);
    // Slack off: nobody to notify, so no notification queue (announcements are dropped, not queued for no one).
    const slackOn = Boolean(config.SLACK_BOT_TOKEN ?? config.SLACK_SIGNING_SECRET);
    const configured = {
      ...config,
      BROKER_WORK_QUEUE_URL: config.BROKER_WORK_QUEUE_URL ?? queues.workQueueUrl,
      BROKER_NOTIFY_QUEUE_URL: config.BROKER_NOTIFY_QUEUE_URL ?? (slackOn ? queues.notifyQueueUrl : undefined),
    };
    const app = await buildApp(configured, clients);
    checkpoint();
    workers = startWorkers(app, clients, configured, say);
    if (moto) await seedDemo(app, clients);
    checkpoint();
    setApp(app);

    const baseUrl = `http://127.0.0.1:${port}`;
    stopSweeps = startSweepLoop(app, config.BROKER_SWEEP_INTERVAL_SECONDS, say);
    say(`sweeping every ${config.BROKER_SWEEP_INTERVAL_SECONDS} s`);
    if (config.BROKER_IDENTITY === 'header') {
      say('identity: BROKER_IDENTITY=header — the caller is the X-Broker-Principal header (local runner only)');
    } else {
      say('identity: BROKER_IDENTITY=iam — no SigV4 locally, so authenticated endpoints answer 401');
    }
    const spokes = app.settings.targetAccounts.filter((account) => account !== app.settings.accountId);
    if (spokes.length > 0) {
      say(`other accounts: ${spokes.join(', ')}, through their role ${config.BROKER_SPOKE_ROLE_NAME}`);
    }
    if (moto) {
      say('try:');
      for (const example of curlExamples(baseUrl, app.settings.accountId, app.settings.region)) say(`  ${example}`);
    }
    say(`lambda-permission-broker listening on ${baseUrl}`);
  };

  const started = start();
  const stop = (signal: string) => {
    if (stopSignal) return;
    stopSignal = signal;
    say(`${signal}: stopping`);
    // Whatever the start got to, it has settled before its parts are stopped.
    void started
      .catch(() => undefined)
      .then(stopAll)
      .then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  try {
    await started;
  } catch (error) {
    if (error instanceof StopRequestedError) return;
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
