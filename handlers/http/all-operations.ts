/** Every operation of every API function, keyed by the function that serves it (routes.json's `function`). */
import { operations as admin } from './admin';
import { operations as allowlist } from './allowlist';
import { operations as decisions } from './decisions';
import { operations as health } from './health';
import { operations as requests } from './requests';
import { operations as slack } from './slack';

export const OPERATIONS_BY_FUNCTION = { health, allowlist, requests, decisions, admin, slack } as const;
