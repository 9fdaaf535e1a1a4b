// Small helpers for naming the per-file test databases.
export const TEMPLATE_DATABASE = 'ddd_test_template';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
