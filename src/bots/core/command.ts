// Defining a command once: its path, options declared `as const`, and argument types derived from them.
import type { CommandContext, Invocation } from './command-context.js';
import type { Reply } from './reply.js';

export interface OptionDeclaration {
  name: string;
  description: string;
  type: 'string' | 'integer' | 'channel';
  required: boolean;
  /** Suggestions while typing come from the command's `complete` (Discord autocomplete). */
  autocomplete?: boolean;
  /** The only values a string option takes (Discord shows them as a picker; Slack's text is checked by the command). */
  choices?: readonly string[];
}

/** One autocomplete suggestion: what the user sees, and the value the option receives when picked. */
export interface Choice {
  name: string;
  value: string;
}

type OptionValue<O extends OptionDeclaration> = O['type'] extends 'integer' ? number : string;

/** `{ id: number }` from `[{ name: 'id', type: 'integer', required: true }]`; optional options may be absent. */
export type ArgsOf<Options extends readonly OptionDeclaration[]> = {
  [O in Options[number] as O['required'] extends true ? O['name'] : never]: OptionValue<O>;
} & {
  [O in Options[number] as O['required'] extends true ? never : O['name']]?: OptionValue<O>;
};

export interface CommandDefinition<
  Options extends readonly OptionDeclaration[] = readonly OptionDeclaration[],
> {
  /** Words after `/dota`, e.g. `['subscribe', 'player']`. */
  path: readonly [string] | readonly [string, string];
  description: string;
  options: Options;
  /** Needs "Manage Server" (Discord) — checked at run time by the adapter. */
  adminOnly: boolean;
  /** Replies only the caller sees. */
  ephemeral: boolean;
  run(ctx: CommandContext, args: ArgsOf<Options>, invocation: Invocation): Promise<Reply>;
  /**
   * Suggestions for an `autocomplete` option from what the user has typed so far. Answered in the first
   * response (no deferring), so it must be fast: memory or one indexed query. At most 25 are shown.
   */
  complete?(ctx: CommandContext, option: string, typed: string): Promise<Choice[]>;
}

export function defineCommand<const Options extends readonly OptionDeclaration[]>(
  definition: CommandDefinition<Options>,
): CommandDefinition<Options> {
  return definition;
}

// Commands with different option lists in one registry; each was type-checked where defineCommand wrote it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandDefinition<any>;
