/**
 * Discover statements the broker does not manage (docs/adoption.md, Discover), admins only.
 * Input: a page size (in policies read), a token from the previous page, a time budget for AWS calls.
 * Output: the statements whose Sid lacks the broker's prefix in the policies the broker looks after (policy-targets),
 * each judged as adopt will judge it: its safety-floor violations and the entry that permits it. `nextToken` resumes
 * after the last policy read, so every answer stays within the API's time limit: a page reads at most `limit`
 * policies, and one that meets its deadline (a busy control-plane budget) ends early with the token where it stopped.
 * Nothing is changed.
 * Failures: NotAdminError; ValidationError (nextToken); UnavailableError when not even one policy could be read.
 */
import { AccountUnreachableError, UnavailableError, type FieldIssue } from '../errors';
import { policyTargets, targetKey } from '../grants/policy-targets';
import type {
  AllowlistStore,
  CallDeadlines,
  Clock,
  FunctionDirectory,
  RequestStore,
  ResourcePolicyGateway,
} from '../ports';
import { assessStatement } from '../rules/foreign-statement';
import { decodeListToken, encodeListToken } from '../rules/list-cursor';
import type { PolicyOwner } from '../rules/statement-reading';
import type { Identity } from '../rulebook/identity';
import type { BrokerSettings } from '../settings';
import type { RequireAdmin } from './require-admin';

export interface DiscoveredStatement {
  functionArn: string;
  qualifier: string | null;
  statementId: string;
  statement: Record<string, unknown>;
  floorViolations: FieldIssue[];
  permittedBy: string | null;
}

export interface DiscoverPage {
  items: DiscoveredStatement[];
  nextToken: string | null;
  accountsUnreachable: string[];
}

export interface DiscoverCommand {
  caller: Identity;
  /** Policies to read at most. */
  limit: number;
  nextToken: string | null;
  /** How long AWS calls may go on: one that cannot start within it ends the page early. */
  budgetMs: number;
}

export interface DiscoverDeps {
  store: RequestStore;
  allowlist: AllowlistStore;
  functions: FunctionDirectory;
  policies: ResourcePolicyGateway;
  deadlines: CallDeadlines;
  clock: Clock;
  settings: BrokerSettings;
  requireAdmin: RequireAdmin;
}

/** A page position: `<unqualified function ARN>|<qualifier or nothing>`. */
const TARGET_POSITION = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}\|[A-Za-z0-9_-]{0,128}$/;

/**
 * Whose statement it is: Lambda keeps one policy per qualifier, so the statement's Resource names it. (moto keeps one
 * policy for all qualifiers: reading the Resource lists each statement under the qualifier it really grants.)
 */
function ownerOf(statement: Record<string, unknown>, read: PolicyOwner): PolicyOwner {
  const resource = statement.Resource;
  if (typeof resource !== 'string' || !resource.startsWith(`${read.functionArn}:`)) return read;
  return { functionArn: read.functionArn, qualifier: resource.slice(read.functionArn.length + 1) };
}

export function makeDiscover(deps: DiscoverDeps) {
  const { store, allowlist, functions, policies, deadlines, clock, settings, requireAdmin } = deps;

  return async function discover(command: DiscoverCommand): Promise<DiscoverPage> {
    await requireAdmin(command.caller, 'discover unmanaged statements');
    const deadline = new Date(clock.now().getTime() + command.budgetMs);
    const after = command.nextToken === null ? null : decodeListToken(command.nextToken, TARGET_POSITION);
    const entries = await allowlist.list();
    const { targets, accountsUnreachable } = await deadlines.within(deadline, () =>
      policyTargets({ store, functions, settings }, entries),
    );
    const remaining = targets.filter((t) => after === null || targetKey(t) > after);
    const page = remaining.slice(0, command.limit);

    const items: DiscoveredStatement[] = [];
    const seen = new Set<string>();
    let read = 0;
    for (const target of page) {
      let statements: Record<string, unknown>[];
      try {
        statements = (await deadlines.within(deadline, () => policies.read(target)))?.statements ?? [];
      } catch (error) {
        if (error instanceof AccountUnreachableError) {
          // Only that account's policies are out of reach: say so, and go on with the others.
          if (!accountsUnreachable.includes(error.accountId)) accountsUnreachable.push(error.accountId);
          read++;
          continue;
        }
        // Out of time (or budget) after some progress: answer what was read; the token resumes here.
        if (error instanceof UnavailableError && read > 0) break;
        throw error;
      }
      read++;
      for (const statement of statements) {
        const sid = statement.Sid;
        if (typeof sid !== 'string' || sid.startsWith(settings.sidPrefix)) continue;
        const owner = ownerOf(statement, { functionArn: target.functionName, qualifier: target.qualifier });
        const key = `${owner.functionArn}|${owner.qualifier ?? ''}|${sid}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const { floorViolations, permittedBy } = assessStatement(statement, owner, entries, settings);
        items.push({ ...owner, statementId: sid, statement, floorViolations, permittedBy });
      }
    }
    const more = read < page.length || remaining.length > page.length;
    const last = page[read - 1];
    return {
      items,
      nextToken: more && last ? encodeListToken(targetKey(last)) : null,
      accountsUnreachable,
    };
  };
}

export type Discover = ReturnType<typeof makeDiscover>;
