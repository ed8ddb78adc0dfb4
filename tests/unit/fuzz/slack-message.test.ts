/**
 * Finding 5, generalised: whatever a requester sends, in whichever field, no rendered Slack text carries a raw `<`
 * or `>`, a bare `&`, or a backtick that could close the statement's code block.
 */
import fc from 'fast-check';
import { requestMessage, threadReply } from '../../../adapters/slack/messages';
import {
  HISTORY_EVENTS,
  REQUEST_STATUSES,
  type GrantRequest,
  type InvokeGrantRequest,
  type MappingGrantRequest,
} from '../../../domain/model/request';
import type { InvokeStatement } from '../../../policies/statement-types';
import { apiHandler } from '../../../handlers/http/api-handler';
import { OPERATIONS_BY_FUNCTION } from '../../../handlers/http/all-operations';
import {
  ADMIN,
  OTHER_ACCOUNT,
  PRINCIPAL_CASES,
  REGION,
  ACCOUNT,
  REQUESTER,
  baseAsk,
  openEntry,
  who,
} from '../../support/fixtures';
import { apiEvent, inMemoryApp, lambdaContext, newRequest } from '../../support/in-memory-app';
import { slackMarkupProblems, textProblems } from '../../support/slack-markup';
import { FUZZ_RUNS, slackText } from './generators';

async function world() {
  // Many asks by one requester: no limit on waiting requests gets in the way.
  const ctx = inMemoryApp({ BROKER_MAX_PENDING_PER_REQUESTER: '1000000' });
  await ctx.app.allowlist.put(
    who(ADMIN),
    'orders',
    openEntry({ sourceArns: [...openEntry().sourceArns, `arn:aws:execute-api:${REGION}:${ACCOUNT}:*`, '*'] }),
  );
  const handler = apiHandler(
    Object.assign({}, ...Object.values(OPERATIONS_BY_FUNCTION)) as Parameters<typeof apiHandler>[0],
    () => Promise.resolve(ctx.app),
  );
  return { ...ctx, handler, base: await newRequest(ctx.app) };
}

/** Every text of a message and of the thread replies for every event, checked by the shared rules. */
function problemsOf(request: GrantRequest, actor: string, reason: string): string[] {
  const replies = HISTORY_EVENTS.map((event) =>
    threadReply(request, { at: '2026-11-27T00:00:00.000Z', event, actor, detail: { reason, action: reason } }),
  );
  return [
    ...slackMarkupProblems(requestMessage(request)),
    ...replies.flatMap((reply) => (reply === null ? [] : textProblems(reply))),
  ];
}

describe('Slack messages under fuzzing', () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world();
  });

  it('escape every requester-controlled field of a stored request, whatever it holds', () => {
    fc.assert(
      fc.property(
        fc.record({
          status: fc.constantFrom(...REQUEST_STATUSES),
          requester: slackText,
          functionArn: slackText,
          qualifier: fc.option(slackText),
          principal: fc.option(slackText),
          sourceArn: fc.option(slackText),
          sourceAccount: fc.option(slackText),
          principalOrgId: fc.option(slackText),
          eventSourceArn: fc.option(slackText),
          reason: slackText,
          ticket: fc.option(slackText),
          approver: slackText,
          comment: slackText,
          actor: slackText,
          failure: slackText,
        }),
        ({ eventSourceArn, ...f }) => {
          // Either kind, each with its own statement shape carrying requester text.
          const kind:
            | Pick<InvokeGrantRequest, 'kind' | 'eventSourceArn' | 'statement'>
            | Pick<MappingGrantRequest, 'kind' | 'eventSourceArn' | 'statement'> =
            eventSourceArn === null
              ? {
                  kind: 'invoke',
                  eventSourceArn: null,
                  statement: {
                    ...(w.base.statement as InvokeStatement),
                    Condition: { ArnLike: { 'AWS:SourceArn': f.sourceArn ?? f.reason } },
                  },
                }
              : {
                  kind: 'eventSourceMapping',
                  eventSourceArn,
                  statement: { Sid: 'lpbx', Effect: 'Allow', Action: ['sqs:ReceiveMessage'], Resource: eventSourceArn },
                };
          const request: GrantRequest = {
            ...w.base,
            ...f,
            ...kind,
            approvals: [
              {
                approver: f.approver,
                person: f.approver,
                at: '2026-11-27T00:00:00.000Z',
                comment: f.comment,
                step: null,
                counted: true,
              },
            ],
            history: [
              ...w.base.history,
              { at: '2026-11-27T00:00:00.000Z', event: 'APPROVED', actor: f.actor, detail: {} },
            ],
            failure: { reason: f.failure, at: '2026-11-27T00:00:00.000Z' },
          };
          expect(problemsOf(request, f.actor, f.reason)).toEqual([]);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('escape whatever a create request through the API gets stored with', async () => {
    let accepted = 0;
    const hostileArn = (head: string) => slackText.map((t) => `${head}${t}`);
    const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:order-queue`;
    const ask = fc.record({
      // A valid grant, so that most cases are stored and rendered …
      grant: fc.constantFrom(...PRINCIPAL_CASES.map((c) => c.ask), { eventSourceArn: queue }),
      // … carrying hostile text in the free-text fields …
      reason: slackText.map((t) => `orders fan-out ${t}`),
      ticket: fc.option(slackText, { nil: undefined }),
      // … and now and then in an identifier field too.
      hostile: fc.option(
        fc.oneof(
          hostileArn('order-').map((functionName) => ({ functionName })),
          hostileArn(`arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5/`).map((sourceArn) => ({
            principal: OTHER_ACCOUNT,
            sourceArn,
          })),
          hostileArn(`${queue}-`).map((eventSourceArn) => ({ eventSourceArn })),
          slackText.map((principal) => ({ principal })),
          slackText.map((qualifier) => ({ qualifier })),
        ),
        { freq: 3, nil: {} },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        ask.map(({ grant, reason, ticket, hostile }) => ({ ...grant, reason, ticket, ...hostile })),
        async (fields) => {
          const before = w.store.requests.size;
          const res = await w.handler(
            apiEvent('POST', '/v1/requests', {
              body: { ...baseAsk, ...fields },
              headers: { 'X-Broker-Principal': REQUESTER },
            }),
            lambdaContext,
          );
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode !== 201) return expect(w.store.requests.size).toBe(before);
          accepted += 1;
          const stored = w.store.requests.get((JSON.parse(res.body) as { id: string }).id) as GrantRequest;
          expect(problemsOf(stored, stored.requester, stored.reason)).toEqual([]);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    // The property means something only if requests carrying hostile text were stored and rendered.
    expect(accepted).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});
