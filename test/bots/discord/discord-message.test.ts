import { describe, expect, it } from 'vitest';
import { toDiscordMessage } from '../../../src/bots/discord/discord-message.js';

const png = (name: string) => ({
  filename: `${name}.png`,
  png: Buffer.from(name),
  description: `${name} chart`,
});

describe('reply → Discord message', () => {
  it('when a reply has several charts, then each gets an attachment and an embed that shows it', () => {
    const { body, files } = toDiscordMessage({
      title: 'Radiant victory',
      color: 0x3b9ede,
      image: png('scoreboard'),
      moreImages: [png('teams'), png('advantage')],
    });
    expect(files.map((file) => file.name)).toEqual(['scoreboard.png', 'teams.png', 'advantage.png']);
    expect(body.attachments.map((attachment) => attachment.id)).toEqual([0, 1, 2]);
    expect(body.embeds.map((embed) => embed.image?.url)).toEqual([
      'attachment://scoreboard.png',
      'attachment://teams.png',
      'attachment://advantage.png',
    ]);
    expect(body.embeds[0]?.title).toBe('Radiant victory');
  });

  it('when text exceeds Discord embed limits, then it is cut with an ellipsis instead of being rejected', () => {
    const { body } = toDiscordMessage({ title: 'x'.repeat(300), text: 'y'.repeat(5000) });
    expect(body.embeds[0]?.title).toHaveLength(256);
    expect(body.embeds[0]?.description).toHaveLength(4096);
    expect(body.embeds[0]?.description?.endsWith('…')).toBe(true);
  });
});
