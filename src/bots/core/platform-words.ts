// What each chat calls a community and its admins: a Discord "server", a Slack "workspace".
import type { Invocation } from './command-context.js';

type Platform = Invocation['platform'];

/** "server" on Discord, "workspace" on Slack. */
export const placeWord = (platform: Platform): string => (platform === 'slack' ? 'workspace' : 'server');

/** Who may change alerts, as the adapters check it. */
export const adminRule = (platform: Platform): string =>
  platform === 'slack'
    ? 'a workspace admin or owner, or whoever installed the app'
    : 'the Manage Server permission';
