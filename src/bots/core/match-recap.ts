// A stored match → the recap reply (embed text, both teams, the net-worth chart), shared by /dota match and alerts.
import { gameModeName, lobbyTypeName } from '../../dota/names.js';
import { isRadiantSlot } from '../../ingest/steam/steam-ids.js';
import type { NetWorthChartInput } from '../../render/net-worth.chart.js';
import type { Renderer } from '../../render/renderer.js';
import type { StoredMatch } from '../../store/matches.repo.js';
import type { RecapData } from './recap-data.js';
import { scoreboardInput, teamComparisonInput } from './recap-inputs.js';
import type { Reply, ReplyImage } from './reply.js';
import { seriesContext } from './series-context.js';

type RecapPlayer = StoredMatch['players'][number];

const RADIANT_COLOR = 0x3b9ede;
const DIRE_COLOR = 0xe8862a;

export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return minutes >= 60
    ? `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${rest}`
    : `${minutes}:${rest}`;
}

export function playerName(player: Pick<RecapPlayer, 'account_id' | 'persona'>): string {
  if (player.persona) return player.persona;
  return player.account_id === null ? 'Anonymous' : `Player ${player.account_id}`;
}

export function heroName(player: Pick<RecapPlayer, 'hero_id' | 'hero_name'>): string {
  return player.hero_name ?? `Hero ${player.hero_id}`;
}

export function kda(player: Pick<RecapPlayer, 'kills' | 'deaths' | 'assists'>): string {
  return `${player.kills}/${player.deaths}/${player.assists}`;
}

function teamLines(players: RecapPlayer[]): string {
  return (
    players.map((player) => `**${heroName(player)}** · ${playerName(player)} · ${kda(player)}`).join('\n') ||
    '—'
  );
}

export function matchLinks(matchId: number): string {
  return [
    `[OpenDota](https://www.opendota.com/matches/${matchId})`,
    `[Dotabuff](https://www.dotabuff.com/matches/${matchId})`,
    `[STRATZ](https://stratz.com/matches/${matchId})`,
  ].join(' · ');
}

/** Net worth where the era recorded it, otherwise end-of-game gold (pre-2020 responses lack net_worth). */
export function netWorthChartInput({ match, players }: StoredMatch): NetWorthChartInput {
  const metric = players.every((player) => player.net_worth !== null) ? 'net_worth' : 'gold';
  return {
    title: `Match ${match.match_id} — ${metric === 'net_worth' ? 'net worth' : 'gold'} at the end`,
    metric,
    players: players.map((player) => ({
      name: playerName(player),
      hero: heroName(player),
      team: isRadiantSlot(player.player_slot) ? 'radiant' : 'dire',
      value: (metric === 'net_worth' ? player.net_worth : player.gold) ?? 0,
    })),
  };
}

/** The recap's charts: the scoreboard first, then team totals, then the advantage graph or per-player wealth. */
async function recapImages(
  render: Renderer,
  stored: StoredMatch,
  data: RecapData,
  mode: string,
): Promise<ReplyImage[]> {
  const id = stored.match.match_id;
  // Keyed by match: a recap posted to many channels is drawn once (RENDERER_VERSION is part of the key).
  const cacheKey = `match:${id}`;
  const timeline = data.timeline;
  const [scoreboard, teams, third] = await Promise.all([
    render.render('scoreboard', scoreboardInput(stored, mode, data.itemNames, data.leagueName), { cacheKey }),
    render.render('team-comparison', teamComparisonInput(stored), { cacheKey }),
    timeline
      ? render.render(
          'advantage',
          {
            title: `Match ${id} — gold and XP advantage`,
            goldAdv: timeline.radiantGoldAdv,
            xpAdv: timeline.radiantXpAdv ?? undefined,
          },
          { cacheKey },
        )
      : render.render('net-worth', netWorthChartInput(stored), { cacheKey }),
  ]);
  return [
    { filename: `match-${id}-scoreboard.png`, png: scoreboard, description: `Scoreboard of match ${id}` },
    {
      filename: `match-${id}-teams.png`,
      png: teams,
      description: `Team net worth, hero damage and healing in match ${id}`,
    },
    timeline
      ? {
          filename: `match-${id}-advantage.png`,
          png: third,
          description: `Radiant gold and XP advantage over match ${id}`,
        }
      : {
          filename: `match-${id}-net-worth.png`,
          png: third,
          description: `Net worth per player in match ${id}`,
        },
  ];
}

export async function buildMatchRecap(
  render: Renderer,
  stored: StoredMatch,
  data: RecapData,
): Promise<Reply> {
  const { match, players } = stored;
  const radiantName = stored.teamNames.radiant ?? 'Radiant';
  const direName = stored.teamNames.dire ?? 'Dire';
  const radiant = players.filter((player) => isRadiantSlot(player.player_slot));
  const dire = players.filter((player) => !isRadiantSlot(player.player_slot));
  const score =
    match.radiant_score !== null && match.dire_score !== null
      ? `${match.radiant_score} – ${match.dire_score}`
      : 'vs';
  const [mode, lobby] = await Promise.all([gameModeName(match.game_mode), lobbyTypeName(match.lobby_type)]);
  const [image, ...moreImages] = await recapImages(render, stored, data, mode);
  // A line of the text, not a field: both Discord and Slack show the text, and it reads beside the score.
  const series = seriesContext(stored, data.seriesGames);
  const seriesLine = series ? `${series}\n` : '';
  const parsedNote = data.timeline
    ? ''
    : '\n_No parsed replay stored for this match, so no gold/XP advantage graph (it needs OpenDota parsing)._';
  return {
    title: `${match.radiant_win ? radiantName : direName} victory — match ${match.match_id}`,
    url: `https://www.opendota.com/matches/${match.match_id}`,
    text: `**${radiantName}** ${score} **${direName}** · ${formatDuration(match.duration)} · ${mode} · ${lobby}\n${seriesLine}${matchLinks(match.match_id)}${parsedNote}`,
    fields: [
      { name: `${radiantName}${match.radiant_win ? ' 🏆' : ''}`, value: teamLines(radiant), inline: false },
      { name: `${direName}${match.radiant_win ? '' : ' 🏆'}`, value: teamLines(dire), inline: false },
    ],
    footer: `${data.leagueName ?? (match.leagueid ? `League ${match.leagueid}` : '')}${match.leagueid ? ' · ' : ''}Started ${match.start_time.toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    color: match.radiant_win ? RADIANT_COLOR : DIRE_COLOR,
    ...(image ? { image } : {}),
    moreImages,
  };
}
