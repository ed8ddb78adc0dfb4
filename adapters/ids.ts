/** Random request ids: UUID v4, unguessable, and valid inside a Lambda statement id. */
import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '../domain/ports';

export const randomIds: IdGenerator = { requestId: () => randomUUID() };
