// Whose token posts to a workspace: the installation store (multi-workspace) or one configured bot token.
import { WebClient } from '@slack/web-api';
import type { Logger } from '../../log.js';
import type { Db } from '../../store/db.js';
import { boltLogger } from './bolt-logger.js';
import { TOKEN_REFUSED_REASON, type SlackBot, type SlackInstallations } from './slack-installations.repo.js';

export interface SlackBots {
  botFor(teamId: string | null): Promise<SlackBot | undefined>;
  /** Slack no longer takes the workspace's token: stop sending there until it is fixed. Returns the reason shown. */
  pause(teamId: string): Promise<string>;
}

export function installedBots(installations: SlackInstallations): SlackBots {
  return {
    botFor: (teamId) => (teamId ? installations.botFor(teamId) : Promise.resolve(undefined)),
    async pause(teamId) {
      await installations.pause(teamId);
      return TOKEN_REFUSED_REASON;
    },
  };
}

/** Subscriptions paused because SLACK_BOT_TOKEN was refused; a start with a working token resumes exactly these. */
export const BOT_TOKEN_REFUSED_REASON =
  'Slack refused SLACK_BOT_TOKEN for this workspace: the operator must set a valid token to resume alerts.';

/** Single-workspace mode: SLACK_BOT_TOKEN posts to its own workspace; a refused token pauses that workspace. */
export function singleTokenBots(db: Db, bot: Omit<SlackBot, 'pausedReason' | 'installerUserId'>): SlackBots {
  let pausedReason: string | null = null;
  return {
    botFor: (teamId) =>
      Promise.resolve(
        teamId === null || teamId === bot.teamId
          ? { ...bot, installerUserId: undefined, pausedReason }
          : undefined,
      ),
    async pause(teamId) {
      // Another workspace (an uninstall event from a second install of the same app) cannot pause this one.
      if (teamId !== bot.teamId) return BOT_TOKEN_REFUSED_REASON;
      pausedReason = BOT_TOKEN_REFUSED_REASON;
      await db('subscriptions')
        .where({ platform: 'slack', guild_id: teamId })
        .whereNull('paused_at')
        .update({ paused_at: db.fn.now(), pause_reason: pausedReason });
      return pausedReason;
    },
  };
}

/**
 * Single-workspace mode learns its workspace from the token itself (auth.test). A token that works again
 * (the operator fixed SLACK_BOT_TOKEN) resumes what a refused one paused.
 */
export async function openSingleTokenBots(
  db: Db,
  botToken: string,
  apiUrl: string,
  log: Logger,
): Promise<SlackBots> {
  const client = new WebClient(botToken, {
    slackApiUrl: apiUrl,
    logger: boltLogger(log),
    retryConfig: { retries: 2 },
  });
  const identity = await client.auth.test();
  if (!identity.team_id) throw new Error('SLACK_BOT_TOKEN: auth.test returned no team');
  await db('subscriptions')
    .where({ platform: 'slack', guild_id: identity.team_id, pause_reason: BOT_TOKEN_REFUSED_REASON })
    .update({ paused_at: null, pause_reason: null });
  return singleTokenBots(db, {
    teamId: identity.team_id,
    botToken,
    botUserId: identity.user_id,
    botId: identity.bot_id,
  });
}
