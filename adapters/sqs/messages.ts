/** The bodies of the broker's own queue messages, validated where they are read. */
import * as z from 'zod';

export const workMessage = z.union([
  z.object({
    requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
    kind: z.enum(['now', 'timer']),
    at: z.iso.datetime(),
  }),
  z.object({
    kind: z.literal('notice'),
    requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
    expiresAt: z.iso.datetime(),
    at: z.iso.datetime(),
  }),
  z.object({
    kind: z.literal('recheck'),
    entryId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    after: z.string().max(200).nullable(),
    at: z.iso.datetime(),
  }),
]);

export const notifyMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('announce'), requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) }),
  z.object({ type: z.literal('respond'), url: z.url(), body: z.record(z.string(), z.unknown()) }),
  z.object({
    type: z.literal('notice'),
    requestId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
    expiresAt: z.iso.datetime(),
  }),
]);

export type NotifyMessage = z.infer<typeof notifyMessage>;
