// Runs the whole service at trace level with known secrets through start-up, an install, failures and forged
// requests, and checks that no secret reaches any log line.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService } from '../../src/bin/service.js';
import { startDiscordStandin, type DiscordStandin } from '../../src/fakes/discord-standin.server.js';
import { installThroughBrowser } from '../../src/fakes/slack-install-browser.js';
import { startSlackStandin, type SlackStandin } from '../../src/fakes/slack-standin.server.js';
import { startStripeStandin, type StripeStandin } from '../../src/fakes/stripe-standin.server.js';
import { startValveReplay, type ValveReplay } from '../../src/fakes/valve-replay.server.js';
import { heroesJob } from '../../src/ingest/jobs/heroes.job.js';
import { listen } from '../../src/http/listen.js';
import { createLogger } from '../../src/log.js';
import { serviceConfig, serviceEnv, slackStripeEnv } from '../support/service-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { createServer } from 'node:http';

/** Every line pino writes, and a wait for the first line matching a pattern. */
function captureLines() {
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(line);
        for (const waiter of waiters.filter((candidate) => candidate.pattern.test(line))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      done();
    },
  });
  const waitFor = (pattern: RegExp) =>
    lines.some((line) => pattern.test(line))
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ pattern, resolve }));
  return { lines, stream, waitFor };
}

describe('log redaction', () => {
  let test: TestDatabase;
  let valve: ValveReplay;
  let discord: DiscordStandin;
  let slack: SlackStandin;
  let stripe: StripeStandin;

  beforeAll(async () => {
    test = await createTestDatabase();
    [valve, discord, slack, stripe] = await Promise.all([
      startValveReplay(),
      startDiscordStandin(),
      startSlackStandin(),
      startStripeStandin(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([valve.close(), discord.close(), slack.close(), stripe.close()]);
    await test.drop();
  });

  it('when the service starts, installs a workspace, fails Steam calls and refuses forged requests at trace level, then no secret appears in any log line', async () => {
    // Steam answers nothing: a port that refuses connections, so the failures carry undici's errors.
    const refusing = createServer();
    const refusingPort = await listen(refusing, 0, '127.0.0.1');
    await new Promise((resolve) => refusing.close(resolve));
    const workspace = slack.addWorkspace({
      teamId: 'T0REDACT01',
      teamName: 'Redaction',
      channels: [{ id: 'C0REDACT01', name: 'general' }],
      users: [{ id: 'U0REDACT01', name: 'admin', isAdmin: true }],
      installerUserId: 'U0REDACT01',
      installed: false,
    });
    const platforms = slackStripeEnv(slack, stripe);
    const secrets = { STEAM_API_KEYS: randomBytes(16).toString('hex').toUpperCase(), ...platforms.secrets };
    const env = serviceEnv(test.url, valve, discord, {
      ...platforms.env,
      STEAM_API_KEYS: secrets.STEAM_API_KEYS,
      STEAM_API_BASE_URL: `http://127.0.0.1:${refusingPort}/`,
      LOG_LEVEL: 'trace',
    });
    const capture = captureLines();
    const log = createLogger('trace', capture.stream);
    const service = await startService(serviceConfig(env, 'all'), log);
    const base = `http://127.0.0.1:${service.http.port}`;
    slack.setRedirectUrl(`${base}/slack/oauth_redirect`);
    try {
      expect((await installThroughBrowser(base, slack, workspace.teamId, 'U0REDACT01')).status).toBe(200);
      await service.runtime.scheduler.enqueue(heroesJob, {});
      await capture.waitFor(/job failed: will retry/);
      const forged = [
        fetch(`${base}/stripe/webhook`, {
          method: 'POST',
          headers: { 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
          body: '{"id":"evt_forged","type":"customer.subscription.updated"}',
        }),
        fetch(`${base}/slack/events`, {
          method: 'POST',
          headers: {
            'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
            'x-slack-signature': `v0=${'0'.repeat(64)}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'command=%2Fdota&text=help',
        }),
        fetch(`${base}/discord/interactions`, { method: 'POST', body: '{"type":1}' }),
      ];
      expect((await Promise.all(forged)).map((response) => response.status)).toEqual([400, 401, 401]);
    } finally {
      await service.stop(0);
    }

    const secretValues = [...Object.values(secrets), discord.botToken, workspace.botToken, test.url];
    const leaks = capture.lines.filter((line) => secretValues.some((secret) => line.includes(secret)));
    expect(capture.lines.length).toBeGreaterThan(20);
    expect(capture.lines.some((line) => line.includes('steam_unreachable'))).toBe(true);
    expect(leaks).toEqual([]);
  });
});
