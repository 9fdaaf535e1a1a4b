// /dota help: every command with its options and description, grouped, generated from the registry.
import type { AnyCommand, OptionDeclaration } from '../command.js';
import { defineCommand } from '../command.js';
import type { Reply, ReplyField } from '../reply.js';
import type { Invocation } from '../command-context.js';
import { adminRule } from '../platform-words.js';

/** Sections by a command's first word; words not listed (new stats commands) fall under the first section. */
const SECTIONS: readonly { name: string; words: readonly string[] }[] = [
  { name: 'Stats and matches', words: [] },
  { name: 'Your account', words: ['link', 'unlink'] },
  { name: 'Match alerts', words: ['subscribe', 'unsubscribe', 'subscriptions'] },
  { name: 'About the bot', words: ['status', 'help'] },
];
/** Discord's limit for one embed field's value; a longer section continues in a second field. */
const FIELD_LIMIT = 1_024;
const ADMIN_MARK = '🔒';
/** Admin descriptions say so for Discord's command picker, which has no other marker; here the lock says it. */
const ADMIN_SUFFIX = / \(Manage Server\)$/;

function usage(command: AnyCommand): string {
  const options = (command.options as readonly OptionDeclaration[]).map((option) =>
    option.required ? `<${option.name}>` : `[${option.name}]`,
  );
  return ['/dota', ...command.path, ...options].join(' ');
}

function sectionOf(command: AnyCommand): string {
  const word = command.path[0];
  return (SECTIONS.find((section) => section.words.includes(word)) ?? SECTIONS[0]!).name;
}

/** Lines packed into fields of at most FIELD_LIMIT characters, the first named after the section. */
function toFields(name: string, lines: readonly string[]): ReplyField[] {
  const fields: ReplyField[] = [];
  for (const line of lines) {
    const last = fields.at(-1);
    if (last && last.value.length + 1 + line.length <= FIELD_LIMIT) last.value += `\n${line}`;
    else
      fields.push({ name: fields.length === 0 ? name : `${name} (more)`, value: line.slice(0, FIELD_LIMIT) });
  }
  return fields;
}

/** The help reply for `commands`, in their registry order within each section. */
export function helpReply(commands: readonly AnyCommand[], platform: Invocation['platform']): Reply {
  const fields = SECTIONS.flatMap((section) =>
    toFields(
      section.name,
      commands
        .filter((command) => sectionOf(command) === section.name)
        .map(
          (command) =>
            `${command.adminOnly ? `${ADMIN_MARK} ` : ''}\`${usage(command)}\` — ${command.description.replace(ADMIN_SUFFIX, '')}`,
        ),
    ),
  );
  return {
    title: 'DataDrivenDota commands',
    text: "Answers come from our own copy of Valve's match data. Player commands default to the account you link with `/dota link`.",
    fields,
    footer: `${ADMIN_MARK} needs ${adminRule(platform)}`,
    ephemeral: true,
  };
}

export const helpCommand = defineCommand({
  path: ['help'],
  description: 'Every command, what it does, and who may use it',
  options: [] as const,
  adminOnly: false,
  ephemeral: true,
  async run(_ctx, _args, invocation) {
    // Imported when run: the registry imports this command, so a static import would be a cycle.
    const { COMMANDS } = await import('./index.js');
    return helpReply(COMMANDS, invocation.platform);
  },
});
