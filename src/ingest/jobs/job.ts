// The shape of a job: a namespaced name, a data check (job data returns from Postgres as unknown), a handler.
import type { IngestContext } from '../ingest-context.js';
import type { Billing } from '../../billing/billing.js';
import type { Notifier } from '../../notify/notifier.js';

export interface JobContext extends IngestContext {
  enqueue: Enqueue;
  /** Set by the scheduler, aborted at shutdown: long jobs stop taking new work and leave the rest queued. */
  stopping?: AbortSignal;
  /** Present in processes that can post to chat platforms; others leave delivery jobs to those that can. */
  notifier?: Notifier;
  /** Present in processes configured with Stripe: the billing.reconcile job needs it. */
  billing?: Billing;
}

export interface JobDefinition<T> {
  /** `area.verb` names, e.g. `ingest.match-seq`. */
  name: string;
  assertData(data: unknown): T;
  /** What the job is about (`match:123`, `player:456`): names its dead letter, and a success closes it. */
  entity(data: T): string;
  run(ctx: JobContext, data: T): Promise<void>;
  /** Jobs of this name one worker runs at once. */
  concurrency?: number;
}

export type Enqueue = <T>(job: JobDefinition<T>, data: T) => Promise<void>;

// Variance escape hatch: a list of differently-typed definitions, each still type-checked where it is written.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobDefinition = JobDefinition<any>;

/** Reads a positive integer field from job data, naming the job and field when it is wrong. */
export function requirePositiveInteger(jobName: string, data: unknown, field: string): number {
  const value =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${jobName}: data.${field} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}
