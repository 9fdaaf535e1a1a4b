// billing.reconcile: re-reads Stripe periodically so a missed webhook or an expired grace period still applies.
import type { JobDefinition } from '../ingest/jobs/job.js';
import { reconcileBilling } from './reconcile.js';

export const billingReconcileJob: JobDefinition<Record<string, never>> = {
  name: 'billing.reconcile',
  concurrency: 1,
  assertData: () => ({}),
  entity: () => 'billing',
  async run(ctx) {
    if (!ctx.billing) throw new Error('billing.reconcile runs only in processes configured with Stripe');
    const totals = await reconcileBilling(ctx.billing, ctx.db);
    ctx.log.info(totals, 'billing reconciled');
  },
};
