// billing.announce: posts new billing notices (payment failed, premium ended) to the guilds they concern.
import type { JobDefinition } from '../ingest/jobs/job.js';
import { announceNotices } from './announce-notices.js';

export const billingAnnounceJob: JobDefinition<Record<string, never>> = {
  name: 'billing.announce',
  concurrency: 1,
  assertData: () => ({}),
  entity: () => 'billing-notices',
  async run(ctx) {
    if (!ctx.notifier) throw new Error('billing.announce runs only in processes with a chat sender');
    const posted = await announceNotices(ctx.db, ctx.notifier, ctx.log);
    if (posted > 0) ctx.log.info({ posted }, 'billing notices posted');
  },
};
