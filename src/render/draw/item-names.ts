// Short forms of long item names, so the common ones fit a scoreboard chip whole instead of ending in "…".

// Names players already shorten this way; anything not listed is cut with an ellipsis by the chip itself.
const SHORT_NAMES: ReadonlyMap<string, string> = new Map([
  ['Observer and Sentry Wards', 'Obs + Sentry'],
  ["Eul's Scepter of Divinity", "Eul's Scepter"],
  ["Aghanim's Shard - Consumable", "Aghanim's Shard"],
  ["Aghanim's Blessing - Roshan", "Aghanim's Blessing"],
  ['Orchid Malevolence', 'Orchid'],
  ['Dust of Appearance', 'Dust'],
  ['Gauntlets of Strength', 'Gauntlets'],
  ['Mantle of Intelligence', 'Mantle'],
  ['Helm of the Dominator', 'Dominator'],
  ['Helm of the Overlord', 'Overlord'],
  ['Armlet of Mordiggian', 'Armlet'],
  ['Medallion of Courage', 'Medallion'],
  ['Talisman of Evasion', 'Talisman'],
  ['Drum of Endurance', 'Drum'],
  ['Tome of Knowledge', 'Tome'],
  ['Aegis of the Immortal', 'Aegis'],
  ['Great Healing Lotus', 'Great Lotus'],
  ['Greater Healing Lotus', 'Greater Lotus'],
  ['Sabatons of Mordiggian', 'Sabatons'],
]);

/** The short form of an item's display name where one is known, else the name unchanged. */
export function shortItemName(name: string): string {
  return SHORT_NAMES.get(name) ?? name;
}
