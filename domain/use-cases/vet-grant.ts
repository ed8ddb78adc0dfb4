/**
 * The grant in its place, before anyone approves it (docs/policy-preview.md): the function's policy as it will be
 * (sizes, overlaps), proof that the source exists in the account the ask names, and IAM Access Analyzer's findings
 * on the would-be policy. What must refuse the ask refuses it (400 naming the field); what an approver should know
 * becomes a warning, stored with the request and shown wherever it is decided.
 */
import { DomainError, UnavailableError, ValidationError } from '../errors';
import { DEFAULT_SOURCE_PROOF, type AllowlistEntry, type SourceProofMode } from '../model/allowlist-entry';
import type { PolicyPreview } from '../model/policy-preview';
import type { GrantRequest } from '../model/request';
import type {
  CallDeadlines,
  Clock,
  PolicyAnalyzer,
  PolicyFinding,
  ResourcePolicy,
  ResourcePolicyGateway,
  SourceDirectory,
  SourceLookup,
} from '../ports';
import { previewPolicy } from '../rules/policy-preview';
import { sourceToProve, type SourceToProve } from '../rules/source-to-prove';

export interface VetGrantDeps {
  policies: Pick<ResourcePolicyGateway, 'read'>;
  sources: SourceDirectory;
  /** Null where there is no Access Analyzer (BROKER_ACCESS_ANALYZER=off, the local runner). */
  analyzer: PolicyAnalyzer | null;
  deadlines: CallDeadlines;
  clock: Clock;
}

export interface Vetting {
  /** Null when the policy could not be read (a warning says so). */
  policyPreview: PolicyPreview | null;
  /** Each starts with the field it is about. */
  warnings: string[];
}

/** What refuses an ask; the other findings are warnings. */
const BLOCKING: ReadonlySet<PolicyFinding['type']> = new Set(['ERROR', 'SECURITY_WARNING', 'PUBLIC_ACCESS']);
/**
 * How long the policy read may wait for the account's GetPolicy budget: an answer is due long before API Gateway's
 * 29 s, and a preview is not worth holding an ask up for.
 */
export const PREVIEW_READ_WAIT_MS = 3_000;

export function makeVetGrant(deps: VetGrantDeps) {
  const { policies, sources, analyzer, deadlines, clock } = deps;
  const readPolicy = (r: GrantRequest) =>
    deadlines.within(new Date(clock.now().getTime() + PREVIEW_READ_WAIT_MS), () =>
      policies.read({ functionName: r.functionArn, qualifier: r.qualifier }),
    );

  /** The source as found; a source that cannot be read now is unreadable for `warn`, a 503 for `require`. */
  async function lookUp(source: SourceToProve, mode: SourceProofMode): Promise<SourceLookup> {
    if (source.account === null) return { state: 'unreadable', reason: 'no account names its owner' };
    try {
      return await sources.lookup({ arn: source.arn, account: source.account });
    } catch (error) {
      if (mode === 'require' || !(error instanceof UnavailableError)) throw error;
      return { state: 'unreadable', reason: error.message };
    }
  }

  /** Warnings about the source; throws when the entry requires proof and there is none. */
  async function proveSource(request: GrantRequest, mode: SourceProofMode): Promise<string[]> {
    const source = sourceToProve(request);
    if (mode === 'off' || source === null) return [];
    const found = await lookUp(source, mode);
    if (found.state === 'exists') return [];
    const message = `${found.state === 'missing' ? 'not found' : 'could not be read'}: ${found.reason}`;
    if (mode === 'require') throw ValidationError.field(source.field, `${message} (the entry requires source proof)`);
    return [`${source.field}: ${message}`];
  }

  /** Access Analyzer's warnings on the would-be policy; throws on a blocking finding. */
  async function analyze(request: GrantRequest, policy: ResourcePolicy | null): Promise<string[]> {
    if (analyzer === null || request.kind !== 'invoke') return [];
    const statements = [...(policy?.statements ?? []), request.statement];
    const findings = await analyzer.findings(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
    const described = (f: PolicyFinding) => `${f.type} ${f.code}: ${f.message}`;
    const blocking = findings.filter((f) => BLOCKING.has(f.type));
    if (blocking.length > 0) {
      throw new ValidationError(
        'IAM Access Analyzer refuses the policy this grant would make',
        blocking.map((f) => ({ path: 'statement', message: described(f) })),
      );
    }
    return findings.map((f) => `statement: ${described(f)}`);
  }

  /**
   * The policy now, or why it could not be read. Nothing Lambda answers about the read holds up an ask for a preview
   * alone; but Access Analyzer cannot check a policy nobody read, so with it on the ask waits (503).
   */
  async function policyNow(request: GrantRequest): Promise<ResourcePolicy | null | { unread: string }> {
    try {
      return await readPolicy(request);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (analyzer !== null && request.kind === 'invoke') {
        throw new UnavailableError(`the function's policy could not be read to check it: ${error.message}`, {
          cause: error,
        });
      }
      return { unread: error.message };
    }
  }

  async function preview(request: GrantRequest): Promise<PolicyPreview> {
    return previewPolicy(await readPolicy(request), request.statement, request.kind, clock.now());
  }

  async function vetGrant(request: GrantRequest, entry: AllowlistEntry): Promise<Vetting> {
    const [policy, sourceWarnings] = await Promise.all([
      policyNow(request),
      proveSource(request, entry.sourceProof ?? DEFAULT_SOURCE_PROOF),
    ]);
    if (policy !== null && 'unread' in policy) {
      return {
        policyPreview: null,
        warnings: [...sourceWarnings, `policyPreview: the function's policy could not be read (${policy.unread})`],
      };
    }
    const analyzerWarnings = await analyze(request, policy);
    return {
      policyPreview: previewPolicy(policy, request.statement, request.kind, clock.now()),
      warnings: [...sourceWarnings, ...analyzerWarnings],
    };
  }

  return { vetGrant, preview };
}

export type VetGrant = ReturnType<typeof makeVetGrant>;
