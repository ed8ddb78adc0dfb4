/**
 * When a requester is told that its grant is about to end (docs/slack.md, A requester's day in Slack):
 * BROKER_EXPIRY_NOTICE_SECONDS before `expiresAt`, once per grant and end time. A grant shorter than that is told as
 * soon as it is active; an extension moves the end, and the new end gets its own notice.
 */
import type { GrantRequest } from '../model/request';

/** When the notice of a grant ending at `expiresAt` is due. */
export function noticeAt(expiresAt: string, noticeSeconds: number): Date {
  return new Date(Date.parse(expiresAt) - noticeSeconds * 1000);
}

/** Whether the notice of `r`'s current end is due now and was not sent yet (`noticeFor`: the end last told). */
export function isNoticeDue(
  r: Pick<GrantRequest, 'status' | 'expiresAt'>,
  noticeFor: string | null,
  now: Date,
  noticeSeconds: number,
): boolean {
  if (r.status !== 'ACTIVE' || r.expiresAt === null || noticeFor === r.expiresAt) return false;
  return now.getTime() >= noticeAt(r.expiresAt, noticeSeconds).getTime() && now.getTime() < Date.parse(r.expiresAt);
}
