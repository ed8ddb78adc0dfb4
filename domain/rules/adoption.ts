/** What a request's history says about an adoption (docs/adoption.md, Adopt): the foreign statement it takes over. */
import type { GrantRequest } from '../model/request';

/** The Sid of the statement the broker did not write that this request replaces; null when it adopts nothing. */
export function adoptedStatementId(r: GrantRequest): string | null {
  const sid = r.history.find((e) => e.event === 'ADOPTED')?.detail.statementId;
  return typeof sid === 'string' ? sid : null;
}

/** The statement the adoption replaces, exactly as the policy held it when it was adopted; null when none. */
export function adoptedStatement(r: GrantRequest): Record<string, unknown> | null {
  const statement = r.history.find((e) => e.event === 'ADOPTED')?.detail.statement;
  return typeof statement === 'object' && statement !== null ? (statement as Record<string, unknown>) : null;
}
