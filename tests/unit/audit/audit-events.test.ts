/**
 * Audit events (docs/audit.md, Events on EventBridge): what the audit consumer publishes for a grant's life and an
 * allowlist change, through the in-memory pipeline; and the event shapes themselves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { entryAuditEvent, grantAuditEvents, grantDetailType, titleCase } from '../../../domain/audit/audit-events';
import { allowlistEventDetail, auditJsonSchemas, grantEventDetail } from '../../../handlers/events/audit-schemas';
import { END, START } from '../../../scripts/write-audit-schemas';
import { ADMIN, APPROVER, openEntry, who } from '../../support/fixtures';
import { inMemoryApp, newRequest } from '../../support/in-memory-app';

const GRANT_FIELDS = [
  'requestId',
  'event',
  'actor',
  'at',
  'status',
  'functionArn',
  'qualifier',
  'principal',
  'sourceArn',
  'eventSourceArn',
  'statementId',
  'statementHash',
  'allowlistEntryId',
  'sequence',
  'detail',
];

describe('audit events', () => {
  it('names each history event in title case', () => {
    expect(titleCase('CREATED')).toBe('Created');
    expect(titleCase('REMOVAL_BLOCKED')).toBe('Removal Blocked');
    expect(titleCase('REVOKE_REQUESTED')).toBe('Revoke Requested');
  });

  it('publishes every event of a grant’s life once, numbered in order, with the documented fields', async () => {
    const ctx = inMemoryApp();
    await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
    const request = await newRequest(ctx.app);
    await ctx.drain();
    await ctx.app.decide.approve({ approver: who(APPROVER), id: request.id, comment: 'ok' });
    await ctx.drain();
    await ctx.advance(3600 + 60);
    const stored = await ctx.store.get(request.id);
    const grant = ctx.published.filter((e) => e.detailType.startsWith('Grant '));
    expect(stored?.status).toBe('EXPIRED');
    expect(grant.map((e) => e.detailType)).toEqual(stored?.history.map((h) => grantDetailType(h.event)));
    expect(grant.map((e) => e.detail.sequence)).toEqual(grant.map((_, i) => i + 1));
    expect(grant.map((e) => e.detailType)).toEqual(
      expect.arrayContaining(['Grant Requested', 'Grant Approved', 'Grant Activated', 'Grant Expired']),
    );
    for (const event of grant) {
      expect(Object.keys(event.detail)).toEqual(GRANT_FIELDS);
      expect(grantEventDetail.safeParse(event.detail).error).toBeUndefined();
      expect(event).toMatchObject({
        id: `${request.id}#${String(event.detail.sequence)}`,
        resources: [stored?.functionArn],
        detail: { requestId: request.id, allowlistEntryId: 'orders', statementId: stored?.statementId },
      });
      expect(event.time).toBe(event.detail.at);
    }
    const approval = grant.find((e) => e.detail.event === 'APPROVAL');
    expect(approval?.detail).toMatchObject({ actor: APPROVER, detail: { comment: 'ok' } });
  });

  it('publishes each allowlist change with its actor, version, before and after', async () => {
    const ctx = inMemoryApp();
    await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
    await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry({ maxDurationSeconds: 600 }));
    await ctx.app.allowlist.delete(who(ADMIN), 'orders');
    await ctx.drain();
    const changes = ctx.published.filter((e) => e.detailType.startsWith('Allowlist '));
    expect(changes.map((e) => [e.detailType, e.detail.version, e.detail.actor])).toEqual([
      ['Allowlist Entry Changed', 1, ADMIN],
      ['Allowlist Entry Changed', 2, ADMIN],
      ['Allowlist Entry Deleted', 3, ADMIN],
    ]);
    expect(changes[0]?.detail).toMatchObject({ entryId: 'orders', before: null, after: { version: 1 } });
    expect(changes[1]?.detail).toMatchObject({
      before: { maxDurationSeconds: 86400 },
      after: { maxDurationSeconds: 600 },
    });
    expect(changes[2]?.detail).toMatchObject({ before: { version: 2 }, after: null });
    expect(Object.keys(changes[0]?.detail ?? {})).toEqual(['entryId', 'actor', 'at', 'version', 'before', 'after']);
    for (const change of changes) expect(allowlistEventDetail.safeParse(change.detail).error).toBeUndefined();
  });

  it('gives the same events, with the same ids, when a change is delivered again', async () => {
    const ctx = inMemoryApp();
    await ctx.app.allowlist.put(who(ADMIN), 'orders', openEntry());
    const request = await newRequest(ctx.app);
    const stored = await ctx.store.get(request.id);
    if (!stored) throw new Error('request not stored');
    expect(grantAuditEvents(null, stored)).toEqual(grantAuditEvents(null, stored));
    expect(grantAuditEvents(stored, stored)).toEqual([]);
    const record = ctx.allowlist.changeRecords[0];
    if (!record) throw new Error('no change record');
    expect(entryAuditEvent(record).id).toBe('entry#orders#1');
  });
});

it('docs/audit.md carries the JSON Schema of each detail as the code defines it (npm run openapi writes them)', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../../docs/audit.md'), 'utf8');
  const part = doc.slice(doc.indexOf(START), doc.indexOf(END));
  const blocks = [...part.matchAll(/^### (.+)\n\n```json\n([\s\S]*?)\n```/gm)].map((m) => [
    m[1],
    JSON.parse(m[2] ?? ''),
  ]);
  expect(Object.fromEntries(blocks)).toEqual(auditJsonSchemas());
});
