// The alert's content for one channel: every followed player, team and league in the match, and the match links.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/bots/core/reply.js';
import type { AudienceTarget } from '../../src/notify/alert-audience.repo.js';
import { alertHeadline, alertReply, type AlertMatch } from '../../src/notify/match-alert.js';
import { loadShippedMatch, PRO_MATCH_ID } from '../render/recap-fixtures.js';

// Match 8591933650: Vitality Warriors (radiant, won) against Moonwalkers, league 16110.
const RADIANT_UNDERLORD = 177062248; // 9/3/15
const RADIANT_PUDGE = 279486190; // 7/2/16
const DIRE_OGRE = 214494274; // 2/10/8
const VITALITY = 9048057;
const MOONWALKERS = 8970060;
const LEAGUE = 16110;

const player = (id: number): AudienceTarget => ({ target_kind: 'player', target_id: id });

describe('alertHeadline', () => {
  let alert: AlertMatch;
  beforeAll(async () => {
    const stored = await loadShippedMatch(PRO_MATCH_ID);
    stored.players = stored.players.map((row) =>
      row.account_id === RADIANT_PUDGE ? { ...row, persona: 'Pudge Enjoyer' } : row,
    );
    alert = { stored, leagueName: 'DreamLeague Season 27' };
  });

  it('when a channel follows three players of the match, then one headline names all three with hero, result and K/D/A', () => {
    const headline = alertHeadline(alert, [
      player(DIRE_OGRE),
      player(RADIANT_PUDGE),
      player(RADIANT_UNDERLORD),
    ]);

    expect(headline.split('\n')).toEqual([
      `🔔 **Player ${RADIANT_UNDERLORD}** won as **Underlord** (9/3/15)`,
      '🔔 **Pudge Enjoyer** won as **Pudge** (7/2/16)',
      `🔔 **Player ${DIRE_OGRE}** lost as **Ogre Magi** (2/10/8)`,
    ]);
  });

  it('when a channel follows both teams and the league, then the names come from the stored teams and league', () => {
    const headline = alertHeadline(alert, [
      { target_kind: 'team', target_id: MOONWALKERS },
      { target_kind: 'team', target_id: VITALITY },
      { target_kind: 'league', target_id: LEAGUE },
    ]);

    expect(headline.split('\n')).toEqual([
      '🔔 **Moonwalkers** lost',
      '🔔 **Vitality Warriors** won',
      '🔔 New match in **DreamLeague Season 27**',
    ]);
  });

  it('when the team and league names are unknown, then the alert names them by id', () => {
    const unnamed: AlertMatch = {
      stored: { ...alert.stored, teamNames: { radiant: null, dire: null } },
      leagueName: null,
    };
    const headline = alertHeadline(unnamed, [
      { target_kind: 'team', target_id: VITALITY },
      { target_kind: 'league', target_id: LEAGUE },
    ]);

    expect(headline.split('\n')).toEqual([
      `🔔 **Team ${VITALITY}** won`,
      `🔔 New match in **League ${LEAGUE}**`,
    ]);
  });

  it('when the recap text lacks the match links, then the alert still links OpenDota, Dotabuff and STRATZ', () => {
    const recap: Reply = { title: 'Radiant victory', text: 'Vitality Warriors 31 – 18 Moonwalkers' };

    const reply = alertReply(recap, alert, [player(RADIANT_PUDGE)]);

    expect(reply.title).toBe('Radiant victory');
    expect(reply.text).toContain('🔔 **Pudge Enjoyer** won as **Pudge** (7/2/16)');
    expect(reply.text).toContain(`https://www.opendota.com/matches/${PRO_MATCH_ID}`);
    expect(reply.text).toContain(`https://www.dotabuff.com/matches/${PRO_MATCH_ID}`);
    expect(reply.text).toContain(`https://stratz.com/matches/${PRO_MATCH_ID}`);
  });
});
