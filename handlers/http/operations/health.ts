/** GET /v1/health: the API answers; deliberately touches no dependency. */
import type { Operation } from '../operation';

export const health: Operation = () => Promise.resolve({ statusCode: 200, body: { status: 'ok' } });
