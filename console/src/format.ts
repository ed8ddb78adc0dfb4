/** Small presentational pieces: status badges, principals shortened for people, times. */
import { relative, shortTime } from '../../cli/output/time';
import { h } from './dom';

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge badge-${status.toLowerCase()}` }, status);
}

/** `arn:aws:iam::123456789012:role/platform-approver` → `platform-approver`; other values unchanged. */
export function shortPrincipal(arn: string): string {
  const match = /^arn:aws[\w-]*:(?:iam|sts)::\d{12}:(?:role|user|assumed-role)\/(.+)$/.exec(arn);
  return match ? (match[1] as string).split('/').slice(-2).join('/') : arn;
}

export function timeElement(iso: string | null | undefined, now = Date.now()): HTMLElement | string {
  if (!iso) return '—';
  return h(
    'time',
    { datetime: iso, title: iso },
    `${shortTime(iso)} `,
    h('span', { class: 'muted' }, `(${relative(iso, now)})`),
  );
}
