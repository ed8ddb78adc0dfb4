/**
 * PolicyAnalyzer on IAM Access Analyzer: ValidatePolicy (grammar and best practice, every page) and CheckNoPublicAccess
 * (AWS::Lambda::Function) on a would-be resource policy, side by side, before an approver sees it. The broker must
 * never approve on a check that did not run, so every failure is an UnavailableError: throttling, 5xx and no answer
 * as usual (translateAwsError), and a refusal (AccessDenied, any other 4xx) too, saying that the broker cannot vet the
 * policy. An answer that is neither PASS nor FAIL counts as a failed check, not as a pass.
 *
 * ValidatePolicy gets no validatePolicyResourceType: AWS documents none for Lambda (only S3, DynamoDB and role trust
 * policies), and for other resources it runs the checks that apply to every resource policy.
 */
import {
  CheckNoPublicAccessCommand,
  paginateValidatePolicy,
  type AccessAnalyzerClient,
  type CheckNoPublicAccessResponse,
  type ValidatePolicyFinding,
} from '@aws-sdk/client-accessanalyzer';
import { UnavailableError } from '../../domain/errors';
import type { PolicyAnalyzer, PolicyFinding } from '../../domain/ports';
import { awsErrorName, httpStatusOf, isRetryableAwsError, translateAwsError } from '../aws/aws-errors';

const SERVICE = 'IAM Access Analyzer';
const VALIDATION_TYPES = new Set<string>(['ERROR', 'SECURITY_WARNING', 'WARNING', 'SUGGESTION']);

export class AccessAnalyzerPolicyAnalyzer implements PolicyAnalyzer {
  constructor(private readonly client: AccessAnalyzerClient) {}

  async findings(policyDocument: string): Promise<PolicyFinding[]> {
    try {
      const [validation, publicAccess] = await Promise.all([
        this.validate(policyDocument),
        this.checkNoPublicAccess(policyDocument),
      ]);
      return [...validation, ...publicAccess];
    } catch (error) {
      return failedCheck(error);
    }
  }

  private async validate(policyDocument: string): Promise<PolicyFinding[]> {
    const found: PolicyFinding[] = [];
    const pages = paginateValidatePolicy({ client: this.client }, { policyDocument, policyType: 'RESOURCE_POLICY' });
    for await (const page of pages) found.push(...(page.findings ?? []).map(validationFinding));
    return found;
  }

  private async checkNoPublicAccess(policyDocument: string): Promise<PolicyFinding[]> {
    const answer = await this.client.send(
      new CheckNoPublicAccessCommand({ policyDocument, resourceType: 'AWS::Lambda::Function' }),
    );
    if (answer.result === 'PASS') return [];
    if (answer.result === 'FAIL') return [publicAccessFinding(answer)];
    throw new UnavailableError(
      `${SERVICE} answered CheckNoPublicAccess without a result (${String(answer.result)}); the broker cannot vet the policy`,
    );
  }
}

/** An unknown finding type (one AWS adds later) counts as an ERROR: nothing passes unseen. */
function validationFinding(finding: ValidatePolicyFinding): PolicyFinding {
  const type = VALIDATION_TYPES.has(finding.findingType ?? '') ? finding.findingType : 'ERROR';
  return {
    type: type as PolicyFinding['type'],
    code: finding.issueCode ?? 'UNKNOWN',
    message: finding.findingDetails ?? '',
  };
}

function publicAccessFinding(answer: CheckNoPublicAccessResponse): PolicyFinding {
  const reasons = (answer.reasons ?? []).map((r) =>
    r.statementId ? `${r.description ?? ''} (statement ${r.statementId})` : (r.description ?? ''),
  );
  const message = answer.message ?? 'the policy may allow public access';
  return { type: 'PUBLIC_ACCESS', code: 'PUBLIC_ACCESS', message: [message, ...reasons].join(' — ') };
}

/** Every failed call is UnavailableError: transient ones as translateAwsError says, refusals with why. */
function failedCheck(error: unknown): never {
  const status = httpStatusOf(error);
  if (isRetryableAwsError(error) || status === undefined || status < 400 || status >= 500) {
    return translateAwsError(error, SERVICE);
  }
  const said = (error as { message?: unknown }).message;
  const why = typeof said === 'string' ? said : 'no message';
  throw new UnavailableError(
    `${SERVICE} refused the check (${awsErrorName(error) ?? `HTTP ${status}`}): ${why}; the broker cannot vet the policy`,
    { cause: error },
  );
}
