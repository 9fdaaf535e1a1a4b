// Single-workspace mode: one SLACK_BOT_TOKEN serves /dota and alerts, and a revoked token pauses the workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/bots/core/commands/index.js';
import {
  createSenderClient,
  createSlackApp,
  SLACK_EVENTS_PATH,
  SLACK_INSTALL_PATH,
} from '../../../src/bots/slack/slack-app.js';
import { openSingleTokenBots, type SlackBots } from '../../../src/bots/slack/slack-bots.js';
import { createSlackSender } from '../../../src/bots/slack/slack-sender.js';
import { signSlackRequest, slashCommandBody } from '../../../src/fakes/slack-request-signer.js';
import {
  startSlackStandin,
  type SlackStandin,
  type StandinWorkspace,
} from '../../../src/fakes/slack-standin.server.js';
import type { ValveReplay } from '../../../src/fakes/valve-replay.server.js';
import { startHttpServer, type HttpServer } from '../../../src/http/server.js';
import { createLogger } from '../../../src/log.js';
import { upsertSubscription } from '../../../src/store/subscriptions.repo.js';
import { replayIngest } from '../../support/replay-ingest.js';
import { slackCommandContext } from '../../support/slack-harness.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-db.js';

const CHANNEL = 'C0SINGLE01';
const log = createLogger('silent');

let database: TestDatabase;
let valve: ValveReplay;
let standin: SlackStandin;
let workspace: StandinWorkspace;
let bots: SlackBots;
let http: HttpServer;

beforeAll(async () => {
  database = await createTestDatabase();
  const replay = await replayIngest(database.db);
  valve = replay.valve;
  standin = await startSlackStandin();
  workspace = standin.addWorkspace({ teamId: 'T0SINGLE01', channels: [{ id: CHANNEL, name: 'dota' }] });
  bots = await openSingleTokenBots(database.db, workspace.botToken, standin.apiUrl, log);
  const ctx = slackCommandContext(replay.ingest);
  const app = await createSlackApp({
    signingSecret: standin.signingSecret,
    apiUrl: standin.apiUrl,
    auth: { mode: 'single', botToken: workspace.botToken },
    bots,
    commands: COMMANDS,
    ctx,
    log,
    retries: 0,
  });
  http = await startHttpServer(app.routes, 0, log);
});

afterAll(async () => {
  await http?.close();
  await standin?.close();
  await valve?.close();
  await database?.drop();
});

describe('one workspace with SLACK_BOT_TOKEN', () => {
  it('when the app starts, then it learns its workspace from the token, and there is no install page', async () => {
    expect((await bots.botFor(null))?.teamId).toBe(workspace.teamId);
    const install = await fetch(`http://127.0.0.1:${http.port}${SLACK_INSTALL_PATH}`);
    expect(install.status).toBe(404);
  });

  it('when someone runs /dota match, then the configured token posts the recap with its charts', async () => {
    const body = slashCommandBody({
      teamId: workspace.teamId,
      channelId: CHANNEL,
      userId: 'U0SOMEONE1',
      text: 'match 8591933650',
      responseUrl: standin.responseUrl(),
    });
    const answer = await fetch(`http://127.0.0.1:${http.port}${SLACK_EVENTS_PATH}`, {
      method: 'POST',
      headers: { ...signSlackRequest(standin.signingSecret, body) },
      body,
    });
    expect(answer.status).toBe(200);
    const [recap] = await standin.waitForPosts(1, 15_000);
    expect(recap?.via).toBe('files.completeUploadExternal');
    expect(recap?.files.every((file) => file.pngSignatureOk)).toBe(true);
  });

  it('when Slack revokes the token, then the alert fails for good and the workspace subscriptions pause', async () => {
    await upsertSubscription(database.db, {
      platform: 'slack',
      guild_id: workspace.teamId,
      channel_id: CHANNEL,
      target_kind: 'league',
      target_id: 16110,
      created_by: 'U0SOMEONE1',
    });
    standin.revokeToken(workspace.botToken);
    const sender = createSlackSender({ client: createSenderClient(standin.apiUrl, log), bots, log });
    const destination = {
      channelId: CHANNEL,
      guildId: workspace.teamId,
      nonce: 'ddd-1',
    };
    await expect(sender.send(destination, { text: 'an alert' })).rejects.toMatchObject({
      kind: 'permanent',
      code: 'slack_token_refused',
    });
    const subscription = await database
      .db<{ channel_id: string; pause_reason: string | null }>('subscriptions')
      .where({ channel_id: CHANNEL })
      .first();
    expect(subscription?.pause_reason).toContain('SLACK_BOT_TOKEN');
  });
});
