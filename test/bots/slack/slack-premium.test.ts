// /dota premium from Slack: a workspace admin gets a Checkout link bound to the workspace; a member is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import type { SlackPost } from '../../../src/fakes/slack-standin.server.js';
import { startStripeStandin, type StripeStandin } from '../../../src/fakes/stripe-standin.server.js';
import { standinBilling } from '../../support/billing-harness.js';
import { startSlackHarness, type SlackHarness } from '../../support/slack-harness.js';

const TEAM = 'T0PREMIUM1';
const CHANNEL = 'C0PREMIUM1';
const ADMIN = 'U0ADMIN777';
const MEMBER = 'U0MEMBER77';

let harness: SlackHarness;
let stripe: StripeStandin;

beforeAll(async () => {
  harness = await startSlackHarness();
  stripe = await startStripeStandin();
  harness.ctx.billing = standinBilling(stripe, harness.ctx.settings, systemClock);
  harness.standin.addWorkspace({
    teamId: TEAM,
    channels: [{ id: CHANNEL, name: 'general' }],
    users: [{ id: ADMIN, isAdmin: true }, { id: MEMBER }],
    installerUserId: ADMIN,
    installed: false,
  });
  expect((await harness.install(TEAM, ADMIN)).status).toBe(200);
});

afterAll(async () => {
  await stripe?.close();
  await harness?.close();
});

async function answerTo(userId: string, text: string): Promise<SlackPost> {
  const before = harness.standin.posts.length;
  await harness.command({ teamId: TEAM, channelId: CHANNEL, userId, text });
  const mine = (post: SlackPost) =>
    harness.standin.posts.indexOf(post) >= before && post.via === 'response_url' && post.userId === userId;
  for (;;) {
    const found = harness.standin.posts.find(mine);
    if (found) return found;
    await harness.standin.waitForPosts(harness.standin.posts.length + 1, 15_000);
  }
}

const shownText = (post: SlackPost) => JSON.stringify(post.blocks ?? post.text);

describe('/dota premium in Slack', () => {
  it('when a workspace admin runs it, then only they see a Checkout link bound to this workspace', async () => {
    const answer = await answerTo(ADMIN, 'premium');

    expect(answer.responseType).toBe('ephemeral');
    expect(shownText(answer)).toMatch(
      /<http:\/\/127\.0\.0\.1:\d+\/checkout\/cs_test_\w+\|Subscribe with Stripe Checkout>/,
    );
    expect(shownText(answer)).toContain('for the whole workspace');
    const created = stripe.requests.findLast((request) => request.path === '/v1/checkout/sessions');
    expect(created?.params).toMatchObject({
      client_reference_id: `slack-${TEAM}`,
      subscription_data: { metadata: { platform: 'slack', guild_id: TEAM } },
    });
  });

  it('when a member who is not an admin runs it, then it is refused and no Checkout is opened', async () => {
    const sessions = stripe.requests.length;

    const answer = await answerTo(MEMBER, 'premium');

    expect(shownText(answer)).toContain('admin');
    expect(stripe.requests.length).toBe(sessions);
  });

  it('when the action is misspelt, then the answer says what to type', async () => {
    const answer = await answerTo(ADMIN, 'premium mange');

    expect(shownText(answer)).toContain('`/dota premium manage`');
  });
});
