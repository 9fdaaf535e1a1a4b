// Every command the bots serve, in the order help lists them.
import type { AnyCommand } from '../command.js';
import { matchCommand } from './match.command.js';
import { subscribePlayerCommand } from './subscribe-player.command.js';

export const COMMANDS: readonly AnyCommand[] = [matchCommand, subscribePlayerCommand];
