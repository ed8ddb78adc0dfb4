/** One moto_server per test run on a free 127.0.0.1 port; every SDK client in the workers points at it. */
import { startMoto, type MotoServer } from '../../local/moto';

declare global {
  var __MOTO__: MotoServer | undefined;
}

export default async function setup(): Promise<void> {
  const moto = await startMoto();
  globalThis.__MOTO__ = moto;
  // Workers start after global setup and inherit this environment.
  process.env.AWS_ENDPOINT_URL = moto.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
