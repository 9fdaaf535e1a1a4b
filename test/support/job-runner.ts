// Runs jobs in-process until the queue is empty: the same job code Agenda runs, in a deterministic order.
import type { IngestContext } from '../../src/ingest/ingest-context.js';
import type { AnyJobDefinition, JobContext } from '../../src/ingest/jobs/job.js';
import type { Notifier } from '../../src/notify/notifier.js';

export interface JobRunner {
  ctx: JobContext;
  /** Every job run, by name, in order. */
  ran: string[];
  run(job: AnyJobDefinition, data: unknown): Promise<void>;
}

/** With a `notifier`, queued notify.deliver jobs send as they would in a worker. */
export function createJobRunner(ingest: IngestContext, notifier?: Notifier): JobRunner {
  const queue: { job: AnyJobDefinition; data: unknown }[] = [];
  const ran: string[] = [];
  const ctx: JobContext = {
    ...ingest,
    ...(notifier ? { notifier } : {}),
    enqueue: (job, data) => {
      queue.push({ job, data });
      return Promise.resolve();
    },
  };
  return {
    ctx,
    ran,
    async run(job, data) {
      queue.push({ job, data });
      for (let next = queue.shift(); next; next = queue.shift()) {
        ran.push(next.job.name);
        await next.job.run(ctx, next.job.assertData(next.data));
      }
    },
  };
}
