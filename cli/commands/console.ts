/** `lpb console`: the approver and auditor console in the browser, served on 127.0.0.1 (opens nothing by itself). */
import { str, type ProgramCommand } from '../command';
import { UsageError } from '../argv';
import { loadConsoleAssets } from '../console/console-assets';
import { startConsoleServer } from '../console/console-server';
import { EXIT } from '../exit-codes';
import { VERSION } from '../version';

export const consoleCommand: ProgramCommand = {
  summary: 'Serve the approver and auditor console on http://127.0.0.1:8787/ (queue, grants, details, allowlist)',
  usage: 'lpb console [--port 8787] [--url API] [--as ARN | --profile P]',
  args: [],
  options: { port: { type: 'string', description: 'port on 127.0.0.1 (default 8787; 0 picks a free one)' } },
  run: async ({ values, io, client, clientOptions }) => {
    const port = Number(str(values.port) ?? 8787);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port: "${values.port}" is not a port`);
    const server = await startConsoleServer({
      client,
      assets: await loadConsoleAssets(),
      port,
      session: {
        identity: clientOptions.as ?? null,
        signing: clientOptions.as ? 'header' : 'sigv4',
        profile: clientOptions.profile ?? null,
        broker: clientOptions.baseUrl,
      },
      version: VERSION,
    });
    const who = clientOptions.as
      ? `as ${clientOptions.as} (X-Broker-Principal: local runner only)`
      : `signed with your AWS credentials${clientOptions.profile ? ` (profile ${clientOptions.profile})` : ''}`;
    io.err(`forwarding the broker's routes to ${clientOptions.baseUrl} ${who}\n`);
    if (!clientOptions.as) io.err('the link below carries a one-time key; do not share it\n');
    io.out(`lpb console listening on ${server.openUrl}\n`);
    const signal = await io.untilStopped();
    io.err(`${signal}: stopping the console\n`);
    await server.close();
    return EXIT.OK;
  },
};
