// Human names for Valve's numeric game modes and lobby types, from dotaconstants (loaded once, on first use).

interface NamedConstant {
  name: string;
}
let cached:
  | Promise<{ game_mode: Record<string, NamedConstant>; lobby_type: Record<string, NamedConstant> }>
  | undefined;

function constants() {
  cached ??= import('dotaconstants') as unknown as NonNullable<typeof cached>;
  return cached;
}

/** `game_mode_all_draft` → `All Draft`. */
function humanize(constant: string | undefined, prefix: string, id: number): string {
  if (!constant) return `${prefix.replace(/_$/, '').replace(/_/g, ' ')} ${id}`;
  return constant
    .replace(prefix, '')
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

export async function gameModeName(id: number): Promise<string> {
  return humanize((await constants()).game_mode[String(id)]?.name, 'game_mode_', id);
}

export async function lobbyTypeName(id: number): Promise<string> {
  return humanize((await constants()).lobby_type[String(id)]?.name, 'lobby_type_', id);
}
