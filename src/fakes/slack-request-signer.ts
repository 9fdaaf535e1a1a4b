// Builds and signs the requests Slack sends to our app (slash commands, Events API), for the demo and tests.
import { createHmac, randomBytes } from 'node:crypto';

/** The headers Slack puts on every request it sends to an app. */
export interface SlackSignedHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
  'content-type': string;
}

/**
 * Signs `body` the way Slack does (v0: HMAC-SHA256 of `v0:${ts}:${body}` with the signing secret, hex).
 * The content type follows the body: Events API bodies are JSON, slash commands and interactivity are
 * `application/x-www-form-urlencoded` — exactly that string, with no charset, as Slack sends it.
 */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SlackSignedHeaders {
  const timestamp = String(timestampSeconds);
  const hex = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': `v0=${hex}`,
    'content-type': body.trimStart().startsWith('{')
      ? 'application/json'
      : 'application/x-www-form-urlencoded',
  };
}

export interface SlashCommandSpec {
  teamId: string;
  teamDomain?: string;
  channelId: string;
  channelName?: string;
  userId: string;
  userName?: string;
  text: string;
  responseUrl: string;
  triggerId?: string;
  /** When given, `api_app_id` and `is_enterprise_install=false` are sent, as Slack does for current apps. */
  apiAppId?: string;
  /** Defaults to `/dota`. */
  command?: string;
  /** The deprecated verification token Slack still sends first; defaults to a fixed stand-in value. */
  token?: string;
}

/** A stand-in verification token: Slack still sends one, signed requests make it meaningless. */
const STANDIN_VERIFICATION_TOKEN = 'standinVerificationTkn0';

function randomDigits(length: number): string {
  return Array.from(randomBytes(length), (byte) => String(byte % 10)).join('');
}

/**
 * The form body of a slash command, fields in the order Slack sends them. URLSearchParams serializes the way Slack
 * does (spaces as `+`, `/` and `:` percent-encoded), which the doc example in test/fixtures/slack pins down.
 */
export function slashCommandBody(spec: SlashCommandSpec): string {
  const form = new URLSearchParams();
  form.append('token', spec.token ?? STANDIN_VERIFICATION_TOKEN);
  form.append('team_id', spec.teamId);
  form.append('team_domain', spec.teamDomain ?? spec.teamId.toLowerCase());
  form.append('channel_id', spec.channelId);
  form.append('channel_name', spec.channelName ?? 'general');
  form.append('user_id', spec.userId);
  form.append('user_name', spec.userName ?? spec.userId.toLowerCase());
  form.append('command', spec.command ?? '/dota');
  form.append('text', spec.text);
  if (spec.apiAppId !== undefined) {
    form.append('api_app_id', spec.apiAppId);
    form.append('is_enterprise_install', 'false');
  }
  form.append('response_url', spec.responseUrl);
  form.append(
    'trigger_id',
    spec.triggerId ?? `${randomDigits(12)}.${randomDigits(11)}.${randomBytes(16).toString('hex')}`,
  );
  return form.toString();
}

export interface EventCallbackSpec {
  teamId: string;
  apiAppId: string;
  event: Record<string, unknown>;
  /** The app's bot user in that team; when given, `authorizations` is sent as Slack does. */
  botUserId?: string;
  eventId?: string;
  eventTimeSeconds?: number;
}

/** An Events API `event_callback` envelope as JSON. */
export function eventCallbackBody(spec: EventCallbackSpec): string {
  return JSON.stringify({
    token: STANDIN_VERIFICATION_TOKEN,
    team_id: spec.teamId,
    api_app_id: spec.apiAppId,
    event: spec.event,
    type: 'event_callback',
    event_id: spec.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: spec.eventTimeSeconds ?? Math.floor(Date.now() / 1000),
    ...(spec.botUserId === undefined
      ? {}
      : {
          authorizations: [
            {
              enterprise_id: null,
              team_id: spec.teamId,
              user_id: spec.botUserId,
              is_bot: true,
              is_enterprise_install: false,
            },
          ],
        }),
    is_ext_shared_channel: false,
  });
}

/** The `url_verification` handshake Slack sends when an Events API Request URL is saved. */
export function urlVerificationBody(challenge: string): string {
  return JSON.stringify({ token: STANDIN_VERIFICATION_TOKEN, challenge, type: 'url_verification' });
}
