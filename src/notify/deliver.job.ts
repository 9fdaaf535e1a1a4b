// notify.deliver: send pending deliveries; enqueued after new alerts and run every minute as a sweep.
import type { JobDefinition } from '../ingest/jobs/job.js';

export const notifyDeliverJob: JobDefinition<Record<string, never>> = {
  name: 'notify.deliver',
  concurrency: 1,
  assertData: () => ({}),
  entity: () => 'pending-deliveries',
  async run(ctx) {
    if (!ctx.notifier) throw new Error('notify.deliver runs only in processes with a chat sender');
    const totals = await ctx.notifier.deliverPending(ctx.stopping);
    if (totals.sent + totals.failed + totals.retried + totals.skipped > 0)
      ctx.log.info(totals, 'deliveries processed');
  },
};
