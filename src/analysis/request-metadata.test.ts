import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../store/case-store.js';
import {
  META_KEYS,
  META_SCALARS,
  metaFirst,
  metaKey,
  metaScalars,
  metaSql,
  metaValue,
  spellingsOf,
} from './request-metadata.js';

describe('request metadata: key sets', () => {
  it('canonical keys are lower-case letters, and every key has SQL spellings of that canonical form', () => {
    for (const [name, keys] of Object.entries(META_KEYS)) {
      expect(keys.length, name).toBeGreaterThan(0);
      for (const k of keys) {
        if (k === metaKey(k)) {
          for (const s of spellingsOf(k)) expect(metaKey(s), `${name}.${k}`).toBe(k);
        } else {
          // a pinned spelling: one of its canonical key's usual spellings, looked up alone
          expect(spellingsOf(metaKey(k)), `${name}.${k}`).toContain(k);
          expect(spellingsOf(k), `${name}.${k}`).toEqual([k]);
        }
      }
    }
  });

  it('each set reads its own keys and not the others', () => {
    const m = (k: string) => ({ [k]: 'v1' });
    // API key / tenant / caller (model extraction)
    for (const k of ['apiKeyId', 'api_key', 'clientId', 'applicationId'])
      expect(metaValue(m(k), META_KEYS.apiKey)).toBe('v1');
    for (const k of ['tenantId', 'tenant', 'org_id', 'organisationId', 'workspaceId'])
      expect(metaValue(m(k), META_KEYS.tenant)).toBe('v1');
    for (const k of ['customerId', 'userId', 'endUserId', 'endUserRef', 'userRef'])
      expect(metaValue(m(k), META_KEYS.caller)).toBe('v1');
    expect(metaValue(m('user'), META_KEYS.caller)).toBeNull();
    // person (scope): user ids only
    for (const k of ['userId', 'user_id', 'endUserId', 'end_user_id'])
      expect(metaValue(m(k), META_KEYS.person)).toBe('v1');
    for (const k of ['customerId', 'user', 'accountId', 'conversationId'])
      expect(metaValue(m(k), META_KEYS.person)).toBeNull();
    // customer (text pass): bare user / customer / accountId too
    for (const k of ['customerId', 'userId', 'accountId', 'customer', 'user', 'endUserId'])
      expect(metaValue(m(k), META_KEYS.customer)).toBe('v1');
    expect(metaValue(m('email'), META_KEYS.customer)).toBeNull();
    // tenant member (tenant isolation): names and e-mails, never the account (often the tenant)
    for (const k of ['userId', 'username', 'email', 'principal', 'customerId'])
      expect(metaValue(m(k), META_KEYS.tenantMember)).toBe('v1');
    expect(metaValue(m('accountId'), META_KEYS.tenantMember)).toBeNull();
    expect(metaValue(m('tenantId'), META_KEYS.tenantMember)).toBeNull();
    // conversation
    for (const k of ['conversationId', 'session_id', 'chatId', 'threadId', 'conversation'])
      expect(metaValue(m(k), META_KEYS.conversation)).toBe('v1');
    expect(metaValue(m('userId'), META_KEYS.conversation)).toBeNull();
    // signed-in user (agency): id keys, also the account and membership; endUserId pinned
    for (const k of ['customerId', 'customer_id', 'userId', 'user_id', 'endUserId', 'memberId', 'accountId'])
      expect(metaFirst(m(k), META_KEYS.signedInUser)).toBe('v1');
    for (const k of ['end_user_id', 'user', 'customer', 'member_id', 'account_id', 'email'])
      expect(metaFirst(m(k), META_KEYS.signedInUser)).toBeNull();
    expect(metaValue(m('endUserId'), META_KEYS.signedInUser)).toBe('v1');
    expect(metaValue(m('end_user_id'), META_KEYS.signedInUser)).toBeNull();
    // agent session (agency, code interpretation): conversation, session and chat ids only
    for (const k of ['conversationId', 'conversation_id', 'sessionId', 'session_id', 'chatId'])
      expect(metaFirst(m(k), META_KEYS.agentSession)).toBe('v1');
    for (const k of ['threadId', 'conversation', 'chat_id', 'SessionId'])
      expect(metaFirst(m(k), META_KEYS.agentSession)).toBeNull();
  });
});

/** The hand-written readers these sets replaced (agency, code interpretation, the invocation source). */
const OLD_END_USER_KEYS = [
  'customerId',
  'customer_id',
  'userId',
  'user_id',
  'endUserId',
  'memberId',
  'accountId',
];
const OLD_CONVERSATION_KEYS = ['conversationId', 'conversation_id', 'sessionId', 'session_id', 'chatId'];
const OLD_IP_KEYS = [
  'clientip',
  'sourceip',
  'sourceipaddress',
  'enduserip',
  'userip',
  'callerip',
  'remoteip',
  'remoteaddr',
  'remoteaddress',
  'ipaddress',
  'ip',
  'xforwardedfor',
  'clientaddress',
];
function oldAgencyMetaValue(meta: Record<string, unknown> | null, keys: string[]): string | null {
  if (!meta) return null;
  for (const k of keys) {
    const v = meta[k];
    if ((typeof v === 'string' || typeof v === 'number') && String(v).trim()) return String(v).trim();
  }
  return null;
}

describe('request metadata: the folded readers read what they read before', () => {
  const metas: Array<Record<string, unknown>> = [
    {},
    { conversationId: ' c1 ', sessionId: 's1', userId: 'u1', customerId: 'cu1' },
    { sessionId: 's2', conversationId: '   ', accountId: 7, user_id: 'u2' },
    { chatId: 'ch3', session_id: 's3', memberId: 'm3', endUserId: ' e3 ' },
    { conversation_id: 'c4', threadId: 't4', end_user_id: 'e4', customer_id: 'cu4' },
    { SessionId: 's5', chat_id: 'ch5', USERID: 'u5', endUserId: { x: 1 }, memberId: ['m'] },
    { conversationId: null, sessionId: true, chatId: 0, customerId: '', userId: 'u6' },
    { threadId: 't7', conversation: 'c7', user: 'x', customer: 'y', member_id: 'm7', account_id: 'a7' },
  ];
  it('agency: the signed-in user and the conversation id, in the same order, trimmed', () => {
    for (const m of metas) {
      expect(metaFirst(m, META_KEYS.signedInUser), JSON.stringify(m)).toBe(
        oldAgencyMetaValue(m, OLD_END_USER_KEYS),
      );
      expect(metaFirst(m, META_KEYS.agentSession), JSON.stringify(m)).toBe(
        oldAgencyMetaValue(m, OLD_CONVERSATION_KEYS),
      );
    }
    expect(metaFirst(null, META_KEYS.agentSession)).toBeNull();
  });

  it('agency and code interpretation: the same conversation-id SQL', () => {
    expect(`trim(CAST(${metaSql(META_KEYS.agentSession, { verbatim: true })} AS VARCHAR))`).toBe(
      `trim(CAST(coalesce(${OLD_CONVERSATION_KEYS.map((k) => `request_metadata->>'$.${k}'`).join(', ')}) AS VARCHAR))`,
    );
  });

  it('the invocation source: the same address keys', () => {
    expect([...META_KEYS.clientIp]).toEqual(OLD_IP_KEYS);
  });
});

describe('request metadata: JS reader', () => {
  it("takes the record's first matching key, whatever the set's order", () => {
    expect(metaValue({ userId: 'u1', customerId: 'c1' }, META_KEYS.customer)).toBe('u1');
    expect(metaValue({ customerId: 'c1', userId: 'u1' }, META_KEYS.customer)).toBe('c1');
  });

  it('matches any spelling by its canonical form', () => {
    expect(metaValue({ 'END-USER-ID': 'x9' }, META_KEYS.person)).toBe('x9');
    expect(metaValue({ UserID: 'x9' }, META_KEYS.person)).toBe('x9');
  });

  it('reads strings and numbers as logged, skips blanks and non-scalars (nested objects are not descended)', () => {
    expect(metaValue({ userId: 42 }, META_KEYS.person)).toBe('42');
    expect(metaValue({ userId: ' u 1 ' }, META_KEYS.person)).toBe(' u 1 ');
    expect(metaValue({ userId: '   ', user_id: 'u2' }, META_KEYS.person)).toBe('u2');
    for (const v of [null, true, false, ['u1'], { id: 'u1' }, { userId: 'u1' }])
      expect(metaValue({ userId: v }, META_KEYS.person), JSON.stringify(v)).toBeNull();
    expect(metaValue({ user: { userId: 'inner' } }, META_KEYS.customer)).toBeNull();
    expect(metaValue({ userId: { toString: () => 'evil' } }, META_KEYS.person)).toBeNull();
  });

  it('reads nothing from what is not an object', () => {
    for (const v of [null, undefined, 'userId=u1', 7, ['u1'], [{ userId: 'u1' }]])
      expect(metaValue(v, META_KEYS.person)).toBeNull();
  });

  it('reads a metaScalars map like the record', () => {
    const m = metaScalars({ tenantId: 'tn_1', email: 'a@example.org', userId: 'u1' });
    expect(metaValue(m, META_KEYS.tenantMember)).toBe('a@example.org');
    expect(metaValue(m, META_KEYS.tenant)).toBe('tn_1');
  });

  it('a huge value is returned whole (no identifier reader truncates), and a huge record is read', () => {
    const huge = 'u'.repeat(1_000_000);
    expect(metaValue({ userId: huge }, META_KEYS.person)).toBe(huge);
    const many: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) many[`k${i}`] = 'x';
    many.userId = 'last';
    expect(metaValue(many, META_KEYS.person)).toBe('last');
  });
});

describe('request metadata: bounded scalars', () => {
  it('keeps scalar values of bounded length, trimmed, from the first keys only', () => {
    const meta: Record<string, unknown> = {
      a: ' ok ',
      b: 'x',
      c: 'y'.repeat(META_SCALARS.maxLength + 1),
      d: 12,
      e: { nested: 'no' },
      f: ['no'],
      g: true,
      [`${'k'.repeat(100)}`]: 'long-key',
    };
    for (let i = 0; i < 40; i++) meta[`z${i}`] = `v${i}`;
    const m = metaScalars(meta);
    expect(m.get('a')).toBe('ok');
    expect(m.has('b')).toBe(false);
    expect(m.has('c')).toBe(false);
    expect(m.get('d')).toBe('12');
    expect(m.has('e') || m.has('f') || m.has('g')).toBe(false);
    expect(m.get('k'.repeat(META_SCALARS.maxKeyLength))).toBe('long-key');
    // only the first 30 entries are looked at
    expect(m.has('z21')).toBe(true);
    expect(m.has('z22')).toBe(false);
    expect(metaScalars(['a', 'b']).size).toBe(0);
    expect(metaScalars('{"a":"bb"}').size).toBe(0);
  });
});

describe('request metadata: SQL', () => {
  let store: CaseStore;
  beforeAll(async () => {
    store = await CaseStore.open(':memory:');
    await store.all('CREATE TABLE inv (id INTEGER, request_metadata JSON)');
    const rows: Array<[number, unknown]> = [
      [1, { userId: 'u1', customerId: 'c1' }],
      [2, { customerId: 'c2', userId: 'u2' }],
      [3, { user_id: '  u3  ' }],
      [4, { userId: '   ', end_user_id: 'u4' }],
      [5, { userId: 42 }],
      [6, { userId: { nested: 'x' } }],
      [7, { apiKeyId: 'k7', tenantId: 't7', customerId: 'c7' }],
      [8, { UserID: 'u8' }],
      [9, { userId: "o'hara; DROP TABLE inv" }],
      [10, null],
    ];
    for (const [id, m] of rows)
      await store.all('INSERT INTO inv VALUES (?, ?)', [id, m === null ? null : JSON.stringify(m)]);
  });
  afterAll(async () => {
    await store.close();
  });
  const read = async (expr: string): Promise<Record<number, unknown>> => {
    const out: Record<number, unknown> = {};
    for (const r of await store.all(`SELECT id, ${expr} AS v FROM inv ORDER BY id`)) out[Number(r.id)] = r.v;
    return out;
  };

  it("keeps scope's end-user expression as it was written by hand", () => {
    expect(metaSql(META_KEYS.person, { verbatim: true })).toBe(
      `coalesce(request_metadata->>'$.userId', request_metadata->>'$.user_id', request_metadata->>'$.endUserId', request_metadata->>'$.end_user_id')`,
    );
  });

  it("goes by the set's order (not the record's), trims and skips blanks", async () => {
    const v = await read(metaSql(META_KEYS.caller));
    expect(v[1]).toBe('c1');
    expect(v[2]).toBe('c2');
    expect(v[3]).toBe('u3');
    expect(v[4]).toBe('u4');
    expect(v[5]).toBe('42');
    expect(v[8]).toBeNull(); // SQL reads the listed spellings only
    expect(v[9]).toBe("o'hara; DROP TABLE inv");
    expect(v[10]).toBeNull();
  });

  it('verbatim keeps the value as logged (a blank value wins)', async () => {
    const v = await read(metaSql(META_KEYS.person, { verbatim: true }));
    expect(v[3]).toBe('  u3  ');
    expect(v[4]).toBe('   ');
  });

  it('a nested value reads as its JSON text in SQL (unlike the JS reader)', async () => {
    const v = await read(metaSql(META_KEYS.person));
    expect(v[6]).toBe('{"nested":"x"}');
  });

  it('model extraction: API key before tenant before end user', async () => {
    const v = await read(
      `coalesce(${metaSql(META_KEYS.apiKey)}, ${metaSql(META_KEYS.tenant)}, ${metaSql(META_KEYS.caller)})`,
    );
    expect(v[7]).toBe('k7');
    expect((await read(metaSql(META_KEYS.tenant)))[7]).toBe('t7');
  });
});
