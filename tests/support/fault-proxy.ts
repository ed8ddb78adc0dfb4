/**
 * A fault-injecting HTTP proxy between the AWS SDK and moto, on 127.0.0.1. Each rule matches a call (by method,
 * path and the operation named in the target header or form body) and, a given number of times, either answers
 * with an AWS-shaped error instead of moto, or forwards to moto and then fails the answer (the call happened, the
 * broker never heard: a crash right after it).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallInfo {
  method: string;
  path: string;
  /** DynamoDB's X-Amz-Target operation, or IAM/STS's form `Action`. */
  operation: string;
  /** IAM/STS's form parameters (`RoleArn` of an AssumeRole, say). */
  parameters: URLSearchParams;
  /** When the call reached the proxy (epoch ms). */
  at?: number;
  /** The request body as sent (a JSON protocol's parameters: SQS's QueueUrl, say). */
  body?: string;
}

export interface FaultRule {
  match: (call: CallInfo) => boolean;
  times: number;
  /**
   * `error`: answer with this instead of moto. `afterForward`: let moto do it, then answer this error.
   * `rewrite`: let moto answer, then change its body (a Lambda that stored something other than what was sent).
   */
  mode: 'error' | 'afterForward' | 'rewrite';
  rewrite?: (body: string) => string;
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON, or as is when a string (the XML of query-protocol services such as STS and IAM). */
  body: unknown;
  hits?: number;
}

export const awsErrors = {
  lambdaThrottled: (): Omit<FaultRule, 'match' | 'times' | 'mode'> => ({
    status: 429,
    headers: { 'x-amzn-errortype': 'TooManyRequestsException', 'retry-after': '1' },
    body: { Reason: 'CallerRateLimitExceeded', Type: 'User', message: 'Rate exceeded' },
  }),
  /** What Lambda answers when an SCP, a permissions boundary or the role's own policy denies the action. */
  lambdaAccessDenied: (action: string): Omit<FaultRule, 'match' | 'times' | 'mode'> => ({
    status: 403,
    headers: { 'x-amzn-errortype': 'AccessDeniedException' },
    body: {
      Message: `User: arn:aws:sts::123456789012:assumed-role/broker/x is not authorized to perform: ${action} on resource: order-processor with an explicit deny in a service control policy`,
    },
  }),
  lambdaStaleRevision: (): Omit<FaultRule, 'match' | 'times' | 'mode'> => ({
    status: 412,
    headers: { 'x-amzn-errortype': 'PreconditionFailedException' },
    body: { Type: 'User', message: 'The Revision Id provided does not match the latest Revision Id.' },
  }),
  lambdaServiceError: (): Omit<FaultRule, 'match' | 'times' | 'mode'> => ({
    status: 500,
    headers: { 'x-amzn-errortype': 'ServiceException' },
    body: { Type: 'Service', message: 'Internal error' },
  }),
  /** What STS answers when the role does not exist or does not trust the caller. */
  stsAccessDenied: (roleArn: string): Omit<FaultRule, 'match' | 'times' | 'mode'> => ({
    status: 403,
    headers: { 'content-type': 'text/xml' },
    body:
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
      '<Code>AccessDenied</Code><Message>User: arn:aws:sts::123456789012:assumed-role/broker/x is not authorized to ' +
      `perform: sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>c6104cbe</RequestId></ErrorResponse>`,
  }),
  /** What CreateEventSourceMapping answers while a new role policy is still propagating through IAM. */
  lambdaRoleNotReady: (): Omit<FaultRule, 'match' | 'times' | 'mode'> => ({
    status: 400,
    headers: { 'x-amzn-errortype': 'InvalidParameterValueException' },
    body: {
      Type: 'User',
      message: 'The provided execution role does not have permissions to call ReceiveMessage on SQS',
    },
  }),
  dynamoInternal: (): Omit<FaultRule, 'match' | 'times' | 'mode'> => ({
    status: 500,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' },
  }),
};

export const calls = {
  addPermission: (c: CallInfo) => c.method === 'POST' && /^\/2015-03-31\/functions\/[^/]+\/policy$/.test(c.path),
  removePermission: (c: CallInfo) =>
    c.method === 'DELETE' && /^\/2015-03-31\/functions\/[^/]+\/policy\/[^/]+$/.test(c.path),
  getPolicy: (c: CallInfo) => c.method === 'GET' && /^\/2015-03-31\/functions\/[^/]+\/policy$/.test(c.path),
  getFunction: (c: CallInfo) => c.method === 'GET' && /^\/2015-03-31\/functions\/[^/]+$/.test(c.path),
  createMapping: (c: CallInfo) => c.method === 'POST' && /^\/2015-03-31\/event-source-mappings\/?$/.test(c.path),
  lambdaControlPlane: (c: CallInfo) => c.path.startsWith('/2015-03-31/functions/') && c.path.includes('/policy'),
  dynamo: (operation: string) => (c: CallInfo) => c.operation === `DynamoDB_20120810.${operation}`,
  /** STS AssumeRole of a role in `account` (any account when omitted). */
  assumeRole: (account?: string) => (c: CallInfo) =>
    c.operation === 'AssumeRole' && (account === undefined || c.parameters.get('RoleArn')?.split(':')[4] === account),
};

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class FaultProxy {
  readonly rules: FaultRule[] = [];
  /** Every call that passed through, in order. */
  readonly seen: CallInfo[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly upstream: string) {}

  add(rule: FaultRule): FaultRule {
    rule.hits = 0;
    this.rules.push(rule);
    return rule;
  }

  clear(): void {
    this.rules.length = 0;
    this.seen.length = 0;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void (async () => {
        const body = await readAll(req);
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const target = req.headers['x-amz-target'];
        const form = new URLSearchParams(req.headers['content-type']?.includes('form') ? body.toString() : '');
        const call: CallInfo = {
          method: req.method ?? 'GET',
          path: url.pathname,
          operation: typeof target === 'string' ? target : (form.get('Action') ?? ''),
          parameters: form,
          at: Date.now(),
          body: body.toString(),
        };
        this.seen.push(call);
        const rule = this.rules.find((r) => (r.hits ?? 0) < r.times && r.match(call));
        if (rule) rule.hits = (rule.hits ?? 0) + 1;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
        let upstream: Response | undefined;
        if (!rule || rule.mode !== 'error') {
          upstream = await fetch(`${this.upstream}${req.url ?? '/'}`, {
            method: req.method,
            headers,
            body: body.length > 0 ? body : undefined,
          });
        }
        if (rule && rule.mode !== 'rewrite') {
          res.writeHead(rule.status, { 'content-type': 'application/json', ...rule.headers });
          res.end(typeof rule.body === 'string' ? rule.body : JSON.stringify(rule.body));
          return;
        }
        const answer = upstream as Response;
        const out: Record<string, string> = {};
        answer.headers.forEach((v, k) => {
          if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length') out[k] = v;
        });
        res.writeHead(answer.status, out);
        const answered = Buffer.from(await answer.arrayBuffer());
        res.end(rule?.rewrite ? rule.rewrite(answered.toString('utf8')) : answered);
      })().catch((error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A proxy in front of `upstream`, started before the file's tests and stopped after them. */
export function faultProxyForSuite(upstream: string): FaultProxy {
  const proxy = new FaultProxy(upstream);
  beforeAll(() => proxy.start());
  afterAll(() => proxy.stop());
  return proxy;
}
