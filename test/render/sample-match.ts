// A realistic ten-player net worth input, shared by the chart tests and the render benchmark.
import type { NetWorthChartInput } from '../../src/render/net-worth.chart.js';

export const SAMPLE_NET_WORTH_INPUT: NetWorthChartInput = {
  title: 'Match 8123456789 — net worth at 42:17',
  metric: 'net_worth',
  players: [
    { name: 'Алексей', hero: 'Anti-Mage', team: 'radiant', value: 31250 },
    { name: 'Dire Strikes Back', hero: 'Pudge', team: 'dire', value: 14820 },
    { name: '中国玩家', hero: 'Invoker', team: 'radiant', value: 24110 },
    { name: '한국어', hero: 'Crystal Maiden', team: 'radiant', value: 9870 },
    { name: 'Fire 🔥🐉 Dragon', hero: 'Shadow Fiend', team: 'dire', value: 27640 },
    { name: 'a-very-long-player-name-32-chars', hero: 'Keeper of the Light', team: 'dire', value: 12030 },
    { name: 'Ωmega', hero: 'Outworld Destroyer', team: 'radiant', value: 18760 },
    { name: 'support4life', hero: 'Lion', team: 'dire', value: 8420 },
    { name: 'carry_me_pls', hero: 'Faceless Void', team: 'dire', value: 22950 },
    { name: 'Nyx', hero: 'Nyx Assassin', team: 'radiant', value: 11600 },
  ],
};
