// /dota match <id>: the recap of one match, fetched from Valve first when we have not stored it yet.
import { AppError } from '../../../errors.js';
import { ingestMatchById } from '../../../ingest/fetch-match.js';
import { findMatch } from '../../../store/matches.repo.js';
import { defineCommand } from '../command.js';
import { buildMatchRecap } from '../match-recap.js';
import { loadRecapData } from '../recap-data.js';

export const matchCommand = defineCommand({
  path: ['match'],
  description: 'Recap of one match: score, heroes, K/D/A and a net-worth chart',
  options: [
    { name: 'id', description: 'Match id, e.g. 8591933650', type: 'integer', required: true },
  ] as const,
  adminOnly: false,
  ephemeral: false,
  async run(ctx, { id }) {
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new AppError('invalid_match_id', `Invalid match id ${id}`, {
        userMessage: `${id} is not a match id.`,
      });
    }
    let stored = await findMatch(ctx.db, id);
    if (!stored) {
      await ingestMatchById(ctx.ingest, id);
      stored = await findMatch(ctx.db, id);
    }
    if (!stored) throw new AppError('match_not_found', `Match ${id} missing after ingest`);
    return buildMatchRecap(ctx.render, stored, await loadRecapData(ctx.db, stored));
  },
});
