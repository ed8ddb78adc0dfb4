/**
 * `lpb allowlist plan` (docs/allowlist-as-code.md, Plan): the files of a directory against the entries the broker holds
 * now: per entry created, changed (field by field), deleted (with prune only) or unchanged; with the lint's warnings
 * and the impact on live grants of each change, and the version each change was planned against (apply writes only
 * while the entry is still there).
 */
import { createHash } from 'node:crypto';
import type { BrokerClient } from '../broker-client';
import { bodyOf, readEntryFiles, type EntryBody } from './entry-files';
import { fieldDiffs, type FieldDiff } from '../../domain/rules/entry-diff';

/** The broker refused or failed a read the plan needs. */
export class PlanApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(what);
  }
}

export interface ImpactSummary {
  kept: string[];
  rematched: { id: string; entryId: string }[];
  ended: { id: string; status: string; reason: string }[];
}

export interface PlanItem {
  id: string;
  action: 'create' | 'change' | 'delete' | 'unchanged' | 'untracked';
  /** The version the plan saw (null: no entry yet); apply writes only while the entry is still at it. */
  version: number | null;
  /** The body to put (create, change); null otherwise. */
  body: EntryBody | null;
  diffs: FieldDiff[];
  warnings: string[];
  impact: ImpactSummary | null;
  file: string | null;
}

export interface Plan {
  prune: boolean;
  /** What the directory held (a saved plan applies only to the same files). */
  digest: string;
  items: PlanItem[];
}

/** The entries a directory's files hold, as one hash. */
export function filesDigest(files: Map<string, { body: EntryBody }>): string {
  const sorted = [...files].sort(([a], [b]) => a.localeCompare(b)).map(([id, { body }]) => [id, body]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** Anything to do: a create, change or delete. */
export const hasChanges = (plan: Plan) =>
  plan.items.some((i) => i.action === 'create' || i.action === 'change' || i.action === 'delete');

async function read<T>(client: BrokerClient, method: string, path: string, what: string, body?: unknown): Promise<T> {
  const answer = await client.call(method, path, body === undefined ? {} : { body });
  if (answer.status >= 400) throw new PlanApiError(answer.status, answer.body, what);
  return answer.body as T;
}

/** The lint's warnings and the live grants' fate for putting `body` (or, null, for deleting the entry). */
async function preview(client: BrokerClient, id: string, body: EntryBody | null) {
  const path = `v1/allowlist/${encodeURIComponent(id)}/impact`;
  const answer = await read<ImpactSummary & { warnings?: string[] }>(
    client,
    body === null ? 'GET' : 'POST',
    path,
    `preview of ${id}`,
    body ?? undefined,
  );
  const { warnings = [], ...impact } = answer;
  return { warnings, impact };
}

export async function makePlan(client: BrokerClient, dir: string, prune: boolean): Promise<Plan> {
  const files = await readEntryFiles(dir);
  const live = (await read<{ items: Record<string, unknown>[] }>(client, 'GET', 'v1/allowlist', 'the allowlist')).items;
  const byId = new Map(live.map((e) => [String(e.id), e]));
  const items: PlanItem[] = [];
  for (const [id, { file, body }] of files) {
    const stored = byId.get(id);
    const version = stored ? Number(stored.version) : null;
    const diffs = stored ? fieldDiffs(bodyOf(stored), body) : [];
    if (stored && diffs.length === 0) {
      items.push({ id, action: 'unchanged', version, body: null, diffs, warnings: [], impact: null, file });
      continue;
    }
    const { warnings, impact } = await preview(client, id, body);
    items.push({ id, action: stored ? 'change' : 'create', version, body, diffs, warnings, impact, file });
  }
  for (const [id, stored] of byId) {
    if (files.has(id)) continue;
    const version = Number(stored.version);
    const base = { id, version, body: null, diffs: [], warnings: [], file: null };
    if (!prune) items.push({ ...base, action: 'untracked', impact: null });
    else items.push({ ...base, action: 'delete', impact: (await preview(client, id, null)).impact });
  }
  items.sort((a, b) => a.id.localeCompare(b.id));
  return { prune, digest: filesDigest(files), items };
}
