/** Who the console acts as, from its own server (`/console/session`). */
export interface ConsoleSession {
  identity: string | null;
  signing: 'header' | 'sigv4';
  profile: string | null;
  broker: string;
  version: string;
  /** False when the console signs with AWS credentials and this browser has not opened the one-time link. */
  ready: boolean;
}

export async function loadSession(): Promise<ConsoleSession> {
  const response = await fetch('/console/session', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the console server answered ${response.status}`);
  return (await response.json()) as ConsoleSession;
}
