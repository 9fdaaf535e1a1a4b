// Slack's free-text `/dota …` read against the real command registry: commands, options, and corrections.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/bots/core/commands/index.js';
import { matchCommand } from '../../../src/bots/core/commands/match.command.js';
import { parseCommandText, usageOf } from '../../../src/bots/slack/command-text.js';

function parsed(text: string) {
  const result = parseCommandText(COMMANDS, text);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.message}`);
  return { path: result.command.path.join(' '), args: result.args };
}

function refused(text: string): string {
  const result = parseCommandText(COMMANDS, text);
  if (result.ok)
    throw new Error(`expected "${text}" to be refused, got /dota ${result.command.path.join(' ')}`);
  return result.message;
}

describe('Slack command text → command and arguments', () => {
  it('when a match id is given, then /dota match gets it as a number', () => {
    expect(parsed('match 8591933650')).toEqual({ path: 'match', args: { id: 8591933650 } });
    expect(parsed('  MATCH   8591933650 ')).toEqual({ path: 'match', args: { id: 8591933650 } });
  });

  it('when a two-word command is typed, then the two-word path wins over its first word', () => {
    expect(parsed('subscribe league 16110')).toEqual({ path: 'subscribe league', args: { league: '16110' } });
  });

  it('when a team name has spaces, then the last string option takes the rest of the text', () => {
    expect(parsed('subscribe team Team Liquid')).toEqual({
      path: 'subscribe team',
      args: { team: 'Team Liquid' },
    });
  });

  it('when a hero name has spaces, quoted or not, then it is one value', () => {
    expect(parsed('hero anti mage')).toEqual({ path: 'hero', args: { name: 'anti mage' } });
    expect(parsed('hero "Queen of Pain"')).toEqual({ path: 'hero', args: { name: 'Queen of Pain' } });
  });

  it('when compare gets two players, then each fills its own option in declaration order', () => {
    expect(parsed('compare 1 2')).toEqual({ path: 'compare', args: { player: '1', other: '2' } });
    expect(parsed('compare "Some Body" 177062248')).toEqual({
      path: 'compare',
      args: { player: 'Some Body', other: '177062248' },
    });
  });

  it('when the text is empty or help, then the help command answers', () => {
    for (const text of ['', '   ', 'help', 'HELP', 'help subscribe']) {
      expect(parsed(text)).toEqual({ path: 'help', args: {} });
    }
  });

  it('when a channel is picked after a team name, then the channel option gets its id and the name the rest', () => {
    expect(parsed('subscribe team Team Liquid <#C0123ABCD|dota-alerts>')).toEqual({
      path: 'subscribe team',
      args: { team: 'Team Liquid', channel: 'C0123ABCD' },
    });
    expect(parsed('unsubscribe league 16110 <#C0123ABCD>')).toEqual({
      path: 'unsubscribe league',
      args: { league: '16110', channel: 'C0123ABCD' },
    });
    expect(parsed('subscribe league "The International" C123ABC')).toEqual({
      path: 'subscribe league',
      args: { league: 'The International', channel: 'C123ABC' },
    });
  });

  it('when an option is named, then it is filled directly, so an optional one before it can be skipped', () => {
    expect(parsed('recent count:5')).toEqual({ path: 'recent', args: { count: 5 } });
    expect(parsed('recent dendi 5')).toEqual({ path: 'recent', args: { player: 'dendi', count: 5 } });
    // Declaration order first: a lone number is the player, never the count after it.
    expect(parsed('recent 177062248')).toEqual({ path: 'recent', args: { player: '177062248' } });
    expect(parsed('subscribe league 16110 channel:<#C0123ABCD|x>')).toEqual({
      path: 'subscribe league',
      args: { league: '16110', channel: 'C0123ABCD' },
    });
  });

  it("when Slack escaped the text, then options get what the user typed: &amp; decoded, a link's label", () => {
    expect(parsed('subscribe team Tundra &amp; Co')).toEqual({
      path: 'subscribe team',
      args: { team: 'Tundra & Co' },
    });
    expect(parsed('player <https://steamcommunity.com/id/fredeernice/>')).toEqual({
      path: 'player',
      args: { player: 'https://steamcommunity.com/id/fredeernice/' },
    });
    expect(parsed('link <http://steamcommunity.com/id/x|steamcommunity.com/id/x>')).toEqual({
      path: 'link',
      args: { player: 'steamcommunity.com/id/x' },
    });
  });
});

describe('Slack command text → corrections', () => {
  it('when the command word has a typo, then the message suggests the right command and help', () => {
    const message = refused('mach 1');
    expect(message).toContain('“/dota mach” is not a command');
    expect(message).toContain('• /dota match &lt;id&gt; — Recap of one match');
    expect(message).not.toContain('/dota last');
    expect(message).toContain('/dota help');
  });

  it('when the second word of a two-word command is misspelt, then the nearest kind is suggested first', () => {
    const lines = refused('subscribe leage 16110').split('\n');
    expect(lines[0]).toBe('“/dota subscribe leage” is not a command. Did you mean:');
    expect(lines[1]).toMatch(/^• \/dota subscribe league &lt;league&gt; \[channel\] — /);
    expect(refused('subscribe')).toContain('/dota subscribe needs one more word: player, team, league.');
  });

  it('when nothing is close, then the message still says to type /dota help', () => {
    expect(refused('xyzzy')).toBe('“/dota xyzzy” is not a command.\nType /dota help to see every command.');
  });

  it('when a match id is not a number, then the message names the option and shows the usage', () => {
    expect(refused('match abc')).toBe(
      '*id* must be a whole number, not “abc” (Match id, e.g. 8591933650).\n' +
        'Usage: /dota match &lt;id&gt; — Recap of one match: score, heroes, K/D/A and a net-worth chart',
    );
    expect(refused('match 99999999999999999')).toContain('*id* must be a whole number');
    expect(refused('match 1.5')).toContain('*id* must be a whole number');
  });

  it('when there are more words than options, then the left-over words and the usage are shown', () => {
    const message = refused('match 8591933650 8591933651');
    expect(message).toContain('Too many words: “8591933651” is left over.');
    expect(message).toContain('Usage: /dota match &lt;id&gt;');
  });

  it('when a required option is missing, then the message names it with its description', () => {
    expect(refused('subscribe league')).toBe(
      'Missing *league*: League id, or a league name.\n' +
        'Usage: /dota subscribe league &lt;league&gt; [channel] — Post a recap in a channel after each new match of a league (admins only)',
    );
  });

  it('when a channel is typed as plain #name, then the message explains how to pick it', () => {
    expect(refused('subscribe team Team Liquid #general')).toContain(
      'Slack sent “#general” as plain text, not as a channel',
    );
    expect(refused('subscribe team Liquid channel:general')).toContain('*channel* must be a channel');
  });

  it('when the input is echoed in a message, then it cannot become a Slack mention or link', () => {
    const message = refused('match <@U123ABC|bob>');
    expect(message).toContain('“&lt;@U123ABC|bob&gt;”');
    expect(message).not.toMatch(/<[@#!]/);
  });

  it('when usage is asked of a command, then it lists its options, required in <> and optional in []', () => {
    expect(usageOf(matchCommand)).toBe(
      '/dota match <id> — Recap of one match: score, heroes, K/D/A and a net-worth chart',
    );
  });
});
