// Whose token posts to a workspace: the installation store (multi-workspace) or one configured bot token.
import { WebClient } from '@slack/web-api';
import type { Db } from '../../store/db.js';
import { TOKEN_REFUSED_REASON, type SlackBot, type SlackInstallations } from './slack-installations.repo.js';

export interface SlackBots {
  botFor(teamId: string | null): Promise<SlackBot | undefined>;
  /** Slack refused the workspace's token: stop sending there until it is fixed. */
  pause(teamId: string): Promise<void>;
}

export function installedBots(installations: SlackInstallations): SlackBots {
  return {
    botFor: (teamId) => (teamId ? installations.botFor(teamId) : Promise.resolve(undefined)),
    pause: (teamId) => installations.pause(teamId),
  };
}

/** Single-workspace mode: SLACK_BOT_TOKEN posts everywhere; a refused token pauses the workspace's subscriptions. */
export function singleTokenBots(db: Db, bot: Omit<SlackBot, 'pausedReason' | 'installerUserId'>): SlackBots {
  let pausedReason: string | null = null;
  return {
    botFor: () => Promise.resolve({ ...bot, installerUserId: undefined, pausedReason }),
    async pause(teamId) {
      pausedReason = TOKEN_REFUSED_REASON.replace('reinstall the app', 'set a valid SLACK_BOT_TOKEN');
      await db('subscriptions')
        .where({ platform: 'slack', guild_id: teamId })
        .whereNull('paused_at')
        .update({ paused_at: db.fn.now(), pause_reason: pausedReason });
    },
  };
}

/** Single-workspace mode learns its workspace from the token itself (auth.test). */
export async function openSingleTokenBots(db: Db, botToken: string, apiUrl: string): Promise<SlackBots> {
  const identity = await new WebClient(botToken, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 2 },
  }).auth.test();
  if (!identity.team_id) throw new Error('SLACK_BOT_TOKEN: auth.test returned no team');
  return singleTokenBots(db, {
    teamId: identity.team_id,
    botToken,
    botUserId: identity.user_id,
    botId: identity.bot_id,
  });
}
