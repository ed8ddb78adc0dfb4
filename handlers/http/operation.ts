/** What an HTTP operation receives and returns; the api handler does transport, operations do one use case. */
import type { Identity } from '../../domain/rulebook/identity';
import type { App } from '../app';

export interface OperationInput {
  /** The authenticated caller; throws UnauthenticatedError when there is none. */
  caller(): Identity;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** The body exactly as received (Slack signs these bytes), or null. */
  rawBody: string | null;
  pathParameters: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
}

export interface OperationResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Operation = (input: OperationInput, app: App) => Promise<OperationResult>;
