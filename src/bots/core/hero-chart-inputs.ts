// A hero's stored trend and drafts → the plain inputs of the hero-trend and picks-bans charts (pure: no DB, no I/O).
import type { HeroTrendChartInput, HeroTrendPeriodInput } from '../../render/hero-trend.chart.js';
import type { PicksBansChartInput } from '../../render/picks-bans.chart.js';
import type { HeroPicksBans, HeroTrendPeriod, TrendBucket } from '../../store/hero-stats.repo.js';

const DAY_MS = 24 * 60 * 60_000;
/** Up to this many days between first and last game: one bar per day; up to a year: per week; else per month. */
const MAX_DAILY_SPAN_DAYS = 45;
const MAX_WEEKLY_SPAN_DAYS = 364;
/** Beyond five years of months the bars are slivers: months are summed into years instead. */
const MAX_MONTHS = 60;

export type TrendPeriodKind = TrendBucket | 'year';

/** The finest bucket that keeps the chart readable for games played between `first` and `last`. */
export function trendBucketFor(first: Date, last: Date): TrendBucket {
  const spanDays = (last.getTime() - first.getTime()) / DAY_MS;
  if (spanDays <= MAX_DAILY_SPAN_DAYS) return 'day';
  return spanDays <= MAX_WEEKLY_SPAN_DAYS ? 'week' : 'month';
}

function nextPeriod(start: Date, kind: TrendPeriodKind): Date {
  const [year, month, day] = [start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()];
  switch (kind) {
    case 'day':
      return new Date(Date.UTC(year, month, day + 1));
    case 'week':
      return new Date(Date.UTC(year, month, day + 7));
    case 'month':
      return new Date(Date.UTC(year, month + 1, 1));
    case 'year':
      return new Date(Date.UTC(year + 1, 0, 1));
  }
}

const LABELS: Record<TrendPeriodKind, Intl.DateTimeFormat> = {
  day: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
  week: new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }),
  month: new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }),
  year: new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone: 'UTC' }),
};

function byYear(periods: readonly HeroTrendPeriod[]): HeroTrendPeriod[] {
  const years = new Map<number, HeroTrendPeriod>();
  for (const period of periods) {
    const year = period.periodStart.getUTCFullYear();
    const sum = years.get(year) ?? {
      periodStart: new Date(Date.UTC(year, 0, 1)),
      games: 0,
      wins: 0,
      winRate: 0,
    };
    sum.games += period.games;
    sum.wins += period.wins;
    sum.winRate = sum.wins / sum.games;
    years.set(year, sum);
  }
  return [...years.values()].sort((a, b) => a.periodStart.getTime() - b.periodStart.getTime());
}

/**
 * Periods from the first game to the last, the empty ones included as zeros so the axis is true time (the
 * repo leaves periods without a game out). Monthly data spanning more than five years is summed per year.
 */
export function heroTrendInput(
  heroName: string,
  periods: readonly HeroTrendPeriod[],
  bucket: TrendBucket,
): HeroTrendChartInput {
  const first = periods[0];
  const last = periods.at(-1);
  let kind: TrendPeriodKind = bucket;
  let stored = periods;
  if (first && last && bucket === 'month') {
    const months =
      (last.periodStart.getUTCFullYear() - first.periodStart.getUTCFullYear()) * 12 +
      last.periodStart.getUTCMonth() -
      first.periodStart.getUTCMonth();
    if (months >= MAX_MONTHS) {
      kind = 'year';
      stored = byYear(periods);
    }
  }
  const byStart = new Map(stored.map((period) => [period.periodStart.getTime(), period]));
  const filled: HeroTrendPeriodInput[] = [];
  const end = stored.at(-1)?.periodStart.getTime() ?? 0;
  for (let at = stored[0]?.periodStart; at && at.getTime() <= end; at = nextPeriod(at, kind)) {
    const period = byStart.get(at.getTime());
    filled.push({ label: LABELS[kind].format(at), games: period?.games ?? 0, wins: period?.wins ?? 0 });
  }
  return { title: `${heroName} — win rate and games by ${kind}`, periods: filled };
}

/** The draft chart: totals and phases by team, with the draft count and pick results underneath the title. */
export function heroPicksBansInput(heroName: string, drafts: HeroPicksBans): PicksBansChartInput {
  return {
    title: `${heroName} — picks and bans`,
    subtitle: `${drafts.drafts} recorded drafts · picked ${drafts.picks} (won ${drafts.pickWins}) · banned ${drafts.bans}`,
    byTeam: drafts.byTeam,
    byPhase: drafts.byPhase,
  };
}
