/**
 * `lpb allowlist apply` (docs/allowlist-as-code.md, Apply): makes a plan's changes, each write conditioned on the
 * version the plan saw (a create on there being none), in the plan's order; the first refusal stops it, naming the
 * entry. A 412 means someone changed that entry since the plan: nothing after it is written. Under the two-person rule
 * each write is a proposal (202), applied when another admin approves it.
 */
import type { BrokerClient } from '../broker-client';
import { entityTagOf } from './entity-tag';
import type { Plan, PlanItem } from './plan';

export type ApplyOutcome =
  { ok: true; applied: string[] } | { ok: false; applied: string[]; failed: PlanItem; status: number; body: unknown };

function write(client: BrokerClient, item: PlanItem) {
  const path = `v1/allowlist/${encodeURIComponent(item.id)}`;
  if (item.action === 'delete') {
    return client.call('DELETE', path, { headers: { 'if-match': entityTagOf(item.version ?? 0) } });
  }
  const condition: Record<string, string> =
    item.version === null ? { 'if-none-match': '*' } : { 'if-match': entityTagOf(item.version) };
  return client.call('PUT', path, { body: item.body, headers: condition });
}

export async function applyPlan(client: BrokerClient, plan: Plan, said: (line: string) => void): Promise<ApplyOutcome> {
  const applied: string[] = [];
  for (const item of plan.items) {
    if (item.action !== 'create' && item.action !== 'change' && item.action !== 'delete') continue;
    const answer = await write(client, item);
    if (answer.status >= 400) return { ok: false, applied, failed: item, status: answer.status, body: answer.body };
    applied.push(item.id);
    const { version, id } = (answer.body ?? {}) as { version?: number; id?: string };
    // The two-person rule: a proposal, applied when another admin approves it.
    if (answer.status === 202) said(`${item.id}: proposed as change ${String(id)}; another admin approves it`);
    else
      said(`${item.id}: ${item.action === 'delete' ? 'deleted' : `${item.action}d, now version ${String(version)}`}`);
  }
  return { ok: true, applied };
}
