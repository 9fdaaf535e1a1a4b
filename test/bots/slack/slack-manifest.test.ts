// The shipped Slack app manifest asks for what the code uses: the same scopes, events and paths.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SLACK_BOT_SCOPES,
  SLACK_EVENTS_PATH,
  SLACK_REDIRECT_PATH,
} from '../../../src/bots/slack/slack-app.js';

interface Manifest {
  features: { slash_commands: { command: string; url: string; should_escape: boolean }[] };
  oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] } };
}

const manifest = JSON.parse(
  readFileSync(new URL('../../../slack-app-manifest.json', import.meta.url), 'utf8'),
) as Manifest;
const pathOf = (url: string) => new URL(url).pathname;

describe('slack-app-manifest.json', () => {
  it('when an operator pastes it, then the app gets exactly the bot scopes the code installs with', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...SLACK_BOT_SCOPES].sort());
  });

  it('when Slack calls the app, then /dota, events and the OAuth redirect reach the paths we serve', () => {
    const [dota] = manifest.features.slash_commands;
    expect(dota?.command).toBe('/dota');
    // Escaped text turns #channel into <#C…|name>, which the channel options parse.
    expect(dota?.should_escape).toBe(true);
    expect(pathOf(dota?.url ?? '')).toBe(SLACK_EVENTS_PATH);
    expect(pathOf(manifest.settings.event_subscriptions.request_url)).toBe(SLACK_EVENTS_PATH);
    expect(manifest.oauth_config.redirect_urls.map(pathOf)).toEqual([SLACK_REDIRECT_PATH]);
  });

  it('when a workspace uninstalls or revokes the token, then Slack tells the app', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
    );
  });
});
