// What storing new matches sets in motion: alert delivery, and parsed timelines where OpenDota is enabled.
import { notifyDeliverJob } from '../notify/deliver.job.js';
import type { JobContext } from './jobs/job.js';
import { opendotaParseJob } from './jobs/opendota-parse.job.js';
import type { StoredPage } from './store-page.js';

/** Only matches someone is alerted about get an OpenDota lookup: its free tier allows 60 calls a minute. */
export async function afterStoring(
  ctx: JobContext,
  stored: Pick<StoredPage, 'newMatchIds' | 'newDeliveries'>,
): Promise<void> {
  if (stored.newDeliveries === 0) return;
  await ctx.enqueue(notifyDeliverJob, {});
  if (!ctx.openDota) return;
  for (const match_id of stored.newMatchIds) await ctx.enqueue(opendotaParseJob, { match_id });
}
