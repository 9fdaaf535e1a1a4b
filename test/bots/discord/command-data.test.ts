// The /dota application command built from the platform-neutral definitions, checked against Discord's limits.
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/bots/core/commands/index.js';
import { buildCommandData } from '../../../src/bots/discord/command-data.js';

/** Discord's documented pattern for command and option names (chat-input names must also be lowercase). */
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

interface NamedNode {
  name: string;
  description: string;
  options?: readonly NamedNode[];
}

function everyNode(node: NamedNode): NamedNode[] {
  return [node, ...(node.options ?? []).flatMap(everyNode)];
}

describe('buildCommandData', () => {
  const data = buildCommandData(COMMANDS);

  it('when built from COMMANDS, then it is one chat-input /dota command with match and subscribe player', () => {
    expect(data.type).toBe(ApplicationCommandType.ChatInput);
    expect(data.name).toBe('dota');

    const match = data.options?.find((option) => option.name === 'match');
    expect(match?.type).toBe(ApplicationCommandOptionType.Subcommand);
    const matchOptions = match && 'options' in match ? (match.options ?? []) : [];
    expect(matchOptions).toHaveLength(1);
    expect(matchOptions[0]).toMatchObject({
      name: 'id',
      type: ApplicationCommandOptionType.Integer,
      required: true,
    });

    const subscribe = data.options?.find((option) => option.name === 'subscribe');
    expect(subscribe?.type).toBe(ApplicationCommandOptionType.SubcommandGroup);
    const subcommands = subscribe && 'options' in subscribe ? (subscribe.options ?? []) : [];
    const player = subcommands.find((option) => option.name === 'player');
    expect(player?.type).toBe(ApplicationCommandOptionType.Subcommand);
    const playerOption =
      player && 'options' in player ? player.options?.find((o) => o.name === 'player') : undefined;
    expect(playerOption).toMatchObject({ type: ApplicationCommandOptionType.String, required: true });
  });

  it('when /dota premium is registered, then its action is a picker offering only "manage"', () => {
    const premium = data.options?.find((option) => option.name === 'premium');
    const action = premium && 'options' in premium ? premium.options?.[0] : undefined;
    expect(action).toMatchObject({
      name: 'action',
      type: ApplicationCommandOptionType.String,
      required: false,
      choices: [{ name: 'manage', value: 'manage' }],
    });
  });

  it('when any name or description is checked, then it fits Discord: names match its pattern in lowercase, descriptions 1–100 chars', () => {
    const nodes = everyNode(data);
    expect(nodes.length).toBeGreaterThan(5);
    for (const node of nodes) {
      expect(node.name, node.name).toMatch(NAME);
      expect(node.name, node.name).toBe(node.name.toLowerCase());
      expect(node.description.length, `${node.name}: ${node.description}`).toBeGreaterThan(0);
      expect(node.description.length, `${node.name}: ${node.description}`).toBeLessThanOrEqual(100);
    }
  });

  it('when the command has subcommands, then no option list exceeds Discord’s 25 and required options come first', () => {
    for (const node of everyNode(data)) {
      const options = (node.options ?? []) as readonly (NamedNode & { required?: boolean })[];
      expect(options.length).toBeLessThanOrEqual(25);
      const firstOptional = options.findIndex((option) => option.required !== true);
      if (firstOptional >= 0) {
        expect(options.slice(firstOptional).every((option) => option.required !== true)).toBe(true);
      }
    }
  });
});
