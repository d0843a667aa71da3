/**
 * Notebook and Studio lifecycle configurations carry shell scripts (base64 in `onStart` / `onCreate`
 * / `studioLifecycleConfigContent`) that run as root on the instance at every start or creation,
 * with the execution role's credentials at hand. The script is hostile evidence: it is decoded under
 * a size cap and matched as text only, never run or interpreted.
 */

import { isOutsideHost } from './context.js';

/** Base64 characters read per script (SageMaker allows 16,384 per script). */
const MAX_B64 = 24_000;
/** Scripts read per request. */
const MAX_SCRIPTS = 4;

/** The decoded scripts of a lifecycle-configuration request (empty when none can be read). */
export function lifecycleScripts(req: Record<string, unknown> | null | undefined): string[] {
  if (!req) return [];
  const out: string[] = [];
  const take = (v: unknown): void => {
    if (out.length >= MAX_SCRIPTS || typeof v !== 'string' || !v) return;
    const b64 = v.slice(0, MAX_B64).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/=_-]+$/.test(b64)) return;
    const text = Buffer.from(b64, 'base64').toString('utf8');
    if (text) out.push(text);
  };
  for (const k of ['onCreate', 'onStart', 'OnCreate', 'OnStart']) {
    const v = req[k];
    if (Array.isArray(v))
      for (const x of v.slice(0, MAX_SCRIPTS))
        take(x && typeof x === 'object' ? (x as Record<string, unknown>).content : x);
  }
  take(req.studioLifecycleConfigContent);
  return out;
}

/** Reads of the instance's (or container's) role credentials. */
const CREDENTIAL_READS: Array<[RegExp, string]> = [
  [/169\.254\.169\.254|fd00:ec2::254/i, 'instance metadata service'],
  [
    /\/latest\/meta-data\/iam\/security-credentials|security-credentials\//i,
    'role credentials from instance metadata',
  ],
  [/169\.254\.170\.2|AWS_CONTAINER_CREDENTIALS_(?:RELATIVE|FULL)_URI/i, 'container credentials endpoint'],
  [/\.aws\/credentials\b/i, 'shared credentials file'],
  [
    /export-credentials|get_credentials\(\)|get_frozen_credentials|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/i,
    'credentials of the SDK or CLI',
  ],
];

/** Sending data out of the instance. */
const OUTBOUND: Array<[RegExp, string]> = [
  [
    /\bcurl\b[^\n]*(?:-X\s*(?:POST|PUT)\b|--data(?:-binary|-raw|-urlencode)?\b|\s-d\s|\s-F\s|--form\b|-T\s|--upload-file\b)/i,
    'curl upload',
  ],
  [/\bwget\b[^\n]*--post-(?:data|file)\b/i, 'wget post'],
  [
    /requests\.(?:post|put)\(|urllib\.request\.urlopen\([^)]*data=|http\.client\.[A-Za-z]+Connection/i,
    'Python HTTP upload',
  ],
  [/\/dev\/tcp\/|\bncat?\s+-?[a-z]*\s*\S+\s+\d{2,5}\b|\bsocat\b/i, 'raw socket'],
];

/** Staying on the instance beyond the script. */
const PERSISTENCE: Array<[RegExp, string]> = [
  [/\bnohup\b|\bsetsid\b|\bdisown\b/i, 'detached background process'],
  [/\bwhile\s+(?:true|:|\[\s*1\s*\])/i, 'endless loop'],
  [/\bcrontab\b|\/etc\/cron|systemctl\s+(?:enable|start)|\/etc\/systemd\//i, 'scheduled or service job'],
  [/authorized_keys/i, 'SSH key added'],
];

/** Hosts named in URLs of the script. */
const URL_HOST = /\bhttps?:\/\/([A-Za-z0-9.-]+)(?::\d+)?/g;

export interface ScriptVerdict {
  credentialReads: string[];
  outbound: string[];
  persistence: string[];
  /** hosts outside AWS the script names in URLs (at most 10) */
  outsideHosts: string[];
  /** reads the role's credentials and sends data to a host outside AWS */
  stealsCredentials: boolean;
}

const hits = (text: string, list: Array<[RegExp, string]>): string[] => [
  ...new Set(list.filter(([re]) => re.test(text)).map(([, what]) => what)),
];

/** What a lifecycle script does, from its text. */
export function judgeScript(text: string): ScriptVerdict {
  const t = text.length > 32_000 ? text.slice(0, 32_000) : text;
  const credentialReads = hits(t, CREDENTIAL_READS);
  const outbound = hits(t, OUTBOUND);
  const persistence = hits(t, PERSISTENCE);
  const hostsIn = (text: string): string[] => {
    const hosts = new Set<string>();
    for (const m of text.matchAll(URL_HOST)) {
      const h = m[1].toLowerCase().replace(/\.$/, '');
      if (isOutsideHost(h)) hosts.add(h);
      if (hosts.size >= 10) break;
    }
    return [...hosts].sort();
  };
  // the hosts the sending lines name (a package mirror the script installs from is not a
  // destination); all the script names when the sending lines take the address from a variable
  const sending = t
    .split('\n')
    .filter((l) => OUTBOUND.some(([re]) => re.test(l)))
    .join('\n');
  const sendHosts = hostsIn(sending);
  const outsideHosts = sendHosts.length ? sendHosts : hostsIn(t);
  return {
    credentialReads,
    outbound,
    persistence,
    outsideHosts,
    stealsCredentials: credentialReads.length > 0 && outbound.length > 0 && outsideHosts.length > 0,
  };
}

const linesOf = (text: string): Set<string> =>
  new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );

/**
 * Whether `script` copies `earlier` (at least 80 % of its lines, at least 3) and adds lines of its
 * own: a look-alike of an existing configuration with something appended.
 */
export function copiesWithAdditions(earlier: string, script: string): boolean {
  const a = linesOf(earlier);
  const b = linesOf(script);
  if (a.size < 3) return false;
  let shared = 0;
  for (const l of a) if (b.has(l)) shared++;
  return shared / a.size >= 0.8 && b.size > shared;
}
