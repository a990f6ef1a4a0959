/**
 * The messages between the functions host and an instance process (Node IPC, JSON). The host
 * validates what an instance sends: a function may print or exit anything, the host must not
 * believe a malformed reply.
 */
import { z } from 'zod';

/**
 * Host → instance: run one event. `eventJson` is the event as text, as the platform hands it to a
 * runtime (an object nested however deep reaches the function: serialising it here would overflow
 * the stack first). `env` is the invocation's caller context, as SCF sets it.
 */
export interface InvokeMessage {
  type: 'invoke';
  id: number;
  eventJson: string;
  context: Record<string, unknown>;
  env: Record<string, string>;
  /** How far the local cloud's clock runs ahead of real time (tests move time). */
  clockOffsetMs: number;
}

/** Instance → host. */
export const instanceMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), loadMs: z.number() }).strict(),
  z.object({ type: z.literal('loadFailed'), error: z.string() }).strict(),
  // `resultJson` absent: the function returned undefined.
  z.object({ type: z.literal('done'), id: z.number(), resultJson: z.string().optional() }).strict(),
  // `fatal`: the instance is ending (it crashed) and takes no more events.
  z.object({ type: z.literal('failed'), id: z.number(), error: z.string(), fatal: z.boolean().optional() }).strict(),
]);
/** A message an instance sends. */
export type InstanceMessage = z.infer<typeof instanceMessage>;
