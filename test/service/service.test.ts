// `ddd start` roles as an operator runs them: health, readiness, metrics, and a shutdown that loses nothing.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/bin/service.js';
import type { ServiceRole } from '../../src/config.js';
import { startDiscordStandin, type DiscordStandin } from '../../src/fakes/discord-standin.server.js';
import { createInteractionSigner } from '../../src/fakes/interaction-signer.js';
import { slashInteraction } from '../../src/fakes/slash-interaction.js';
import { startValveReplay, type ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { createLogger } from '../../src/log.js';
import { notifyDeliverJob } from '../../src/notify/deliver.job.js';
import {
  alertChannel,
  deliveryStatuses,
  PRO_MATCH,
  queueFanOut,
  serviceConfig,
  serviceEnv,
} from '../support/service-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

const log = createLogger('silent');

describe('the service', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let discord: DiscordStandin | undefined;
  const running: Service[] = [];

  beforeAll(async () => {
    valve = await startValveReplay();
  });
  // A database each: a worker stopped with no deadline leaves its jobs locked, as a crash would.
  beforeEach(async () => {
    test = await createTestDatabase();
  });
  afterEach(async () => {
    for (const service of running.splice(0)) await service.stop(0);
    await discord?.close();
    discord = undefined;
    await test.drop();
  });
  afterAll(async () => {
    await valve.close();
  });

  /** Starts a service; the first in a test also starts the Discord stand-in, with `discordLimit` messages/s. */
  async function start(
    role: ServiceRole,
    discordLimit?: number,
    env: Record<string, string> = {},
  ): Promise<Service> {
    discord ??= await startDiscordStandin(discordLimit ? { globalLimit: discordLimit } : {});
    const config = serviceConfig(serviceEnv(test.url, valve, discord, env), role);
    const service = await startService(config, log, { role });
    running.push(service);
    return service;
  }

  const standin = (): DiscordStandin => {
    if (!discord) throw new Error('start a service first');
    return discord;
  };
  const get = (service: Service, path: string) => fetch(`http://127.0.0.1:${service.http.port}${path}`);

  it('when a worker is up, then /healthz and /readyz answer 200 naming each check, and it serves no Discord endpoint', async () => {
    const worker = await start('worker');

    expect((await get(worker, '/healthz')).status).toBe(200);
    const ready = await get(worker, '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      checks: { accepting_work: true, database: true, scheduler: true, fonts: true },
    });
    expect((await get(worker, '/discord/interactions')).status).toBe(404);
  });

  it('when the web role is up, then it answers Discord interactions and takes no jobs', async () => {
    const web = await start('web');

    const ready = await get(web, '/readyz');
    expect(await ready.json()).toMatchObject({ ready: true, checks: { database: true } });
    expect(web.runtime.scheduler.isRunning()).toBe(false);
    // Unsigned: refused by the signature check, which proves the route is there.
    const interaction = await fetch(`http://127.0.0.1:${web.http.port}/discord/interactions`, {
      method: 'POST',
      body: '{}',
    });
    expect(interaction.status).toBe(401);
  });

  it('when a worker has run a job, then /metrics reports the Steam calls, the job run and the queue from the database', async () => {
    const worker = await start('worker');
    await worker.runtime.scheduler.enqueue(notifyDeliverJob, {});
    await worker.runtime.scheduler.whenIdle(20_000);
    await queueFanOut(test.db, worker.runtime.ingest, []);

    const response = await get(worker, '/metrics');
    const text = await response.text();

    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(
      /ddd_steam_requests_total\{endpoint="GetMatchHistoryBySequenceNum",key_id="[^"]+",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/ddd_job_runs_total\{job="notify.deliver",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/ddd_job_duration_seconds_count\{job="notify.deliver"\} [1-9]/);
    expect(text).toMatch(/ddd_job_queue_depth\{job="ingest\.[^"]+",state="scheduled"\} [1-9]/);
    expect(text).toMatch(/ddd_stubs_pending\{kind="players"\} \d+/);
    expect(text).not.toContain('test-key');
  });

  it('when a worker is stopped mid-fan-out, then every alert is sent or left pending, none half-sent, and the next worker sends the rest exactly once', async () => {
    const channels = Array.from({ length: 40 }, (_, i) => alertChannel(i));
    // 10 messages a second: the fan-out takes about 4 s, so the stop lands in the middle of it.
    const first = await start('worker', 10);
    const discord = standin();
    await queueFanOut(test.db, first.runtime.ingest, channels);
    await first.runtime.scheduler.enqueue(notifyDeliverJob, {});
    await discord.waitForMessages(5, 20_000);

    await first.stop(20_000);
    running.splice(running.indexOf(first), 1);

    const afterStop = await deliveryStatuses(test.db);
    const posted = discord.messages.filter((message) => message.via === 'channel');
    expect(afterStop.sending).toBeUndefined();
    expect(afterStop.sent).toBe(posted.length);
    expect(afterStop.pending).toBe(channels.length - posted.length);
    expect(afterStop.pending).toBeGreaterThan(0);

    const second = await start('worker', 10);
    await second.runtime.scheduler.enqueue(notifyDeliverJob, {});
    await discord.waitForMessages(channels.length, 20_000);
    await second.runtime.scheduler.whenIdle(20_000);

    expect(await deliveryStatuses(test.db)).toEqual({ sent: channels.length });
    const perChannel = discord.messages
      .filter((message) => message.via === 'channel')
      .map((message) => message.channelId)
      .sort();
    expect(perChannel).toEqual([...channels].sort());
  });

  it('when the web role is stopped while a deferred command is still being answered, then the answer is edited in before it exits', async () => {
    const signer = createInteractionSigner();
    const web = await start('web', undefined, { DISCORD_PUBLIC_KEY: signer.publicKeyHex });
    const discord = standin();
    // A match we do not store yet: answering it means asking Valve, slowed down here to outlast the stop call.
    valve.setFaults('GetMatchHistory', { latencyMs: 1_500 });
    const interaction = slashInteraction({
      applicationId: discord.applicationId,
      guildId: '1200000000000000000',
      channelId: alertChannel(0),
      userId: '1200000000000000009',
      username: 'admin',
      permissions: '0',
      path: ['match'],
      options: [{ name: 'id', type: 4, value: PRO_MATCH }],
    });
    discord.registerInteraction(interaction);
    const body = JSON.stringify(interaction);
    const answer = await fetch(`http://127.0.0.1:${web.http.port}/discord/interactions`, {
      method: 'POST',
      headers: signer.headers(body),
      body,
    });
    discord.recordInteractionResponse(interaction.id, await answer.json());

    await web.stop(20_000);
    running.splice(running.indexOf(web), 1);
    valve.setFaults('GetMatchHistory', {});

    expect(answer.status).toBe(200);
    const edits = discord.messages.filter((message) => message.via === 'webhook-edit');
    expect(edits.map((edit) => edit.interactionToken)).toEqual([interaction.token]);
  });
});
