// Slack stand-in: OAuth v2 install — the authorize redirect with a single-use code, and oauth.v2.access.
import { randomBytes } from 'node:crypto';
import type { MethodSpec, PublicCall, StandinCore } from './core.js';
import { SlackApiError, basicCredentials, stringArg } from './wire.js';

/** Slack's authorization codes expire after ten minutes. */
const CODE_LIFETIME_MS = 10 * 60_000;

interface IssuedCode {
  teamId: string;
  userId: string;
  /** The redirect_uri of the authorize visit, which oauth.v2.access must repeat exactly. */
  redirectUri: string | undefined;
  scope: string;
  userScope: string | undefined;
  expiresAt: number;
  used: boolean;
}

export interface AuthorizeReply {
  status: number;
  location?: string;
  text: string;
}

export class OAuthFlow {
  private readonly codes = new Map<string, IssuedCode>();
  private approval: { teamId: string; userId: string } | undefined;

  constructor(
    private readonly core: StandinCore,
    /** The Redirect URL configured for the app, used when an authorize visit names none. */
    /** The redirect URL in the app's settings: where Slack sends the user when authorize names none. */
    public configuredRedirectUrl: string | undefined,
  ) {}

  approveNextInstall(teamId: string, userId?: string): void {
    const team = this.core.world.team(teamId);
    this.approval = { teamId, userId: userId ?? team.workspace.installerUserId };
  }

  /** GET /oauth/v2/authorize: the user (approveNextInstall) clicks Allow at once; Slack redirects with a code. */
  authorize(query: URLSearchParams): AuthorizeReply {
    if (query.get('client_id') !== this.core.clientId)
      return { status: 400, text: 'Invalid client_id parameter' };
    const scope = query.get('scope') ?? '';
    const userScope = query.get('user_scope') ?? undefined;
    if (scope === '' && !userScope) return { status: 400, text: 'Invalid permissions requested' };
    const requestedRedirect = query.get('redirect_uri') ?? undefined;
    if (
      requestedRedirect !== undefined &&
      this.configuredRedirectUrl !== undefined &&
      !requestedRedirect.startsWith(this.configuredRedirectUrl)
    ) {
      return { status: 400, text: 'redirect_uri did not match any configured URIs' };
    }
    const redirect = requestedRedirect ?? this.configuredRedirectUrl;
    if (redirect === undefined) return { status: 400, text: 'No redirect_uri given and none configured' };
    const approval = this.approval;
    if (!approval)
      return { status: 400, text: 'Nobody is waiting to approve this install (approveNextInstall)' };
    this.approval = undefined;

    const code = `${Date.now()}.${randomBytes(6).readUIntBE(0, 6)}.${randomBytes(32).toString('hex')}`;
    this.codes.set(code, {
      teamId: approval.teamId,
      userId: approval.userId,
      redirectUri: requestedRedirect,
      scope,
      userScope,
      expiresAt: this.core.now() + CODE_LIFETIME_MS,
      used: false,
    });
    const target = new URL(redirect);
    target.searchParams.set('code', code);
    const state = query.get('state');
    if (state !== null) target.searchParams.set('state', state);
    return { status: 302, location: target.toString(), text: '' };
  }

  methods(): Record<string, MethodSpec> {
    return { 'oauth.v2.access': { auth: 'none', json: false, handle: (call) => this.access(call) } };
  }

  /**
   * oauth.v2.access: client credentials as HTTP Basic or as client_id/client_secret form fields (what
   * @slack/oauth 4 sends), then a single-use code and the authorize visit's redirect_uri.
   */
  private access({ args, headers }: PublicCall) {
    const basic = basicCredentials(headers);
    const clientId = basic?.id ?? stringArg(args, 'client_id');
    const clientSecret = basic?.secret ?? stringArg(args, 'client_secret');
    if (clientId !== this.core.clientId) throw new SlackApiError('invalid_client_id');
    if (clientSecret !== this.core.clientSecret) throw new SlackApiError('bad_client_secret');
    const code = stringArg(args, 'code');
    const issued = code === undefined ? undefined : this.codes.get(code);
    if (!issued || issued.used || this.core.now() > issued.expiresAt) throw new SlackApiError('invalid_code');
    // A code is spent by its first exchange attempt, successful or not.
    issued.used = true;
    const redirectUri = stringArg(args, 'redirect_uri');
    const expected = issued.redirectUri ?? this.configuredRedirectUrl;
    if (
      (issued.redirectUri !== undefined && redirectUri !== issued.redirectUri) ||
      (issued.redirectUri === undefined && redirectUri !== undefined && redirectUri !== expected)
    ) {
      throw new SlackApiError('bad_redirect_uri');
    }
    const workspace = this.core.world.install(issued.teamId);
    return {
      app_id: this.core.appId,
      authed_user: {
        id: issued.userId,
        ...(issued.userScope
          ? {
              scope: issued.userScope,
              access_token: `xoxp-${randomBytes(16).toString('hex')}`,
              token_type: 'user',
            }
          : {}),
      },
      scope: issued.scope,
      token_type: 'bot',
      access_token: workspace.botToken,
      bot_user_id: workspace.botUserId,
      team: { id: workspace.teamId, name: workspace.teamName },
      enterprise: null,
      is_enterprise_install: false,
    };
  }
}
