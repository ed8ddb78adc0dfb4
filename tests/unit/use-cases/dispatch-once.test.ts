/**
 * A stored change schedules its work once (docs/api.md, Answers, and the work behind them), in memory: delivered again
 * it schedules nothing; when the work could not be scheduled, the claim is given back so the next delivery schedules
 * it; entry changes the same.
 */
import type { QueuedWork } from '../../../domain/events/follow-ups';
import type { GrantRequest } from '../../../domain/model/request';
import { makeDispatchChange, makeDispatchEntryChange } from '../../../domain/use-cases/dispatch-change';
import { ADMIN, APPROVER, openEntry, who } from '../../support/fixtures';
import { FixedClock, InMemoryDispatchClaims } from '../../support/in-memory';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

function dispatcher() {
  const scheduled: QueuedWork[] = [];
  let failures = 0;
  const scheduler = {
    schedule: (work: QueuedWork) => {
      if (failures > 0) {
        failures--;
        return Promise.reject(new Error('SQS is unavailable'));
      }
      scheduled.push(work);
      return Promise.resolve();
    },
  };
  const deps = {
    scheduler,
    announcer: { announce: () => Promise.resolve() },
    listener: { recorded: () => Promise.resolve() },
    claims: new InMemoryDispatchClaims(),
    clock: new FixedClock(),
  };
  return {
    dispatch: makeDispatchChange(deps),
    dispatchEntry: makeDispatchEntryChange(deps),
    scheduled,
    failNext: () => void failures++,
  };
}

/** A real approval's stored change (PENDING → APPROVED), which calls for an apply now. */
async function approvalChange(): Promise<{ before: GrantRequest; after: GrantRequest }> {
  const { app, store } = inMemoryApp();
  await app.allowlist.put(who(ADMIN), 'orders', openEntry());
  const before = await newRequest(app);
  await app.decide.approve({ approver: who(APPROVER), id: before.id, comment: null });
  return { before, after: (await store.get(before.id)) as GrantRequest };
}

it('schedules a change’s work once, however often the change is delivered', async () => {
  const { dispatch, scheduled } = dispatcher();
  const { before, after } = await approvalChange();
  for (let delivery = 0; delivery < 3; delivery++) await dispatch(before, after);
  expect(scheduled.map((w) => w.kind)).toEqual(['now']);
  // The next change of the same request is a change of its own.
  const next = { ...after, version: after.version + 1, status: 'ACTIVE' as const };
  await dispatch(after, {
    ...next,
    history: [...after.history, { ...after.history.at(-1)!, event: 'REVOKE_REQUESTED' }],
  });
  expect(scheduled).toHaveLength(2);
});

it('gives the claim back when the work could not be scheduled, so the next delivery schedules it', async () => {
  const { dispatch, scheduled, failNext } = dispatcher();
  const { before, after } = await approvalChange();
  failNext();
  await expect(dispatch(before, after)).rejects.toThrow('SQS is unavailable');
  expect(scheduled).toEqual([]);
  await dispatch(before, after);
  await dispatch(before, after);
  expect(scheduled.map((w) => w.kind)).toEqual(['now']);
});

it('schedules an entry change’s re-check once per change of the entry', async () => {
  const { dispatchEntry, scheduled } = dispatcher();
  await dispatchEntry('orders', 'seq-1');
  await dispatchEntry('orders', 'seq-1');
  await dispatchEntry('orders', 'seq-2');
  expect(scheduled.map((w) => w.kind)).toEqual(['recheck', 'recheck']);
});
