// Plays an admin's browser through the Slack install: our /slack/install → Slack's consent page → our OAuth redirect.
import type { SlackStandin } from './slack-standin.server.js';

/** Follows the three redirects by hand, carrying the state cookie as a browser would; the final answer is ours. */
export async function installThroughBrowser(
  appBaseUrl: string,
  standin: SlackStandin,
  teamId: string,
  userId?: string,
): Promise<Response> {
  standin.approveNextInstall(teamId, userId);
  const start = await fetch(`${appBaseUrl}/slack/install`, { redirect: 'manual' });
  const cookie = start.headers.get('set-cookie')?.split(';')[0] ?? '';
  const consent = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
  return fetch(consent.headers.get('location') ?? '', { redirect: 'manual', headers: { cookie } });
}
