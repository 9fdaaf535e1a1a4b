// Posts alerts to Discord channels for the notifier; `enforce_nonce` makes a repeated send a no-op.
import { Routes, type REST } from 'discord.js';
import type { ChatSender } from '../../notify/notifier.js';
import { classifyDiscordError } from './discord-rest.js';
import { toDiscordMessage } from './discord-message.js';

export function createDiscordSender(rest: REST): ChatSender {
  return {
    platform: 'discord',
    async send(channelId, reply, nonce) {
      const { body, files } = toDiscordMessage(reply);
      try {
        // Discord dedupes on nonce for a few minutes: a retry after a lost response returns the first message.
        const message = (await rest.post(Routes.channelMessages(channelId), {
          body: { ...body, nonce: nonce.slice(0, 25), enforce_nonce: true },
          files,
        })) as { id: string };
        return { messageId: message.id };
      } catch (error) {
        throw classifyDiscordError(error, `post to channel ${channelId}`);
      }
    },
  };
}
