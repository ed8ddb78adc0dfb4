/** HTTP client for the broker API: SigV4-signed (deployed) or with X-Broker-Principal (local runner). */
import { regionOfHost, signRequest } from './sigv4';

export interface ClientOptions {
  baseUrl: string;
  /** Local runner identity (X-Broker-Principal); without it requests are SigV4-signed. */
  as?: string;
  region?: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export class BrokerClient {
  constructor(private readonly options: ClientOptions) {}

  async call(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const url = new URL(path, this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.as) {
      headers['x-broker-principal'] = this.options.as;
    } else {
      const region = this.options.region ?? regionOfHost(url.hostname) ?? process.env.AWS_REGION ?? 'us-east-1';
      headers = await signRequest(url, { method, headers, ...(body !== undefined ? { body } : {}) }, { region });
    }
    const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { error: { code: 'NotJson', message: text.slice(0, 500) } };
    }
    return { status: response.status, body: parsed };
  }
}
