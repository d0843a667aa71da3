/**
 * What an agent's code interpretation (the built-in AMAZON.CodeInterpreter action group) ran, from the
 * agent traces: the code of each `codeInterpreterInvocationInput` and the output or error of each
 * `codeInterpreterInvocationOutput`, per session.
 *
 * The code and its output are hostile text: they are never run, only matched against bounded patterns
 * an incident responder would look for in a sandbox session —
 * - sandbox / environment reconnaissance (platform, users, whole environment, the file system root);
 * - reading system files (/etc/passwd, /proc/self/environ, keys under ~/.ssh);
 * - probing for credentials (instance / container metadata endpoints, AWS key variables, SDK sessions);
 * - outbound network attempts (HTTP clients, sockets) and whether they failed;
 * - spawning processes (subprocess, os.system);
 * - bundling data for export: encoding (base64, compression, archives) of many personal records, and
 *   the knowledge-base lookups of the same session whose results the code processed.
 *
 * Ordinary analysis (pandas on an uploaded file, a chart, a listing of the working directory) carries
 * none of these and gives no finding.
 */
import { type Detector, makeFinding } from '../engine/detector.js';
import type { IdentityOf } from '../engine/principal-names.js';
import type { Finding, Json, Severity } from '../model/types.js';
import { CODE_INTERPRETER } from '../sources/agent-trace.js';
import { isoSql, type Queryable, sqlString } from '../store/case-store.js';
import { findSensitive } from '../text/index.js';
import { jsonObject } from './context.js';
import { META_KEYS, metaSql } from './request-metadata.js';

/** Characters of one step's code or output that are matched. */
const STEP_TEXT_MAX = 50_000;
/** Code-interpretation steps read per session. */
const SESSION_STEPS_MAX = 500;
/** Sessions reported (the most severe first). */
const FINDINGS_MAX = 50;
/** Distinct personal values (e-mail addresses, phone numbers) that make a bundle of records. */
export const BULK_RECORDS_MIN = 10;

export type CodeSignal =
  | 'sandbox-recon'
  | 'system-files'
  | 'credential-probe'
  | 'network-egress'
  | 'process-spawn'
  | 'data-encoding';

/** Signals that are not part of analysing data the user gave the agent. */
const STRONG: ReadonlySet<CodeSignal> = new Set([
  'system-files',
  'credential-probe',
  'network-egress',
  'process-spawn',
]);

// environment and host reconnaissance markers (each a distinct marker; one whole-environment dump suffices)
const RECON_MARKERS: Array<[string, RegExp]> = [
  ['platform', /\bplatform\.(?:platform|uname|node|release|version)\s*\(/],
  ['uname', /\bos\.uname\s*\(|\buname\s+-a\b/],
  ['python-version', /\bsys\.(?:version|platform|executable)\b/],
  ['user', /\bgetpass\.getuser\s*\(|\bos\.get(?:uid|euid|login)\s*\(|\bwhoami\b/],
  ['hostname', /\bsocket\.gethostname\s*\(/],
  [
    'root-listing',
    /\bos\.(?:listdir|scandir|walk)\s*\(\s*['"]\/['"]|\bglob\.glob\s*\(\s*['"]\/\*|\bls\s+-\w*R?\w*\s+\/(?:\s|$)/,
  ],
  ['processes', /\bpsutil\.|\bps\s+aux\b/],
  ['mounts', /\/proc\/mounts|\bdf\s+-h\b/],
];
const ENV_DUMP =
  /\b(?:dict|str|list|print|json\.dumps)\s*\(\s*os\.environ\s*\)|\bos\.environ\.(?:items|keys|copy)\s*\(|\bprintenv\b|\bos\.environ\s*$/m;
const SYSTEM_FILES =
  /\/etc\/(?:passwd|shadow|group|sudoers|hosts|hostname|os-release|resolv\.conf|crontab)\b|\/proc\/(?:self|\d+)\/(?:environ|cmdline|maps|status|root)|\/proc\/(?:version|cpuinfo|meminfo)\b|\/root\/|\/var\/run\/secrets\b|\.ssh\/(?:id_|authorized_keys|known_hosts)|\/home\/[\w.-]+\/\.(?:bash_history|aws|ssh)\b/;
const CREDENTIALS =
  /169\.254\.169\.254|169\.254\.170\.2|fd00:ec2::254|AWS_CONTAINER_CREDENTIALS|AWS_(?:ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)\b|\.aws\/(?:credentials|config)\b|\bget_credentials\s*\(|\bboto3\.(?:Session|client|resource)\s*\(|\bsecretsmanager\b|\bget_parameters?\s*\(|\bos\.environ\s*\[\s*['"][^'"]*(?:KEY|TOKEN|SECRET|PASSW)[^'"]*['"]\s*\]/i;
const NETWORK =
  /\burllib\.request\b|\burlopen\s*\(|\brequests\.(?:get|post|put|patch|head|request|Session)\b|\bhttp\.client\b|\bhttpx\.|\baiohttp\b|\burllib3\b|\bsocket\.(?:socket|create_connection)\s*\(|\.connect\s*\(\s*\(|\bftplib\b|\bsmtplib\b|\bparamiko\b|\b(?:curl|wget)\s+\S|\bnslookup\b|\bdns\.resolver\b|\bsocket\.gethostbyname\s*\(/;
const NETWORK_FAILED =
  /name resolution|Name or service not known|nodename nor servname|Network is unreachable|Connection refused|Connection timed out|Max retries exceeded|URLError|ConnectionError|gaierror|NewConnectionError|No route to host/i;
const PROCESS =
  /\bsubprocess\.|\bos\.(?:system|popen|exec[lv]p?e?|spawn\w*)\s*\(|\bpty\.spawn\s*\(|\bcommands\.getoutput\s*\(/;
const ENCODING =
  /\bbase64\.(?:b64encode|b32encode|b85encode|a85encode|encodebytes|urlsafe_b64encode)\s*\(|\bbinascii\.(?:hexlify|b2a_\w+)\s*\(|\bzlib\.compress\s*\(|\bgzip\.compress\s*\(|\bzipfile\.ZipFile\s*\(|\btarfile\.open\s*\(|\bcodecs\.encode\s*\([^)]{0,80}base64/;
/** A long base64 run in an output: the encoded form of what the code bundled. */
const B64_RUN = /[A-Za-z0-9+/]{160,}={0,2}/g;
const URL_HOST = /\bhttps?:\/\/([a-z0-9][a-z0-9.-]{0,252}\.[a-z]{2,})(?::\d+)?/gi;

export interface CodeStepSignals {
  signals: CodeSignal[];
  /** distinct recon markers (`env-dump` for a whole-environment dump) */
  recon: string[];
  /** hosts named in the code of a network attempt (bounded) */
  hosts: string[];
}

const bounded = (s: string): string => (s.length > STEP_TEXT_MAX ? s.slice(0, STEP_TEXT_MAX) : s);

/** The signals in one step's code (`code`) or output / error (`output`): patterns only, never run. */
export function codeSignals(code: string, output = ''): CodeStepSignals {
  const c = bounded(code);
  const o = bounded(output);
  const signals = new Set<CodeSignal>();
  const recon: string[] = [];
  for (const [name, re] of RECON_MARKERS) if (re.test(c)) recon.push(name);
  if (ENV_DUMP.test(c)) recon.push('env-dump');
  const wholeEnv = recon.includes('env-dump');
  if (wholeEnv || recon.length >= 2) signals.add('sandbox-recon');
  if (SYSTEM_FILES.test(c)) signals.add('system-files');
  if (CREDENTIALS.test(c)) signals.add('credential-probe');
  const hosts: string[] = [];
  if (NETWORK.test(c)) {
    signals.add('network-egress');
    for (const m of c.matchAll(URL_HOST)) {
      const h = m[1].toLowerCase();
      if (!hosts.includes(h) && hosts.length < 5) hosts.push(h);
    }
  }
  if (PROCESS.test(c)) signals.add('process-spawn');
  if (ENCODING.test(c) || (o && longBase64(o).length)) signals.add('data-encoding');
  return { signals: [...signals].sort(), recon, hosts };
}

/** The long base64 runs of a text (bounded). */
function longBase64(text: string): string[] {
  const out: string[] = [];
  for (const m of bounded(text).matchAll(B64_RUN)) {
    out.push(m[0]);
    if (out.length >= 20) break;
  }
  return out;
}

/**
 * Distinct e-mail addresses and phone numbers in a text and in the base64 blobs it carries (decoded,
 * bounded; never run) added to `into`; returns how many values the blobs held.
 */
export function personalValuesIn(text: string, into: Set<string>): number {
  const t = bounded(text);
  const add = (s: string): number => {
    const ms = findSensitive(s, { types: ['email', 'phone'] });
    for (const m of ms)
      into.add(
        `${m.type}:${s
          .slice(m.start, m.end)
          .toLowerCase()
          .replace(/[^a-z0-9@.+]/g, '')}`,
      );
    return ms.length;
  };
  add(t);
  let encoded = 0;
  for (const b of longBase64(t)) {
    // a cut blob decodes up to its last whole group
    const whole = b.slice(0, Math.min(STEP_TEXT_MAX, b.length - (b.length % 4)));
    const decoded = Buffer.from(whole, 'base64').toString('utf8');
    // only text: binary (an image) is not read as records
    if (/^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(decoded.slice(0, 2000))) encoded += add(decoded);
  }
  return encoded;
}

interface SessionCode {
  sessionId: string;
  agentId: string | null;
  aliasId: string | null;
  first: string;
  last: string;
  steps: number;
  /** code runs (the inputs) */
  runs: number;
  traceIds: Set<string>;
  signals: Set<CodeSignal>;
  recon: Set<string>;
  hosts: Set<string>;
  networkFailed: boolean;
  personal: Set<string>;
  encodedPersonal: boolean;
  /** the code / output excerpts of the steps with signals (bounded, never run) */
  excerpts: Array<{ time: string; traceId: string | null; signals: CodeSignal[]; text: string }>;
}

/** Knowledge-base lookups of these sessions: trace ids, knowledge bases, the documents they returned. */
async function kbLookups(
  db: Queryable,
  sessions: string[],
): Promise<Map<string, { traceIds: Set<string>; kbs: Set<string>; locations: Set<string> }>> {
  const out = new Map<string, { traceIds: Set<string>; kbs: Set<string>; locations: Set<string> }>();
  if (!sessions.length) return out;
  // a lookup's input names the knowledge base (action_group) with no API; its observation the documents
  const rows = await db.all(
    `SELECT session_id, trace_id, step_kind, action_group, CAST(parameters AS VARCHAR) AS params
     FROM agent_steps
     WHERE session_id IN (${sessions.map(sqlString).join(',')})
       AND ((step_kind = 'invocationInput' AND api_name IS NULL AND action_group IS NOT NULL AND action_group <> ${sqlString(CODE_INTERPRETER)}
             AND CAST(raw AS VARCHAR) LIKE '%knowledgeBaseLookupInput%')
         OR (step_kind = 'observation' AND CAST(parameters AS VARCHAR) LIKE '%"locations"%'))
     ORDER BY time, uid`,
  );
  for (const r of rows) {
    const sid = String(r.session_id);
    const e = out.get(sid) ?? { traceIds: new Set(), kbs: new Set(), locations: new Set() };
    if (r.trace_id) e.traceIds.add(String(r.trace_id));
    if (r.step_kind === 'invocationInput' && r.action_group) e.kbs.add(String(r.action_group));
    const p = jsonObject(r.params);
    const locs = p?.locations;
    if (Array.isArray(locs)) for (const l of locs.slice(0, 20)) if (typeof l === 'string') e.locations.add(l);
    out.set(sid, e);
  }
  return out;
}

/** The application's model calls of these conversations (requestMetadata conversation id = agent session). */
async function conversationCalls(
  db: Queryable,
  sessions: string[],
  identityOf: IdentityOf,
): Promise<Map<string, { requestIds: string[]; ips: Set<string>; principals: Set<string> }>> {
  const out = new Map<string, { requestIds: string[]; ips: Set<string>; principals: Set<string> }>();
  if (!sessions.length) return out;
  const convId = `trim(CAST(${metaSql(META_KEYS.agentSession, { verbatim: true })} AS VARCHAR))`;
  const rows = await db.all(
    `SELECT ${convId} AS sid, request_id, client_ip, identity_arn FROM invocations
     WHERE request_metadata IS NOT NULL AND ${convId} IN (${sessions.map(sqlString).join(',')})
     ORDER BY time, request_id`,
  );
  for (const r of rows) {
    const sid = String(r.sid);
    const e = out.get(sid) ?? { requestIds: [], ips: new Set(), principals: new Set() };
    if (r.request_id) e.requestIds.push(String(r.request_id));
    if (r.client_ip) e.ips.add(String(r.client_ip));
    if (r.identity_arn) e.principals.add(identityOf(String(r.identity_arn)) ?? String(r.identity_arn));
    out.set(sid, e);
  }
  const ct = await db.all(
    `SELECT json_extract_string(request_parameters, '$.sessionId') AS sid, event_id, source_ip, identity_arn
     FROM events WHERE action IN ('InvokeAgent', 'InvokeInlineAgent')
       AND json_extract_string(request_parameters, '$.sessionId') IN (${sessions.map(sqlString).join(',')})
     ORDER BY time, event_id`,
  );
  for (const r of ct) {
    const sid = String(r.sid);
    const e = out.get(sid) ?? { requestIds: [], ips: new Set(), principals: new Set() };
    if (r.event_id) e.requestIds.push(`event:${r.event_id}`);
    // InvokeAgent's source is the application calling the agent, not the end user: not an actor address
    if (r.identity_arn) e.principals.add(identityOf(String(r.identity_arn)) ?? String(r.identity_arn));
    out.set(sid, e);
  }
  return out;
}

const SIGNAL_TEXT: Record<CodeSignal, string> = {
  'sandbox-recon': 'sandbox / environment reconnaissance',
  'system-files': 'reading system files',
  'credential-probe': 'probing for credentials',
  'network-egress': 'outbound network attempts',
  'process-spawn': 'spawning processes',
  'data-encoding': 'encoding / bundling data',
};

/** Severity of a session's code interpretation. */
export function codeSessionSeverity(
  signals: ReadonlySet<CodeSignal>,
  personalValues: number,
  encodedPersonal: boolean,
): Severity | null {
  const strong = [...signals].filter((s) => STRONG.has(s)).length;
  const bundled = (signals.has('data-encoding') || encodedPersonal) && personalValues >= BULK_RECORDS_MIN;
  const probing = strong + (signals.has('sandbox-recon') ? 1 : 0);
  if (bundled || strong >= 2 || (strong >= 1 && signals.has('sandbox-recon'))) return 'high';
  if (strong >= 1) return 'medium';
  if (probing || signals.has('data-encoding')) return 'low';
  return null;
}

export const agentCodeExecutionDetector: Detector = {
  id: 'data-plane.agent-code-execution',
  title: "What an agent's code interpretation ran: sandbox probing, system files, egress, data bundling",
  elements: ['agency', 'invocation'],
  async run(ctx) {
    const rows = await ctx.db.all(
      `SELECT session_id, agent_id, agent_alias_id, trace_id, step_kind, ${isoSql('time')} AS t, text
       FROM agent_steps
       WHERE action_group = ${sqlString(CODE_INTERPRETER)} AND api_name IS NULL
         AND step_kind IN ('invocationInput', 'observation') AND session_id IS NOT NULL
       ORDER BY session_id, time, uid`,
    );
    if (!rows.length) return [];
    const sessions = new Map<string, SessionCode>();
    for (const r of rows) {
      const sid = String(r.session_id);
      let s = sessions.get(sid);
      if (!s) {
        s = {
          sessionId: sid,
          agentId: r.agent_id ? String(r.agent_id) : null,
          aliasId: r.agent_alias_id ? String(r.agent_alias_id) : null,
          first: String(r.t),
          last: String(r.t),
          steps: 0,
          runs: 0,
          traceIds: new Set(),
          signals: new Set(),
          recon: new Set(),
          hosts: new Set(),
          networkFailed: false,
          personal: new Set(),
          encodedPersonal: false,
          excerpts: [],
        };
        sessions.set(sid, s);
      }
      if (s.steps >= SESSION_STEPS_MAX) continue;
      s.steps++;
      s.last = String(r.t);
      if (r.trace_id) s.traceIds.add(String(r.trace_id));
      const text = String(r.text ?? '');
      const isCode = r.step_kind === 'invocationInput';
      if (isCode) s.runs++;
      const sig = isCode ? codeSignals(text) : codeSignals('', text);
      for (const x of sig.signals) s.signals.add(x);
      for (const x of sig.recon) s.recon.add(x);
      for (const h of sig.hosts) if (s.hosts.size < 10) s.hosts.add(h);
      if (!isCode && NETWORK_FAILED.test(bounded(text))) s.networkFailed = true;
      if (personalValuesIn(text, s.personal) > 0 && !isCode) s.encodedPersonal = true;
      if (sig.signals.length && s.excerpts.length < 12)
        s.excerpts.push({
          time: String(r.t),
          traceId: r.trace_id ? String(r.trace_id) : null,
          signals: sig.signals,
          text: text.slice(0, 300),
        });
    }
    const judged: Array<{ s: SessionCode; severity: Severity }> = [];
    for (const s of sessions.values()) {
      // a network attempt is judged from the code; its failure only tells the outcome
      const severity = codeSessionSeverity(s.signals, s.personal.size, s.encodedPersonal);
      if (severity) judged.push({ s, severity });
    }
    if (!judged.length) return [];
    const rank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };
    judged.sort(
      (a, b) =>
        rank[a.severity] - rank[b.severity] ||
        a.s.first.localeCompare(b.s.first) ||
        a.s.sessionId.localeCompare(b.s.sessionId),
    );
    const kept = judged.slice(0, FINDINGS_MAX);
    const sids = kept.map((x) => x.s.sessionId).sort();
    const kb = await kbLookups(ctx.db, sids);
    const calls = await conversationCalls(ctx.db, sids, ctx.identityOf);
    const out: Finding[] = [];
    for (const { s, severity } of kept) {
      const k = kb.get(s.sessionId);
      const c = calls.get(s.sessionId);
      const severe = severity === 'high' || severity === 'medium';
      const personal = s.personal.size >= BULK_RECORDS_MIN;
      const kbs = [...(k?.kbs ?? [])].sort();
      const sigs = [...s.signals].sort();
      const what = sigs.map((x) => SIGNAL_TEXT[x]);
      const requestIds = (c?.requestIds ?? []).filter((x) => !x.startsWith('event:'));
      const eventIds = (c?.requestIds ?? []).filter((x) => x.startsWith('event:')).map((x) => x.slice(6));
      const ips = [...(c?.ips ?? [])].sort();
      out.push(
        makeFinding({
          ruleId: 'data-plane.agent-code-execution',
          title: `Agent ${s.agentId ?? '?'} ran code in session ${s.sessionId.slice(0, 8)}: ${what.join(', ')}`,
          description:
            `In session ${s.sessionId} (${s.first} to ${s.last}) the agent's code interpretation ran code ${s.runs} time(s), showing ${what.join(', ')}` +
            (s.recon.size ? ` (recon: ${[...s.recon].sort().join(', ')})` : '') +
            (s.hosts.size ? `; network destinations ${[...s.hosts].sort().join(', ')}` : '') +
            (s.signals.has('network-egress')
              ? s.networkFailed
                ? ' (the attempt failed: the sandbox had no network)'
                : ''
              : '') +
            (personal
              ? `; the code handled ${s.personal.size} distinct personal value(s) (e-mail addresses, phone numbers)${s.encodedPersonal ? ', returned base64-encoded' : ''}`
              : '') +
            (kbs.length
              ? `; the data came from knowledge-base lookup(s) of ${kbs.join(', ')}${k?.locations.size ? ` (${[...k.locations].sort().slice(0, 5).join(', ')})` : ''} in the same session`
              : '') +
            `.${ips.length ? ` Client addresses: ${ips.join(', ')}.` : ''}` +
            ' The code and its output are quoted, never run.',
          severity,
          elements: personal && severe ? ['agency', 'invocation', 'private-data'] : ['agency', 'invocation'],
          components: ['agents', 'plugins', ...(kbs.length ? (['knowledge-bases'] as const) : [])],
          times: [s.first, s.last],
          principals: severe ? [...(c?.principals ?? [])].sort() : [],
          sourceIps: severe ? ips : [],
          resources: [...(s.agentId ? [s.agentId] : []), ...(severe ? kbs : [])],
          attack: [
            'AML.T0053',
            ...(s.signals.has('sandbox-recon') || s.signals.has('system-files') ? ['T1082', 'T1083'] : []),
            ...(s.signals.has('credential-probe') ? ['T1552'] : []),
            ...(s.signals.has('data-encoding') ? ['T1132'] : []),
            ...(personal ? ['AML.T0057'] : []),
          ],
          evidence: {
            traceIds: [...s.traceIds, ...(k?.traceIds ?? []), s.sessionId],
            requestIds: severe ? requestIds : [],
            eventIds: severe ? eventIds : [],
          },
          details: {
            sessionId: s.sessionId,
            agentId: s.agentId,
            agentAliasId: s.aliasId,
            signals: sigs,
            recon: [...s.recon].sort(),
            networkDestinations: [...s.hosts].sort(),
            networkFailed: s.networkFailed,
            personalValues: s.personal.size,
            encodedPersonalData: s.encodedPersonal,
            knowledgeBases: kbs,
            documents: [...(k?.locations ?? [])].sort().slice(0, 20),
            steps: s.excerpts as unknown as Json,
          },
        }),
      );
    }
    return out;
  },
};
