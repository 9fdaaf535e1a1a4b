// Every command the bots serve, in the order help lists them.
import type { AnyCommand } from '../command.js';
import { compareCommand } from './compare.command.js';
import { heroCommand } from './hero.command.js';
import { helpCommand } from './help.command.js';
import { lastCommand } from './last.command.js';
import { linkCommand } from './link.command.js';
import { matchCommand } from './match.command.js';
import { playerCommand } from './player.command.js';
import { premiumCommand } from './premium.command.js';
import { recentCommand } from './recent.command.js';
import { statusCommand } from './status.command.js';
import { subscribeLeagueCommand, subscribePlayerCommand, subscribeTeamCommand } from './subscribe.command.js';
import { subscriptionsCommand } from './subscriptions.command.js';
import { unlinkCommand } from './unlink.command.js';
import {
  unsubscribeLeagueCommand,
  unsubscribePlayerCommand,
  unsubscribeTeamCommand,
} from './unsubscribe.command.js';

export const COMMANDS: readonly AnyCommand[] = [
  playerCommand,
  recentCommand,
  lastCommand,
  matchCommand,
  heroCommand,
  compareCommand,
  subscribePlayerCommand,
  subscribeTeamCommand,
  subscribeLeagueCommand,
  unsubscribePlayerCommand,
  unsubscribeTeamCommand,
  unsubscribeLeagueCommand,
  subscriptionsCommand,
  linkCommand,
  unlinkCommand,
  statusCommand,
  premiumCommand,
  helpCommand,
];
