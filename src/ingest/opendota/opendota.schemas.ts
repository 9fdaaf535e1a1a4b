// zod schema for the part of OpenDota's /matches/{id} body we use: ids and per-minute timelines, snake_case as sent.
import { z } from 'zod';

/** A per-minute series (index = minute). OpenDota omits it, or sends null, for a match it has not parsed. */
const perMinute = z.array(z.number().int()).nullish();

export const openDotaPlayerSchema = z.object({
  player_slot: z.number().int().min(0).max(255),
  gold_t: perMinute,
  xp_t: perMinute,
});

/** Unknown keys are dropped: a parsed body is ~300 KB of teamfights, chat and logs we do not keep. */
export const openDotaMatchSchema = z.object({
  match_id: z.number().int().positive(),
  radiant_gold_adv: perMinute,
  radiant_xp_adv: perMinute,
  players: z.array(openDotaPlayerSchema),
});
export type OpenDotaMatch = z.infer<typeof openDotaMatchSchema>;
