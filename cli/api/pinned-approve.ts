/**
 * Approve pinned to the statement the approver saw (docs/api.md, `POST /v1/requests/{id}/approve`): the body carries
 * its `statementHash` and the broker answers 409 if the request's statement changed. Shared by `lpb approve` and the
 * browser console.
 */
import { isApiError, type BrokerRequest } from './broker-request';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export type CallApi = (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;

/** The answer a broker gives when it refuses a field it does not know (docs/adoption.md, Errors that help). */
function refusesStatementHash(answer: ApiAnswer): boolean {
  return (
    answer.status === 400 &&
    isApiError(answer.body) &&
    (answer.body.error.details ?? []).some((d) => d.path === 'statementHash')
  );
}

export async function approvePinned(
  call: CallApi,
  id: string,
  shown: { statementHash: string; comment?: string; step?: string },
): Promise<ApiAnswer> {
  const path = `v1/requests/${encodeURIComponent(id)}/approve`;
  const comment = { ...(shown.comment ? { comment: shown.comment } : {}), ...(shown.step ? { step: shown.step } : {}) };
  const answer = await call('POST', path, { ...comment, statementHash: shown.statementHash });
  if (!refusesStatementHash(answer)) return answer;
  // A broker from before approvals were pinned (v2) cannot pin: compare right before approving instead (a narrow
  // window, not none),
  // answering 409 as the pinning broker would. Remove once every deployed broker accepts statementHash.
  const current = await call('GET', `v1/requests/${encodeURIComponent(id)}`);
  if (current.status !== 200) return current;
  if ((current.body as BrokerRequest).statementHash !== shown.statementHash) {
    return {
      status: 409,
      body: { error: { code: 'Conflict', message: 'the statement changed since it was shown; review it again' } },
    };
  }
  return call('POST', path, comment);
}
