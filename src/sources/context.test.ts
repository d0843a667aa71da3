import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicationInventory, changeCalendar, declaredActivities } from './context.js';
import { chooseReader } from './index.js';

const FIX = path.join(import.meta.dirname, '../../test/fixtures/sources/context');
const json = (f: string): unknown => JSON.parse(readFileSync(path.join(FIX, f), 'utf8'));
const ctx = { note: () => {} } as never;

describe('context readers', () => {
  it('reads declared activities', () => {
    const doc = json('declared-activities.json');
    expect(chooseReader(doc, null)).toBe(declaredActivities);
    const rows = declaredActivities.unwrap(doc).map((r) => declaredActivities.normalize(r, ctx));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      kind: 'declared-activity',
      type: 'red-team-exercise',
      ticket: 'SEC-1187',
      owner: 'security@example.com',
      start: '2025-10-21T14:00:00.000Z',
      end: '2025-10-21T20:00:00.000Z',
      sourceIps: ['198.51.100.7'],
      principals: ['arn:aws:iam::111122223333:role/RedTeamExercise'],
      sourceIdentity: 'redteam-sec1187',
    });
    expect(rows[0].text).toMatch(/^Read-only review/);
    expect(String(rows[0].uid)).toMatch(/^declared-activity:SEC-1187:/);
    expect(rows[1]).toMatchObject({
      type: 'scanner',
      sourceIps: ['192.0.2.10', '192.0.2.11'],
      principals: [],
    });
  });

  it('reads a change calendar', () => {
    const doc = json('change-calendar.json');
    expect(chooseReader(doc, null)).toBe(changeCalendar);
    const rows = changeCalendar.unwrap(doc).map((r) => changeCalendar.normalize(r, ctx));
    expect(rows[0]).toMatchObject({
      kind: 'planned-change',
      type: 'change',
      ticket: 'CHG-3107',
      owner: 'ml-team@example.com',
      start: '2025-10-21T15:00:00.000Z',
      end: '2025-10-21T16:00:00.000Z',
      text: 'ML: fine-tune support model and provision throughput',
      sourceIps: [],
      sourceIdentity: null,
    });
  });

  it('is recognised by content only, and rejects unreadable windows', () => {
    expect(changeCalendar.recognize({ changes: [{ foo: 1 }] })).toBe(false);
    expect(changeCalendar.recognize({ changes: [] })).toBe(true);
    expect(declaredActivities.recognize({ activities: [], other: 1 })).toBe(false);
    expect(() => changeCalendar.normalize({ ticket: 'X', window: { start: 'soon' } }, ctx)).toThrow(
      /unreadable window start/,
    );
  });

  it('reads an application inventory (kind application, the names each entry runs as or uses)', () => {
    const doc = {
      owner: 'platform@example.com',
      applications: [
        {
          name: 'Support search',
          lambda: 'support-search',
          knowledgeBase: 'KB1',
          notes: 'Searches all tenants.',
        },
        { name: 'Analytics agent', agent: 'AGENT1 (alias a)', role: 'arn:aws:iam::111122223333:role/x' },
      ],
    };
    expect(chooseReader(doc, null)).toBe(applicationInventory);
    const rows = applicationInventory.unwrap(doc).map((r) => applicationInventory.normalize(r, ctx));
    expect(rows[0]).toMatchObject({
      kind: 'application',
      ticket: 'Support search',
      principals: ['support-search', 'KB1'],
      text: 'Searches all tenants.',
      start: null,
    });
    expect(rows[1]).toMatchObject({ principals: ['arn:aws:iam::111122223333:role/x', 'AGENT1 (alias a)'] });
  });
});
