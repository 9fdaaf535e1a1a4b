// Inputs for bench/render.bench.ts: one sample per registered chart, and the charts of one match recap.
import type { ChartInput, ChartJob, ChartName } from '../src/render/chart-registry.js';
import { readFile } from 'node:fs/promises';
import {
  PRO_MATCH_ID,
  shippedScoreboardInput,
  shippedTeamComparisonInput,
} from '../test/render/recap-fixtures.js';
import { SAMPLE_NET_WORTH_INPUT } from '../test/render/sample-match.js';

const OPENDOTA_1781962623 = JSON.parse(
  await readFile(new URL('../json_files/opendota/odota_matches_1781962623.json', import.meta.url), 'utf8'),
) as { radiant_gold_adv: number[]; radiant_xp_adv: number[] };

const HEROES = [
  'Pudge',
  'Invoker',
  'Lion',
  'Axe',
  'Mirana',
  'Sniper',
  'Juggernaut',
  'Crystal Maiden',
  'Tiny',
  'Lina',
];

/** One realistic input per chart; the mapped type makes a newly registered chart a compile error here until added. */
export const BENCH_INPUTS: { readonly [N in ChartName]: ChartInput<N> } = {
  'net-worth': SAMPLE_NET_WORTH_INPUT,
  scoreboard: await shippedScoreboardInput(PRO_MATCH_ID),
  'team-comparison': await shippedTeamComparisonInput(PRO_MATCH_ID),
  advantage: {
    title: 'Match 1781962623 — gold and XP advantage',
    goldAdv: OPENDOTA_1781962623.radiant_gold_adv,
    xpAdv: OPENDOTA_1781962623.radiant_xp_adv,
  },
  'player-trend': {
    title: 'Last 20 matches',
    matches: Array.from({ length: 20 }, (_, i) => ({
      hero: HEROES[i % HEROES.length] ?? 'Pudge',
      won: i % 3 !== 0,
      kills: (i * 7) % 15,
      deaths: (i * 5) % 9,
      assists: (i * 11) % 21,
      gpm: 350 + ((i * 37) % 300),
      xpm: 400 + ((i * 53) % 350),
    })),
  },
  'hero-pool': {
    title: 'Most played heroes',
    heroes: HEROES.map((hero, i) => ({ hero, games: 40 - i * 3, wins: 22 - i * 2, kda: 2 + i / 4 })),
  },
  'player-compare': {
    players: [
      {
        name: 'Алексей',
        games: 120,
        wins: 66,
        avgKills: 8.1,
        avgDeaths: 5.2,
        avgAssists: 11.4,
        avgGpm: 512,
        avgXpm: 601,
      },
      {
        name: '한국어 플레이어',
        games: 87,
        wins: 41,
        avgKills: 6.3,
        avgDeaths: 6.8,
        avgAssists: 14.9,
        avgGpm: 431,
        avgXpm: 522,
      },
    ],
  },
  'hero-trend': {
    title: 'Pudge — win rate and games per week',
    periods: Array.from({ length: 8 }, (_, i) => ({ label: `W${i + 1}`, games: 10 + i * 2, wins: 5 + i })),
  },
  'picks-bans': {
    title: 'Pudge in league drafts',
    byTeam: { radiant: { picks: 6, bans: 9 }, dire: { picks: 4, bans: 11 } },
    byPhase: [1, 2, 3].map((phase) => ({
      phase,
      radiant: { picks: phase, bans: 4 - phase },
      dire: { picks: 2, bans: phase },
    })),
  },
};

/** The charts posted for one match recap, drawn concurrently. */
export const RECAP_CHARTS: readonly ChartJob[] = [
  { chart: 'scoreboard', input: BENCH_INPUTS.scoreboard },
  { chart: 'team-comparison', input: BENCH_INPUTS['team-comparison'] },
  { chart: 'advantage', input: BENCH_INPUTS.advantage },
];
