// Stripe fields that hold either an id or the expanded object: the id either way.

export function idOf(value: string | { id: string } | null | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.id;
}
