/**
 * Judges a statement the broker did not write (docs/adoption.md, Adopt), the same way for discover and for adopt: read
 * it back into an ask, run the safety floor on that ask, and find the allowlist entry that permits such a grant (on the
 * grant alone: a standing statement has no requester and no duration yet). A statement that cannot be read has its
 * reading issues as floor violations: it cannot be adopted either.
 */
import { ValidationError, type FieldIssue } from '../errors';
import type { AllowlistEntry } from '../model/allowlist-entry';
import type { BrokerSettings } from '../settings';
import { newAsk } from '../rulebook/ask';
import { chooseEntry } from '../rulebook/choose-entry';
import { checkSafetyFloor, sourceOwnerOf, type CheckedGrant, type FloorAsk } from './safety-floor';
import { readStatement, type PolicyOwner, type StatementAsk } from './statement-reading';

export interface StatementAssessment {
  /** The grant the statement makes, when the broker can read it. */
  ask: StatementAsk | null;
  floorViolations: FieldIssue[];
  /** What the safety floor made of the ask, when it passed. */
  checked: CheckedGrant | null;
  /** The id of the first entry that permits the grant, or null. */
  permittedBy: string | null;
}

export function assessStatement(
  statement: Record<string, unknown>,
  owner: PolicyOwner,
  entries: readonly AllowlistEntry[],
  settings: Pick<BrokerSettings, 'accountId' | 'region'>,
): StatementAssessment {
  const reading = readStatement(statement, owner);
  if (!reading.ask) return { ask: null, floorViolations: reading.issues, checked: null, permittedBy: null };
  const ask = reading.ask;
  const floorAsk: FloorAsk = {
    functionName: owner.functionArn,
    ...(owner.qualifier ? { qualifier: owner.qualifier } : {}),
    ...ask,
  };
  let floorViolations: FieldIssue[] = [];
  let checked: CheckedGrant | null = null;
  try {
    checked = checkSafetyFloor(floorAsk, settings);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    floorViolations = error.details;
  }
  // The grant alone, whoever asks and for however long: the requester is the admin who adopts it.
  const choice = chooseEntry(
    entries,
    newAsk(
      {
        functionArn: owner.functionArn,
        kind: 'invoke',
        principal: ask.principal,
        sourceArn: ask.sourceArn ?? null,
        eventSourceArn: null,
        principalOrgId: ask.principalOrgId ?? null,
        sourceOwner: sourceOwnerOf(floorAsk),
      },
      0,
    ),
    null,
  );
  return { ask, floorViolations, checked, permittedBy: choice.permitted ? choice.entry.id : null };
}
