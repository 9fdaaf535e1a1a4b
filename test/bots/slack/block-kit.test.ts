// Reply → Slack Block Kit and Discord markdown → mrkdwn: layout, Slack's limits, escaping and mention safety.
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/bots/core/reply.js';
import { toMrkdwn, toSlackMessage, type SlackBlock } from '../../../src/bots/slack/block-kit.js';

/** Shaped like buildMatchRecap's reply for a real pro match (team names, links, fields, footer). */
const RECAP: Reply = {
  title: 'Team Liquid victory — match 8591933650',
  url: 'https://www.opendota.com/matches/8591933650',
  text:
    '**Team Liquid** 31 – 18 **Gaimin Gladiators** · 38:12 · Captains Mode · Tournament\n' +
    '[OpenDota](https://www.opendota.com/matches/8591933650) · [Dotabuff](https://www.dotabuff.com/matches/8591933650)',
  fields: [
    {
      name: 'Team Liquid 🏆',
      value: '**Anti-Mage** · miCKe · 12/1/9\n**Rubick** · Boxi · 2/6/21',
      inline: false,
    },
    { name: 'Gaimin Gladiators', value: '**Faceless Void** · dyrachyo · 6/7/4', inline: false },
  ],
  footer: 'The International 2025 · Started 2025-09-14 09:41 UTC',
  color: 0x3b9ede,
};

function texts(blocks: readonly SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'header') return [block.text.text];
    if (block.type === 'section')
      return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((field) => field.text)];
    if (block.type === 'context')
      return block.elements.map((element) => ('text' in element ? element.text : ''));
    return [];
  });
}

describe('reply → Slack message', () => {
  it('when a recap has a title link, text, fields and footer, then each becomes its block in mrkdwn', () => {
    expect(toSlackMessage(RECAP)).toEqual({
      text: 'Team Liquid victory — match 8591933650',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '*<https://www.opendota.com/matches/8591933650|Team Liquid victory — match 8591933650>*',
          },
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              '*Team Liquid* 31 – 18 *Gaimin Gladiators* · 38:12 · Captains Mode · Tournament\n' +
              '<https://www.opendota.com/matches/8591933650|OpenDota> · <https://www.dotabuff.com/matches/8591933650|Dotabuff>',
          },
        },
        {
          type: 'section',
          fields: [
            {
              type: 'mrkdwn',
              text: '*Team Liquid 🏆*\n*Anti-Mage* · miCKe · 12/1/9\n*Rubick* · Boxi · 2/6/21',
            },
            { type: 'mrkdwn', text: '*Gaimin Gladiators*\n*Faceless Void* · dyrachyo · 6/7/4' },
          ],
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: 'The International 2025 · Started 2025-09-14 09:41 UTC' }],
        },
      ],
    });
  });

  it('when a reply has no URL, then the title is a header, and the thumbnail sits beside the text', () => {
    const { blocks } = toSlackMessage(
      { title: 'miCKe', text: 'Record 7–3', thumbnailUrl: 'https://avatars.steamstatic.com/a.jpg' },
      { imagesNote: 'Charts are posted by the app itself.' },
    );
    expect(blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'miCKe', emoji: true } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'Record 7–3' },
        accessory: { type: 'image', image_url: 'https://avatars.steamstatic.com/a.jpg', alt_text: 'miCKe' },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Charts are posted by the app itself.' }] },
    ]);
  });

  it('when there is no title, then the notification text is the first line of text without markdown', () => {
    const { text } = toSlackMessage({
      text: '\n**Radiant** won · [OpenDota](https://x.example/1) & more\nline 2',
    });
    expect(text).toBe('Radiant won · OpenDota &amp; more');
  });

  it('when the text is longer than 3,000 characters, then it is split on line boundaries, nothing lost', () => {
    const lines = Array.from(
      { length: 120 },
      (_, index) => `${String(index).padStart(3, '0')} ${'x'.repeat(50)}`,
    );
    const { blocks } = toSlackMessage({ text: lines.join('\n') });
    const sections = texts(blocks);
    expect(sections.length).toBeGreaterThan(2);
    for (const section of sections) expect(section.length).toBeLessThanOrEqual(3000);
    expect(sections.join('\n')).toBe(lines.join('\n'));
  });

  it('when one line is longer than a section, then it is cut at spaces and a code block stays closed in each part', () => {
    const words = Array.from({ length: 1500 }, (_, index) => `w${index}`).join(' ');
    const long = toSlackMessage({ text: words });
    for (const section of texts(long.blocks)) expect(section.length).toBeLessThanOrEqual(3000);
    expect(texts(long.blocks).join(' ')).toBe(words);

    const code = toSlackMessage({ text: `\`\`\`\n${'0123456789\n'.repeat(400)}\`\`\`` });
    const parts = texts(code.blocks);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(3000);
      expect(part.startsWith('```') && part.endsWith('```')).toBe(true);
    }
  });

  it('when text holds <, > and &, then they are escaped and no HTML or link survives', () => {
    const { blocks, text } = toSlackMessage({
      title: 'a <b> & c',
      text: '<script>alert("x")</script> & <https>',
    });
    expect(texts(blocks)).toEqual([
      'a <b> & c',
      '&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;https&gt;',
    ]);
    expect(text).toBe('a &lt;b&gt; &amp; c');
  });

  it('when player-supplied text holds Slack mentions, then none reaches Slack as a mention', () => {
    const hostile = '<@U024BE7LH> <!channel> <!here> <!subteam^SAZ94GDB8> <#C024BE7LR|general>';
    const message = toSlackMessage({
      title: hostile,
      url: 'https://www.opendota.com/players/1',
      text: `**${hostile}**`,
      fields: [{ name: hostile, value: hostile }],
      footer: hostile,
    });
    const json = JSON.stringify(message);
    expect(json).not.toMatch(/<[@!]/);
    expect(json).not.toContain('<#C024BE7LR|');
    expect(json).toContain('&lt;@U024BE7LH&gt;');
  });

  it('when text holds Korean names and emoji, then they come through intact, and a cut never splits an emoji', () => {
    const { blocks } = toSlackMessage({
      title: `${'가'.repeat(148)}🔔🔔`,
      text: '**빵떡이** · 🔔 새 경기 · Ｆｕｌｌｗｉｄｔｈ',
      fields: [{ name: '팀 🏆', value: '페이커 · 1/2/3' }],
    });
    const [title, text, field] = texts(blocks);
    expect(text).toBe('*빵떡이* · 🔔 새 경기 · Ｆｕｌｌｗｉｄｔｈ');
    expect(field).toBe('*팀 🏆*\n페이커 · 1/2/3');
    expect(title).toBe(`${'가'.repeat(148)}…`);
    expect(title?.length).toBeLessThanOrEqual(150);
  });

  it('when fields would exceed the block limit, then the rest are dropped behind a "…" and the footer stays', () => {
    const fields = Array.from({ length: 700 }, (_, index) => ({ name: `Field ${index}`, value: 'v' }));
    const { blocks } = toSlackMessage({ title: 'Many', text: 'Intro', fields, footer: 'Footer' });
    // 49, not 50: the command adapter appends one "asked by" context block.
    expect(blocks).toHaveLength(49);
    expect(texts(blocks.slice(-2))).toEqual(['…', 'Footer']);
    const fieldSections = blocks.filter((block) => block.type === 'section' && block.fields);
    expect(fieldSections).toHaveLength(45);
    for (const section of fieldSections)
      expect(section.type === 'section' && section.fields?.length).toBe(10);
  });

  it('when a field value is longer than Slack allows, then it is cut to 2,000 characters with an ellipsis', () => {
    const { blocks } = toSlackMessage({ fields: [{ name: 'Long', value: 'y'.repeat(5000) }] });
    const [field] = texts(blocks);
    expect(field).toHaveLength(2000);
    expect(field?.endsWith('…')).toBe(true);
  });
});

describe('Discord markdown → Slack mrkdwn', () => {
  it('when text has bold, italic and strikethrough, then each uses Slack markers', () => {
    expect(toMrkdwn('**bold** *italic* _also_ ~~gone~~ **a *b* c**')).toBe(
      '*bold* _italic_ _also_ ~gone~ *a _b_ c*',
    );
  });

  it('when a link label holds a pipe or the URL an ampersand, then the Slack link stays well formed', () => {
    expect(toMrkdwn('[A|B](https://x.example/?a=1&b=2)')).toBe('<https://x.example/?a=1&amp;b=2|A∣B>');
    expect(toMrkdwn('[Dotabuff](<https://www.dotabuff.com/matches/1>)')).toBe(
      '<https://www.dotabuff.com/matches/1|Dotabuff>',
    );
  });

  it('when text has code and quotes, then they are kept, code only escaped', () => {
    expect(toMrkdwn('> quoted **x**\n`a **b** <c>`\n```\n*y* & z\n```')).toBe(
      '> quoted *x*\n`a **b** &lt;c&gt;`\n```\n*y* &amp; z\n```',
    );
  });

  it('when a bare URL has underscores, then it is not read as italics', () => {
    expect(toMrkdwn('see https://steamcommunity.com/id/the_real_one_ now')).toBe(
      'see https://steamcommunity.com/id/the_real_one_ now',
    );
  });

  it('when a command wrote a channel link, then it stays a link, but a labelled or user mention does not', () => {
    expect(toMrkdwn('<#C0123ABCD> will get a recap of **OG**')).toBe('<#C0123ABCD> will get a recap of *OG*');
    expect(toMrkdwn('<#C0123ABCD|fake> <@U1>')).toBe('&lt;#C0123ABCD|fake&gt; &lt;@U1&gt;');
  });
});
