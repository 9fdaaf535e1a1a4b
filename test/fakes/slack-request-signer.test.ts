// Slack v0 request signing and the bodies Slack sends, checked against Slack's published vector and Bolt's verifier.

import { readFileSync } from 'node:fs';
import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  eventCallbackBody,
  signSlackRequest,
  slashCommandBody,
  urlVerificationBody,
} from '../../src/fakes/slack-request-signer.js';

interface SigningVector {
  signing_secret: string;
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
  'content-type': string;
  body: string;
}

const vector = JSON.parse(
  readFileSync(new URL('../fixtures/slack/boltjs_slack_signing_vector.json', import.meta.url), 'utf8'),
) as SigningVector;
const docExampleBody = readFileSync(
  new URL('../fixtures/slack/boltjs_slash_command_body_slack_doc_example.txt', import.meta.url),
  'utf8',
);

/** Bolt's own check (5-minute staleness, v0 HMAC), run at the request's own time unless told otherwise. */
function boltAccepts(
  secret: string,
  body: string,
  headers: Record<string, string>,
  nowSeconds?: number,
): boolean {
  try {
    verifySlackRequest({
      signingSecret: secret,
      body,
      headers: {
        'x-slack-signature': headers['x-slack-signature'] ?? '',
        'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
      },
      nowMilliseconds: (nowSeconds ?? Number(headers['x-slack-request-timestamp'])) * 1000,
    });
    return true;
  } catch {
    return false;
  }
}

describe('slack request signer', () => {
  it("when Slack's published vector is signed, then the signature and headers are exactly Slack's", () => {
    const headers = signSlackRequest(
      vector.signing_secret,
      vector.body,
      Number(vector['x-slack-request-timestamp']),
    );

    expect(headers).toEqual({
      'x-slack-request-timestamp': vector['x-slack-request-timestamp'],
      'x-slack-signature': vector['x-slack-signature'],
      'content-type': vector['content-type'],
    });
  });

  it("when the doc example's fields are given to slashCommandBody, then the body is Slack's byte for byte", () => {
    const body = slashCommandBody({
      token: 'xyzz0WbapA4vBCDEFasx0q6G',
      teamId: 'T1DC2JH3J',
      teamDomain: 'testteamnow',
      channelId: 'G8PSS9T3V',
      channelName: 'foobar',
      userId: 'U2CERLKJA',
      userName: 'roadrunner',
      command: '/webhook-collect',
      text: '',
      responseUrl: 'https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN',
      triggerId: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    });

    expect(body).toBe(docExampleBody);
    expect(body).toBe(vector.body);
  });

  it('when the fixture body is signed now, then Bolt verifies it, and rejects it once tampered with or stale', () => {
    const secret = 'standin-signing-secret';
    const headers = signSlackRequest(secret, docExampleBody);

    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(boltAccepts(secret, docExampleBody, { ...headers })).toBe(true);
    expect(boltAccepts(secret, docExampleBody.replace('text=', 'text=x'), { ...headers })).toBe(false);
    expect(boltAccepts('another-secret', docExampleBody, { ...headers })).toBe(false);
    const stale = signSlackRequest(secret, docExampleBody, Math.floor(Date.now() / 1000) - 6 * 60);
    expect(boltAccepts(secret, docExampleBody, { ...stale }, Math.floor(Date.now() / 1000))).toBe(false);
  });

  it('when a /dota command body is built, then it carries the app id, the response_url and text encoded as Slack does', () => {
    const body = slashCommandBody({
      teamId: 'T0DOTA0001',
      channelId: 'C0GENERAL1',
      userId: 'U0PUDGE001',
      text: 'recap 7000000001 & more',
      responseUrl: 'http://127.0.0.1:9/response/T0DOTA0001/1/abc',
      apiAppId: 'A0DOTA0001',
    });
    const fields = new URLSearchParams(body);

    expect([...fields.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(fields.get('command')).toBe('/dota');
    expect(fields.get('text')).toBe('recap 7000000001 & more');
    expect(body).toContain('command=%2Fdota&text=recap+7000000001+%26+more&api_app_id=A0DOTA0001');
    expect(fields.get('trigger_id')).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
  });

  it('when Events API bodies are built, then they are JSON envelopes signed with a JSON content type', () => {
    const event = { type: 'app_uninstalled' };
    const body = eventCallbackBody({
      teamId: 'T0DOTA0001',
      apiAppId: 'A0DOTA0001',
      event,
      botUserId: 'U0BOT00001',
    });
    const parsed = JSON.parse(body) as Record<string, unknown>;

    expect(parsed).toMatchObject({
      type: 'event_callback',
      team_id: 'T0DOTA0001',
      api_app_id: 'A0DOTA0001',
      event,
      authorizations: [{ team_id: 'T0DOTA0001', user_id: 'U0BOT00001', is_bot: true }],
    });
    expect(parsed.event_id).toMatch(/^Ev[0-9A-F]+$/);
    expect(parsed.event_time).toBeTypeOf('number');
    expect(signSlackRequest('s', body)['content-type']).toBe('application/json');
    expect(
      JSON.parse(urlVerificationBody('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P')),
    ).toMatchObject({
      type: 'url_verification',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
  });
});
