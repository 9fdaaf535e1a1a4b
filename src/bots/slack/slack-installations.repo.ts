// Slack installations in Postgres: Bolt's InstallationStore, the bot credentials per workspace, pause and removal.
import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Db } from '../../store/db.js';
import type { TokenSeal } from './token-seal.js';

/** What posting to a workspace needs. */
export interface SlackBot {
  teamId: string;
  botToken: string;
  botUserId: string | undefined;
  botId: string | undefined;
  installerUserId: string | undefined;
  /** Set after Slack refused the token (`invalid_auth`): nothing is sent until the workspace reinstalls. */
  pausedReason: string | null;
}

export interface SlackInstallations extends InstallationStore {
  /** The bot of a workspace, or undefined when the app is not installed there. */
  botFor(teamId: string): Promise<SlackBot | undefined>;
  /** Stops sending to a workspace whose token Slack refuses, and pauses its subscriptions until a reinstall. */
  pause(teamId: string): Promise<void>;
  /** Uninstalled or revoked: forgets the installation and the workspace's subscriptions. Returns how many. */
  remove(teamId: string): Promise<{ installations: number; subscriptions: number }>;
}

interface InstallationRow {
  install_key: string;
  installation_sealed: Buffer;
  pause_reason: string | null;
}

const keyOf = (enterpriseId: string | undefined, teamId: string | undefined, orgWide: boolean): string =>
  orgWide && enterpriseId ? `E:${enterpriseId}` : (teamId ?? `E:${enterpriseId ?? ''}`);

/**
 * Subscriptions paused because the workspace's installation stopped working (token refused, uninstalled, sealed
 * with another key) carry this reason, so a reinstall resumes exactly those.
 */
export const TOKEN_REFUSED_REASON =
  'Slack no longer accepts this app in this workspace (token refused or app removed): reinstall the app to resume alerts.';

export function createSlackInstallations(db: Db, seal: TokenSeal): SlackInstallations {
  async function read(
    installKey: string,
  ): Promise<{ installation: Installation; row: InstallationRow } | undefined> {
    const row = await db<InstallationRow>('slack_installations')
      .select('install_key', 'installation_sealed', 'pause_reason')
      .where({ install_key: installKey })
      .first();
    if (!row) return undefined;
    const installation = JSON.parse(seal.open(row.installation_sealed, row.install_key)) as Installation;
    return { installation, row };
  }

  async function fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const key = keyOf(query.enterpriseId, query.teamId, query.isEnterpriseInstall);
    const found =
      (await read(key)) ?? (query.enterpriseId ? await read(`E:${query.enterpriseId}`) : undefined);
    if (!found) throw new Error(`no Slack installation for ${key}`);
    return found.installation;
  }

  return {
    async storeInstallation(installation) {
      const orgWide = installation.isEnterpriseInstall === true;
      const key = keyOf(installation.enterprise?.id, installation.team?.id, orgWide);
      const row = {
        install_key: key,
        team_id: installation.team?.id ?? null,
        enterprise_id: installation.enterprise?.id ?? null,
        team_name: installation.team?.name ?? installation.enterprise?.name ?? null,
        bot_user_id: installation.bot?.userId ?? null,
        bot_id: installation.bot?.id ?? null,
        installer_user_id: installation.user.id,
        installation_sealed: seal.seal(JSON.stringify(installation), key),
        installed_at: db.fn.now(),
        paused_at: null,
        pause_reason: null,
      };
      await db.transaction(async (trx) => {
        await trx('slack_installations').insert(row).onConflict('install_key').merge();
        // A fresh token ends a pause the old one caused.
        await trx('subscriptions')
          .where({ platform: 'slack', guild_id: key, pause_reason: TOKEN_REFUSED_REASON })
          .update({ paused_at: null, pause_reason: null });
      });
    },
    fetchInstallation,
    async deleteInstallation(query) {
      await this.remove(keyOf(query.enterpriseId, query.teamId, query.isEnterpriseInstall));
    },
    async botFor(teamId) {
      const found = await read(teamId);
      const bot = found?.installation.bot;
      if (!found || !bot) return undefined;
      return {
        teamId,
        botToken: bot.token,
        botUserId: bot.userId,
        botId: bot.id,
        installerUserId: found.installation.user.id,
        pausedReason: found.row.pause_reason,
      };
    },
    async pause(teamId) {
      await db.transaction(async (trx) => {
        await trx('slack_installations')
          .where({ install_key: teamId })
          .update({ paused_at: trx.fn.now(), pause_reason: TOKEN_REFUSED_REASON });
        await trx('subscriptions')
          .where({ platform: 'slack', guild_id: teamId })
          .whereNull('paused_at')
          .update({ paused_at: trx.fn.now(), pause_reason: TOKEN_REFUSED_REASON });
      });
    },
    async remove(teamId) {
      return db.transaction(async (trx) => ({
        installations: await trx('slack_installations').where({ install_key: teamId }).delete(),
        subscriptions: await trx('subscriptions').where({ platform: 'slack', guild_id: teamId }).delete(),
      }));
    },
  };
}
