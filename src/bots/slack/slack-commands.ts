// Handles `/dota …` from Slack: parse the text into a core command, ack at once, then respond with Block Kit.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { isAppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AnyCommand } from '../core/command.js';
import type { CommandContext, Invocation } from '../core/command-context.js';
import type { Reply } from '../core/reply.js';
import { runCommand } from '../core/run-command.js';
import { toMrkdwn, toSlackMessage } from './block-kit.js';
import { parseCommandText } from './command-text.js';
import type { SlackBots } from './slack-bots.js';
import { slackErrorCode } from './slack-errors.js';

export interface SlackCommandDeps {
  commands: readonly AnyCommand[];
  ctx: CommandContext;
  bots: SlackBots;
  log: Logger;
}

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const NEEDS_ADMIN = (command: AnyCommand) =>
  `/dota ${command.path.join(' ')} needs a workspace admin or owner, or the person who installed the app.`;
const CHARTS_NEED_THE_APP =
  'Charts are posted by the app itself: /invite @DataDrivenDota to this channel to see them.';
const CHARTS_IN_PUBLIC_ONLY = 'Charts come with public replies only.';
const GENERIC_FAILURE = 'Something went wrong on our side. Please try again shortly.';

/** Workspace admins and owners may change alerts, and so may whoever installed the app. */
async function canManageWorkspace({ client, command }: CommandArgs, bots: SlackBots): Promise<boolean> {
  const bot = await bots.botFor(command.team_id);
  if (bot?.installerUserId === command.user_id) return true;
  const { user } = await client.users.info({ user: command.user_id });
  return Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
}

export function slackCommandHandler(deps: SlackCommandDeps) {
  return async (args: CommandArgs): Promise<void> => {
    const { command, ack, respond, client } = args;
    const parsed = parseCommandText(deps.commands, command.text);
    if (!parsed.ok) {
      // Nothing to look up: the correction is the acknowledgement itself.
      await ack({ response_type: 'ephemeral', text: parsed.message });
      return;
    }
    await ack();
    const started = performance.now();
    const path = parsed.command.path.join(' ');
    try {
      const invocation: Invocation = {
        platform: 'slack',
        userId: command.user_id,
        guildId: command.team_id,
        channelId: command.channel_id,
        canManageGuild: parsed.command.adminOnly ? await canManageWorkspace(args, deps.bots) : false,
      };
      if (parsed.command.adminOnly && !invocation.canManageGuild) {
        await respond({ response_type: 'ephemeral', text: NEEDS_ADMIN(parsed.command) });
        return;
      }
      let reply: Reply;
      try {
        reply = await runCommand(parsed.command, deps.ctx, parsed.args, invocation);
      } catch (error) {
        if (!isAppError(error) || error.kind !== 'permanent')
          deps.log.error({ err: error, command: path }, 'slack command failed');
        await respond({
          response_type: 'ephemeral',
          // User messages are written in Discord markdown; Slack needs its own, escaped.
          text: toMrkdwn(isAppError(error) ? error.userMessage : GENERIC_FAILURE),
        });
        return;
      }
      await deliver(args, reply, parsed.command.ephemeral || reply.ephemeral === true);
      deps.log.info({ command: path, ms: Math.round(performance.now() - started) }, 'slack command answered');
    } catch (error) {
      // users.info or the upload failed: the caller still hears something, once.
      deps.log.error({ err: error, command: path }, 'slack command failed');
      await respond({ response_type: 'ephemeral', text: toMrkdwn(GENERIC_FAILURE) }).catch(
        (respondError: unknown) =>
          deps.log.warn({ err: respondError }, 'could not tell the caller about the failure'),
      );
    }

    async function deliver({ command: slash }: CommandArgs, reply: Reply, ephemeral: boolean) {
      const images = [reply.image, ...(reply.moreImages ?? [])].flatMap((image) => (image ? [image] : []));
      if (images.length > 0 && !ephemeral) {
        const { blocks } = toSlackMessage(reply);
        // Slack echoes a slash command only above a response_url reply; a bot post says who asked instead.
        blocks.push({
          type: 'context',
          // The command's path only: echoing the typed text could carry a mention that pings someone.
          elements: [{ type: 'mrkdwn', text: `<@${slash.user_id}> asked for \`/dota ${path}\`` }],
        });
        try {
          // One message with the blocks and the charts; response_url cannot carry files.
          await client.filesUploadV2({
            channel_id: slash.channel_id,
            blocks,
            file_uploads: images.map((image) => ({
              file: image.png,
              filename: image.filename,
              title: image.description,
              alt_text: image.description,
            })),
          });
          return;
        } catch (error) {
          // A DM, or a channel the app is not in: the answer still arrives, without charts.
          const code = slackErrorCode(error);
          if (code !== 'not_in_channel' && code !== 'channel_not_found') throw error;
        }
      }
      const imagesNote = ephemeral ? CHARTS_IN_PUBLIC_ONLY : CHARTS_NEED_THE_APP;
      const { text, blocks } = toSlackMessage(reply, images.length > 0 ? { imagesNote } : {});
      await respond({ response_type: ephemeral ? 'ephemeral' : 'in_channel', text, blocks });
    }
  };
}
