// The Slack installation store on a real database: tokens sealed at rest, pause and reinstall, uninstall.
import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSlackInstallations,
  TOKEN_REFUSED_REASON,
  type SlackInstallations,
} from '../../../src/bots/slack/slack-installations.repo.js';
import { createTokenSeal, parseSealKey } from '../../../src/bots/slack/token-seal.js';
import { isAppError } from '../../../src/errors.js';
import { upsertSubscription } from '../../../src/store/subscriptions.repo.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.js';

const KEY = randomBytes(32);
let database: TestDatabase;
let installations: SlackInstallations;

function installation(teamId: string, token: string): Installation<'v2', false> {
  return {
    team: { id: teamId, name: `Team ${teamId}` },
    enterprise: undefined,
    user: { id: 'U0INSTALLER', token: undefined, scopes: undefined },
    bot: { token, scopes: ['chat:write'], id: 'B0BOT', userId: 'U0BOT' },
    appId: 'A0APP',
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}

async function subscribe(teamId: string, channelId: string, targetId: number) {
  await upsertSubscription(database.db, {
    platform: 'slack',
    guild_id: teamId,
    channel_id: channelId,
    target_kind: 'league',
    target_id: targetId,
    created_by: 'U0INSTALLER',
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  installations = createSlackInstallations(database.db, createTokenSeal(KEY));
});

afterAll(async () => {
  await database?.drop();
});

describe('storing an installation', () => {
  it('when a workspace installs, then its bot token is readable back but never stored in plain text', async () => {
    const token = `xoxb-${randomBytes(12).toString('hex')}`;
    await installations.storeInstallation(installation('T0SEALED', token));

    const bot = await installations.botFor('T0SEALED');
    expect(bot).toMatchObject({ teamId: 'T0SEALED', botToken: token, installerUserId: 'U0INSTALLER' });
    const rows = await database.db('slack_installations').where({ install_key: 'T0SEALED' });
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((rows[0] as { installation_sealed: Buffer }).installation_sealed.includes(token)).toBe(false);
    const fetched = await installations.fetchInstallation({
      teamId: 'T0SEALED',
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(fetched.bot?.token).toBe(token);
  });

  it('when the encryption key changes, then reading says the key changed instead of failing obscurely', async () => {
    await installations.storeInstallation(installation('T0REKEY', 'xoxb-rekey'));
    const other = createSlackInstallations(database.db, createTokenSeal(randomBytes(32)));
    const error: unknown = await other.botFor('T0REKEY').catch((caught: unknown) => caught);
    expect(isAppError(error) && error.message).toMatch(/SLACK_TOKEN_ENCRYPTION_KEY/);
  });

  it('when a sealed installation is copied onto another workspace row, then it does not open there', async () => {
    await installations.storeInstallation(installation('T0SOURCE', 'xoxb-source'));
    await installations.storeInstallation(installation('T0TARGET', 'xoxb-target'));
    const source = await database
      .db<{ install_key: string; installation_sealed: Buffer }>('slack_installations')
      .where({ install_key: 'T0SOURCE' })
      .first();
    await database
      .db('slack_installations')
      .where({ install_key: 'T0TARGET' })
      .update({ installation_sealed: source?.installation_sealed });
    await expect(installations.botFor('T0TARGET')).rejects.toThrow(/cannot be decrypted/);
  });

  it('when a workspace is not installed, then there is no bot for it', async () => {
    expect(await installations.botFor('T0NOBODY')).toBeUndefined();
  });
});

describe('pausing, reinstalling and removing', () => {
  it('when Slack refuses the token, then the workspace and its subscriptions pause until a reinstall resumes them', async () => {
    await installations.storeInstallation(installation('T0PAUSE', 'xoxb-old'));
    await subscribe('T0PAUSE', 'C0PAUSE1', 16110);
    await subscribe('T0PAUSE', 'C0PAUSE2', 5399);
    await database
      .db('subscriptions')
      .where({ channel_id: 'C0PAUSE2' })
      .update({ paused_at: database.db.fn.now(), pause_reason: 'channel deleted' });

    await installations.pause('T0PAUSE');
    expect((await installations.botFor('T0PAUSE'))?.pausedReason).toBe(TOKEN_REFUSED_REASON);
    const paused = await database.db('subscriptions').where({ guild_id: 'T0PAUSE' }).orderBy('channel_id');
    expect(paused.map((row: { pause_reason: string }) => row.pause_reason)).toEqual([
      TOKEN_REFUSED_REASON,
      'channel deleted',
    ]);

    await installations.storeInstallation(installation('T0PAUSE', 'xoxb-new'));
    const bot = await installations.botFor('T0PAUSE');
    expect(bot).toMatchObject({ botToken: 'xoxb-new', pausedReason: null });
    const resumed = await database.db('subscriptions').where({ guild_id: 'T0PAUSE' }).orderBy('channel_id');
    // Only what the token paused resumes; a channel paused for its own reason stays paused.
    expect(resumed.map((row: { pause_reason: string | null }) => row.pause_reason)).toEqual([
      null,
      'channel deleted',
    ]);
  });

  it('when a workspace uninstalls, then its installation and its subscriptions are gone and others stay', async () => {
    await installations.storeInstallation(installation('T0GONE', 'xoxb-gone'));
    await installations.storeInstallation(installation('T0STAYS', 'xoxb-stays'));
    await subscribe('T0GONE', 'C0GONE', 16110);
    await subscribe('T0STAYS', 'C0STAYS', 16110);

    await installations.deleteInstallation?.({
      teamId: 'T0GONE',
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });

    expect(await installations.botFor('T0GONE')).toBeUndefined();
    expect(await database.db('subscriptions').where({ guild_id: 'T0GONE' })).toHaveLength(0);
    expect(await installations.botFor('T0STAYS')).toBeDefined();
    expect(await database.db('subscriptions').where({ guild_id: 'T0STAYS' })).toHaveLength(1);
  });
});

describe('the encryption key setting', () => {
  it('when the key is 32 bytes in base64 or hex, then it is accepted', () => {
    expect(parseSealKey(KEY.toString('base64'))).toEqual(KEY);
    expect(parseSealKey(KEY.toString('hex'))).toEqual(KEY);
  });

  it('when the key is a short passphrase, then start-up fails naming the setting', () => {
    expect(() => parseSealKey('hunter2')).toThrow(/SLACK_TOKEN_ENCRYPTION_KEY must be 32 random bytes/);
  });
});
