// Slack's `/dota` arrives as one line of free text: find the command it names and fill that command's options.
import type { AnyCommand, OptionDeclaration } from '../core/command.js';

export type ParsedCommandText =
  | { ok: true; command: AnyCommand; args: Record<string, unknown> }
  /** `message` is Slack mrkdwn, already escaped: send it as is. */
  | { ok: false; message: string };

interface Token {
  /** As typed, quotes included: tells `count:5` from `"count:5"`. */
  raw: string;
  /** Quotes removed, Slack's `<…>` spans kept whole. */
  value: string;
  quoted: boolean;
}

type Converted = { ok: true; value: string | number } | { ok: false; message: string };

/** Discord's picker needs the permission in the description; on Slack the admin check is the workspace's. */
const DISCORD_ADMIN_SUFFIX = / \(Manage Server\)$/;
const HELP_HINT = 'Type /dota help to see every command.';
const MAX_SUGGESTIONS = 3;
/** Slack channel ids: C (public), G (private), D (DM), then upper-case letters and digits. */
const BARE_CHANNEL_ID = /^[CGD](?=[A-Z0-9]*\d)[A-Z0-9]{6,}$/;
/** With `should_escape` on (see slack-app-manifest.json) Slack sends a picked channel as `<#C123|name>`. */
const CHANNEL_SPAN = /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/;
const QUOTES: Record<string, string> = { '"': '"', '“': '”' };

/** `/dota subscribe league <league> [channel] — Post a recap …`: the syntax and what the command does. */
export function usageOf(command: AnyCommand): string {
  const options = optionsOf(command).map((option) =>
    option.required ? `<${option.name}>` : `[${option.name}]`,
  );
  const description = command.description.replace(DISCORD_ADMIN_SUFFIX, '');
  return `${['/dota', ...command.path, ...options].join(' ')} — ${description}${command.adminOnly ? ' (admins only)' : ''}`;
}

/**
 * The command `text` names and its arguments, or a message saying what to type instead. Words fill options in
 * declaration order; the last string option takes the rest of the text (team and hero names have spaces), any
 * option may be given by name (`count:5`, needed to skip an optional one), and options declared after the
 * rest-of-text one are read from its end when the trailing words fit them (`subscribe team Team Liquid #chan`).
 */
export function parseCommandText(commands: readonly AnyCommand[], text: string): ParsedCommandText {
  const tokens = tokenize(text);
  const words = tokens.map((token) => (token.quoted ? '' : token.value.toLowerCase()));
  if (words.length === 0 || words[0] === 'help') {
    const help = commands.find((command) => command.path.length === 1 && command.path[0] === 'help');
    if (help) return { ok: true, command: help, args: {} };
  }
  const [first = '', second = ''] = words;
  const command =
    commands.find((candidate) => samePath(candidate.path, [first, second])) ??
    commands.find((candidate) => samePath(candidate.path, [first]));
  if (!command) return { ok: false, message: unknownCommand(commands, tokens, first, second) };
  return fillOptions(command, tokens.slice(command.path.length));
}

function samePath(path: readonly string[], words: readonly string[]): boolean {
  return path.length === words.length && path.every((word, index) => word.toLowerCase() === words[index]);
}

function optionsOf(command: AnyCommand): readonly OptionDeclaration[] {
  return command.options as readonly OptionDeclaration[];
}

/** Whitespace-separated words; "…" (or “…”) groups words, and Slack's `<…>` spans stay whole. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && /\s/.test(text[index]!)) index += 1;
    if (index >= text.length) break;
    const start = index;
    let value = '';
    let quoted = false;
    while (index < text.length && !/\s/.test(text[index]!)) {
      const char = text[index]!;
      const closer = QUOTES[char];
      const spanEnd = char === '<' ? text.indexOf('>', index) : -1;
      if (closer !== undefined) {
        // An unclosed quote runs to the end: the user clearly meant one value.
        const end = text.indexOf(closer, index + 1);
        const stop = end === -1 ? text.length : end;
        value += text.slice(index + 1, stop);
        index = end === -1 ? text.length : end + 1;
        quoted = true;
      } else if (spanEnd !== -1) {
        value += text.slice(index, spanEnd + 1);
        index = spanEnd + 1;
      } else {
        value += char;
        index += 1;
      }
    }
    // `""` is nothing typed, not an empty value.
    if (value !== '' || !quoted) tokens.push({ raw: text.slice(start, index), value, quoted });
  }
  return tokens;
}

function fillOptions(command: AnyCommand, tokens: readonly Token[]): ParsedCommandText {
  const options = optionsOf(command);
  const args: Record<string, unknown> = {};
  const positional: Token[] = [];
  for (const token of tokens) {
    const named = /^([A-Za-z][A-Za-z_]*):/.exec(token.raw);
    const option =
      named && options.find((candidate) => candidate.name.toLowerCase() === named[1]!.toLowerCase());
    if (!option) {
      positional.push(token);
      continue;
    }
    const typed = { ...token, value: token.value.slice(named[1]!.length + 1) };
    if (typed.value === '') continue;
    const converted = convert(command, option, [typed]);
    if (!converted.ok) return converted;
    args[option.name] = converted.value;
  }
  const free = options.filter((option) => !(option.name in args));
  const restIndex = free.map((option) => option.type).lastIndexOf('string');
  if (restIndex === -1) {
    if (positional.length > free.length) return tooMany(command, positional.slice(free.length));
    const failed = assign(command, args, free, positional);
    if (failed) return failed;
  } else {
    const rest = free[restIndex]!;
    const before = free.slice(0, restIndex);
    const after = free.slice(restIndex + 1);
    const failed = assign(command, args, before, positional.slice(0, before.length));
    if (failed) return failed;
    const remaining = positional.slice(before.length);
    const trailing = trailingCount(after, remaining);
    const middle = remaining.slice(0, remaining.length - trailing);
    const lastWord = middle.at(-1)?.value ?? '';
    if (after.some((option) => option.type === 'channel') && /^#\S/.test(lastWord) && middle.length > 1) {
      return fail(
        command,
        `Slack sent “${quote(lastWord)}” as plain text, not as a channel: pick the channel from the list Slack shows as you type #, or leave it out for this channel.`,
      );
    }
    const tailFailed = assign(command, args, after, remaining.slice(remaining.length - trailing));
    if (tailFailed) return tailFailed;
    if (middle.length > 0) {
      const converted = convert(command, rest, middle);
      if (!converted.ok) return converted;
      args[rest.name] = converted.value;
    }
  }
  const missing = options.find((option) => option.required && !(option.name in args));
  if (missing)
    return fail(command, `Missing *${missing.name}*: ${escape(missing.description.replace(/\.$/, ''))}.`);
  return { ok: true, command, args };
}

/** Fills `options` one word each, in order; a failure is the message to send. */
function assign(
  command: AnyCommand,
  args: Record<string, unknown>,
  options: readonly OptionDeclaration[],
  tokens: readonly Token[],
): ParsedCommandText | undefined {
  for (const [index, token] of tokens.entries()) {
    const option = options[index]!;
    const converted = convert(command, option, [token]);
    if (!converted.ok) return converted;
    args[option.name] = converted.value;
  }
  return undefined;
}

/**
 * How many words at the end belong to the options declared after the rest-of-text one: the most that fit them
 * in order, always leaving the rest-of-text option a word (`recent 123` is player 123, not count 123).
 */
function trailingCount(after: readonly OptionDeclaration[], tokens: readonly Token[]): number {
  for (let count = Math.min(after.length, tokens.length - 1); count > 0; count -= 1) {
    const tail = tokens.slice(tokens.length - count);
    if (tail.every((token, index) => fits(after[index]!, token))) return count;
  }
  return 0;
}

function fits(option: OptionDeclaration, token: Token): boolean {
  if (option.type === 'integer') return parseInteger(token.value) !== undefined;
  if (option.type === 'channel') return channelId(token.value) !== undefined;
  return true;
}

function convert(command: AnyCommand, option: OptionDeclaration, tokens: readonly Token[]): Converted {
  const typed = tokens.map((token) => token.value).join(' ');
  if (option.type === 'integer') {
    const value = parseInteger(typed);
    if (value !== undefined) return { ok: true, value };
    return fail(
      command,
      `*${option.name}* must be a whole number, not “${quote(typed)}” (${escape(option.description)}).`,
    );
  }
  if (option.type === 'channel') {
    const value = channelId(typed);
    if (value !== undefined) return { ok: true, value };
    return fail(
      command,
      `*${option.name}* must be a channel, not “${quote(typed)}”: pick one from the list Slack shows as you type #.`,
    );
  }
  return { ok: true, value: decodeEntities(tokens.map((token) => plainValue(token.value)).join(' ')) };
}

function parseInteger(typed: string): number | undefined {
  if (!/^-?\d+$/.test(typed)) return undefined;
  const value = Number(typed);
  return Number.isSafeInteger(value) ? value : undefined;
}

function channelId(typed: string): string | undefined {
  return CHANNEL_SPAN.exec(typed)?.[1] ?? (BARE_CHANNEL_ID.test(typed) ? typed : undefined);
}

/**
 * What the user typed inside Slack's escaped spans: a link's label (or its URL), a channel's `#name`. User
 * mentions stay as sent: no option takes a Slack user, and the command's own check explains what it wanted.
 */
function plainValue(value: string): string {
  return value
    .replace(/<#[A-Z0-9]+\|([^>]+)>/g, '#$1')
    .replace(/<([^@#!>|][^>|]*)(?:\|([^>]*))?>/g, (_span, url: string, label: string | undefined) =>
      label ? label : url,
    );
}

/** Slack escapes these three in slash command text; options want what the user typed. */
function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function tooMany(command: AnyCommand, extra: readonly Token[]): ParsedCommandText {
  const words = extra.map((token) => token.value).join(' ');
  return fail(command, `Too many words: “${quote(words)}” is left over.`);
}

function fail(command: AnyCommand, problem: string): { ok: false; message: string } {
  return { ok: false, message: `${problem}\nUsage: ${escape(usageOf(command))}` };
}

function unknownCommand(
  commands: readonly AnyCommand[],
  tokens: readonly Token[],
  first: string,
  second: string,
): string {
  const group = commands.filter(
    (command) => command.path.length === 2 && command.path[0].toLowerCase() === first,
  );
  const typed = tokens
    .slice(0, group.length > 0 ? 2 : 1)
    .map((token) => token.value)
    .join(' ');
  const suggested =
    group.length > 0 ? closestSecondWord(group, second) : closestCommands(commands, first, second);
  const lines =
    group.length > 0 && second === ''
      ? [`/dota ${escape(first)} needs one more word: ${group.map((command) => command.path[1]).join(', ')}.`]
      : [`“/dota ${quote(typed)}” is not a command.${suggested.length > 0 ? ' Did you mean:' : ''}`];
  lines.push(...suggested.map((command) => `• ${escape(usageOf(command))}`), HELP_HINT);
  return lines.join('\n');
}

/** Sorting is stable: equally near (or nothing typed) stays in registry order. */
function closestSecondWord(group: readonly AnyCommand[], second: string): AnyCommand[] {
  if (second === '') return [...group];
  return [...group].sort(
    (a, b) => editDistance(second, a.path[1] ?? '') - editDistance(second, b.path[1] ?? ''),
  );
}

/**
 * Commands whose first word is a typo (≤ 1 edit for short words, ≤ 2 otherwise) or a prefix away, nearest
 * first; a bare number was probably an id for a command that starts with one (`/dota 8591933650`).
 */
function closestCommands(commands: readonly AnyCommand[], first: string, second: string): AnyCommand[] {
  if (parseInteger(first) !== undefined)
    return commands.filter((command) => optionsOf(command)[0]?.type === 'integer').slice(0, MAX_SUGGESTIONS);
  if (first === '') return [];
  const allowed = first.length <= 3 ? 1 : 2;
  return commands
    .map((command, order) => {
      const word = command.path[0].toLowerCase();
      const prefix = first.length >= 2 && (word.startsWith(first) || first.startsWith(word));
      const next = command.path[1] === undefined ? 0 : editDistance(second, command.path[1].toLowerCase());
      return { command, order, next, distance: prefix ? 0 : editDistance(first, word) };
    })
    .filter((scored) => scored.distance <= allowed)
    .sort((a, b) => a.distance - b.distance || a.next - b.next || a.order - b.order)
    .slice(0, MAX_SUGGESTIONS)
    .map((scored) => scored.command);
}

/** Levenshtein distance; command words are short, so the full table is cheap. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Echoed input: short, and unable to become a Slack link or mention. */
function quote(typed: string): string {
  return escape(typed.length > 60 ? `${typed.slice(0, 59)}…` : typed);
}

/** Slack's three control characters; `typed` may already carry Slack's own escapes, which stay escaped. */
function escape(text: string): string {
  return text
    .replace(/&(?!(?:amp|lt|gt);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
