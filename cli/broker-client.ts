/** HTTP client for the broker API: SigV4-signed (deployed) or with X-Broker-Principal (local runner). */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { regionOfHost, signRequest, type Credentials } from './sigv4';

export interface ClientOptions {
  baseUrl: string;
  /** Local runner identity (X-Broker-Principal); without it requests are SigV4-signed. */
  as?: string;
  region?: string;
  /** AWS profile for the credential chain (else AWS_PROFILE, environment, SSO, instance role…). */
  profile?: string;
  /** Fixed credentials (tests); otherwise the standard chain. */
  credentials?: Credentials;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** No AWS credentials could be found to sign with. */
export class CredentialsUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`no AWS credentials to sign with: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class BrokerClient {
  private credentials: Credentials | undefined;

  constructor(readonly options: ClientOptions) {}

  /** `v1/requests?x=1` against the base URL (which may carry a stage path such as `/prod`). */
  url(path: string): URL {
    const base = this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`;
    return new URL(path.replace(/^\/+/, ''), base);
  }

  /** Sends as-is and returns the raw answer (the console's proxy passes it through untouched). */
  async send(
    method: string,
    path: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<RawResponse> {
    const url = this.url(path);
    let headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.options.as) {
      headers['x-broker-principal'] = this.options.as;
    } else {
      headers = await this.sign(url, method, headers, options.body);
    }
    const response = await fetch(url, {
      method,
      headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
      redirect: 'manual',
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  /** JSON in, JSON out. */
  async call(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const response = await this.send(method, path, {
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      ...(body !== undefined ? { body } : {}),
    });
    let parsed: unknown = undefined;
    try {
      parsed = response.text ? JSON.parse(response.text) : undefined;
    } catch {
      parsed = { error: { code: 'NotJson', message: response.text.slice(0, 500) } };
    }
    return { status: response.status, body: parsed };
  }

  private async sign(url: URL, method: string, headers: Record<string, string>, body: string | undefined) {
    this.credentials ??=
      this.options.credentials ?? fromNodeProviderChain(this.options.profile ? { profile: this.options.profile } : {});
    const region = this.options.region ?? regionOfHost(url.hostname) ?? process.env.AWS_REGION ?? 'us-east-1';
    const credentials = this.credentials;
    try {
      // Resolve first so that a missing credential is told apart from a network failure.
      const resolved = typeof credentials === 'function' ? await credentials() : credentials;
      return await signRequest(
        url,
        { method, headers, ...(body !== undefined ? { body } : {}) },
        { region, credentials: resolved },
      );
    } catch (error) {
      throw new CredentialsUnavailableError(error);
    }
  }
}

/** Whether the URL points at this machine (the local runner), where `--as` is the way to say who you are. */
export function isLocalUrl(baseUrl: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

export const AS_HINT =
  'the local runner takes its caller from a header: add --as <IAM ARN> (or set LPB_AS), e.g. ' +
  '--as arn:aws:iam::123456789012:role/orders-ci';
