/**
 * IAM Identity Center: the access portal's sign-ins and sessions, the administration of permission
 * sets, assignments and the identity store, and the roles Identity Center's service-linked role
 * writes into member accounts on an administrator's behalf.
 *
 * What a responder asks of these records (they sit in the management or delegated-administrator
 * account, apart from the workload accounts where the access is used):
 * - was a portal session used from two networks minutes apart (a session token relayed by a
 *   phishing proxy and replayed elsewhere)? The portal session is `userIdentity.credentialId` of the
 *   `IdentityCenterUser` records (`signin` UserAuthentication, `sso` Authenticate / ListAccounts /
 *   Federate / GetRoleCredentials);
 * - which workload-account role sessions came out of that portal session? `Federate`
 *   (`serviceEventDetails.account_id` / `role_name`) and `GetRoleCredentials` (`accountId`,
 *   `roleName`) are answered by an `AssumeRoleWithSAML` of `AWSReservedSSO_<role>_…` in that
 *   account for the same user (SAML subject = the portal user name) within minutes: its
 *   `credentials.accessKeyId` is the session key used there;
 * - who changed permission sets or assignments (`sso.amazonaws.com` administration calls, the
 *   identity store), and was it planned (the change calendar) or done with a session that is
 *   itself suspect?
 * - a user signing in from an address it never used, registering a new MFA device
 *   (`additionalEventData.DeviceEnrollmentRequired`, or the directory's MFA registration calls),
 *   right after an unplanned change gave it access: the access granted is being used.
 *
 * `linkIdentityCenterProvisioning` traces the IAM changes Identity Center's service-linked role
 * (`invokedBy: sso.amazonaws.com`) makes in a member account back to the provisioning call
 * (`ProvisionPermissionSet`, `CreateAccountAssignment`, …) that caused them: the candidate takes that
 * session as its actor and is judged planned or not through it.
 */
import { sqlTime } from '../store/case-store.js';
import {
  actionList,
  actorOf,
  applyContext,
  type Candidate,
  type CtRow,
  type Env,
  isPublicIp,
  loadEvents,
  matchContext,
  nameOf,
  netOf,
  principalsOf,
  subjectOf,
} from './context.js';

const SSO = 'sso.amazonaws.com';
const SIGNIN = 'signin.amazonaws.com';
const DIRECTORY_SERVICES = ['identitystore.amazonaws.com', 'sso-directory.amazonaws.com'];
const PORTAL_ACTIONS = [
  'UserAuthentication',
  'CredentialChallenge',
  'CredentialVerification',
  'Authenticate',
  'ListAccounts',
  'ListAccountRoles',
  'Federate',
  'GetRoleCredentials',
  'Logout',
];
/** Identity Center administration calls that grant or change access */
const ADMIN_WRITE =
  /^(Create|Delete|Update|Put|Attach|Detach|Provision|Add|Remove)(PermissionSet|InlinePolicy|ManagedPolicy|CustomerManagedPolicy|PermissionsBoundary|AccountAssignment|ApplicationAssignment|User|Group|GroupMembership|MemberToGroup|InstanceAccessControlAttributeConfiguration)|^(PutInlinePolicyToPermissionSet|AttachManagedPolicyToPermissionSet|AttachCustomerManagedPolicyReferenceToPermissionSet|PutPermissionsBoundaryToPermissionSet|ProvisionPermissionSet|CreateAccountAssignment|DeleteAccountAssignment|CreateGroupMembership|AddMemberToGroup|UpdateUser|UpdatePassword|ResetPassword)$/;
/** provisioning calls after which the service-linked role writes roles in member accounts */
const PROVISIONING = [
  'ProvisionPermissionSet',
  'CreateAccountAssignment',
  'DeleteAccountAssignment',
  'UpdatePermissionSet',
  'DeletePermissionSet',
];
/** directory calls that register an MFA device */
const MFA_REGISTRATION = /Mfa|MFA|WebAuthn/;
/** how long after a provisioning call the service-linked role's writes are still its */
const PROVISION_WINDOW_MIN = 15;
/** two networks using one portal session within this many minutes: the session was replayed */
const REPLAY_WINDOW_MIN = 60;
/** how long after `Federate` / `GetRoleCredentials` the role session starts in the member account */
const FEDERATE_WINDOW_MIN = 5;
/** a grant made this long before a sign-in is what the sign-in uses */
const GRANT_WINDOW_H = 48;

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const minutes = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / 60_000;

interface PortalRec {
  row: CtRow;
  credentialId: string | null;
  /** identity-store user id (`onBehalfOf.userId`) */
  userId: string | null;
  /** the sign-in name (`additionalEventData.UserName`), when the record carries it */
  userName: string | null;
  /** the account and permission set a `Federate` / `GetRoleCredentials` asked for */
  account: string | null;
  role: string | null;
}

/** A role session opened in a member account from a portal session. */
interface RoleSession {
  saml: CtRow;
  key: string | null;
  role: string | null;
  ip: string | null;
}

interface Grant {
  row: CtRow;
  /** identity-store user or group the grant names */
  principalId: string | null;
  explained: boolean;
}

export interface IdentityCenterState {
  /** portal sessions used from two networks: credentialId → records */
  replayed: Map<string, PortalRec[]>;
  /** session keys issued from replayed portal sessions (in any account) */
  compromisedKeys: Set<string>;
}

async function portalRecords(env: Env): Promise<PortalRec[]> {
  const where = `(service IN ('${SSO}', '${SIGNIN}') AND action IN (${actionList(PORTAL_ACTIONS)}))
    OR (service IN (${actionList(DIRECTORY_SERVICES)}) AND principal_type IS DISTINCT FROM 'AssumedRole')`;
  const rows = await loadEvents(env.db, where, [], { resp: false });
  if (!rows.length) return [];
  // the portal session and the federation target are outside the columns: read them from the record
  const more = await env.db.all(
    `SELECT uid, json_extract_string(raw, '$.userIdentity.credentialId') AS cred,
            json_extract_string(raw, '$.serviceEventDetails.account_id') AS acct,
            json_extract_string(raw, '$.serviceEventDetails.role_name') AS role,
            CASE WHEN principal_type = 'IdentityCenterUser' OR principal_arn IS NULL THEN principal_id END AS pid
     FROM events WHERE ${where} ORDER BY uid`,
  );
  const byUid = new Map(more.map((m) => [String(m.uid), m]));
  // sign-in steps before the user is known carry the workflow id; the UserAuthentication names the user
  const flowUser = new Map<string, { userId: string | null; cred: string | null }>();
  for (const r of rows) {
    const flow = str(r.extra?.AuthWorkflowID);
    if (flow && r.action === 'UserAuthentication')
      flowUser.set(flow, {
        userId: str(byUid.get(r.uid)?.pid),
        cred: str(byUid.get(r.uid)?.cred),
      });
  }
  return rows.map((r) => {
    const m = byUid.get(r.uid);
    const flow = str(r.extra?.AuthWorkflowID);
    const fu = flow ? flowUser.get(flow) : undefined;
    return {
      row: r,
      credentialId: str(m?.cred) ?? fu?.cred ?? null,
      userId: str(m?.pid) ?? fu?.userId ?? null,
      userName: str(r.extra?.UserName) ?? str(r.req?.userName),
      account: str(m?.acct) ?? str(r.req?.accountId),
      role: str(m?.role) ?? str(r.req?.roleName),
    };
  });
}

/** The role sessions (AssumeRoleWithSAML in member accounts) that portal federations opened. */
async function roleSessionsOf(
  env: Env,
  recs: PortalRec[],
  names: Map<string, string>,
): Promise<Map<string, RoleSession>> {
  const out = new Map<string, RoleSession>();
  const feds = recs.filter(
    (p) => (p.row.action === 'Federate' || p.row.action === 'GetRoleCredentials') && p.role,
  );
  if (!feds.length) return out;
  const times = feds.map((p) => p.row.time).sort();
  const sessions = await loadEvents(
    env.db,
    `action = 'AssumeRoleWithSAML' AND error_code IS NULL
     AND time >= CAST($1 AS TIMESTAMP) - INTERVAL 1 MINUTE AND time <= CAST($2 AS TIMESTAMP) + INTERVAL ${FEDERATE_WINDOW_MIN} MINUTE
     AND (request_parameters->>'$.roleArn') LIKE '%AWSReservedSSO\\_%' ESCAPE '\\'`,
    [sqlTime(times[0]), sqlTime(times[times.length - 1])],
    { extra: false },
  );
  const used = new Set<string>();
  for (const p of feds) {
    const who = p.userId ? names.get(p.userId) : null;
    const fits = sessions.filter((s) => {
      if (used.has(s.uid)) return false;
      const m = minutes(p.row.time, s.time);
      if (m < -1 || m > FEDERATE_WINDOW_MIN) return false;
      const roleArn = str(s.req?.roleArn) ?? '';
      const acct = roleArn.split(':')[4] ?? '';
      if (p.account && acct && acct !== p.account) return false;
      if (!new RegExp(`/AWSReservedSSO_${escapeRe(p.role ?? '')}_[^/]+$`).test(roleArn)) return false;
      const subject = (str(s.resp?.subject) ?? s.userName ?? '').toLowerCase();
      return who ? subject === who.toLowerCase() : s.sourceIp === p.row.sourceIp;
    });
    const s = fits.find((x) => x.sourceIp === p.row.sourceIp) ?? fits[0];
    if (!s) continue;
    used.add(s.uid);
    const creds = s.resp?.credentials as Record<string, unknown> | undefined;
    out.set(p.row.uid, {
      saml: s,
      key: str(creds?.accessKeyId),
      role: str(s.req?.roleArn),
      ip: s.sourceIp,
    });
  }
  return out;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Access-portal sessions used from two networks, and sign-ins that use access an unplanned or
 * suspect change has just granted. Returns the access candidates and the administration candidates
 * (infrastructure changes) together: a change made from a replayed session is the actor's.
 */
export async function identityCenter(env: Env): Promise<{ access: Candidate[]; changes: Candidate[] }> {
  const recs = await portalRecords(env);
  const admin = await loadEvents(
    env.db,
    `(service = '${SSO}' OR service IN (${actionList(DIRECTORY_SERVICES)})) AND principal_type IN ('AssumedRole', 'IAMUser', 'Root', 'FederatedUser')`,
  );
  if (!recs.length && !admin.some((r) => ADMIN_WRITE.test(r.action) && !r.errorCode))
    return { access: [], changes: [] };
  // user id → sign-in name (from the sign-in records that carry both)
  const names = new Map<string, string>();
  for (const p of recs) if (p.userId && p.userName && !names.has(p.userId)) names.set(p.userId, p.userName);
  const roleSessions = await roleSessionsOf(env, recs, names);

  // ---- portal sessions used from two networks --------------------------------------------------
  const byCred = new Map<string, PortalRec[]>();
  for (const p of recs) {
    if (!p.credentialId) continue;
    if (!byCred.has(p.credentialId)) byCred.set(p.credentialId, []);
    byCred.get(p.credentialId)!.push(p);
  }
  const access: Candidate[] = [];
  const compromisedKeys = new Set<string>();
  const compromisedUsers = new Set<string>();
  for (const [cred, ps] of [...byCred].sort((a, b) => a[0].localeCompare(b[0]))) {
    ps.sort((a, b) => a.row.time.localeCompare(b.row.time) || a.row.uid.localeCompare(b.row.uid));
    const pub = ps.filter((p) => isPublicIp(p.row.sourceIp) && !env.base.isCommonIp(p.row.sourceIp));
    let pair: [PortalRec, PortalRec] | null = null;
    for (let i = 1; i < pub.length && !pair; i++) {
      const a = pub[i - 1];
      const b = pub[i];
      if (
        netOf(a.row.sourceIp!) !== netOf(b.row.sourceIp!) &&
        minutes(a.row.time, b.row.time) <= REPLAY_WINDOW_MIN
      )
        pair = [a, b];
    }
    if (!pair) continue;
    const user = ps.find((p) => p.userId)?.userId ?? null;
    if (user) compromisedUsers.add(user);
    const who = (user && names.get(user)) ?? user ?? 'an Identity Center user';
    const downstream = ps.map((p) => roleSessions.get(p.row.uid)).filter((s): s is RoleSession => !!s);
    for (const s of downstream) if (s.key) compromisedKeys.add(s.key);
    const rows = [...ps.map((p) => p.row), ...downstream.map((s) => s.saml)].sort(
      (a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid),
    );
    const ips = [...new Set(pub.map((p) => p.row.sourceIp!))];
    access.push({
      ruleId: 'access.portal-session-replayed',
      title: `Identity Center portal session of ${who} used from ${ips.length} networks`,
      description:
        `The access-portal session ${cred.slice(0, 12)}… of ${who} was used from ${pair[0].row.sourceIp} at ${pair[0].row.time} ` +
        `and from ${pair[1].row.sourceIp} at ${pair[1].row.time} (${Math.round(minutes(pair[0].row.time, pair[1].row.time))} min apart): ` +
        'a portal session token relayed by a phishing proxy and replayed from another host. ' +
        (downstream.length
          ? `It opened ${downstream.length} role session(s): ${[...new Set(downstream.map((s) => nameOf(s.role)))].join(', ')}.`
          : 'No role session it opened is in the evidence.'),
      severity: 'high',
      strength: 'hard',
      ifActor: 'high',
      elements: ['access'],
      times: rows.map((r) => r.time),
      principals: [...new Set(downstream.map((s) => s.role).filter((x): x is string => !!x))],
      accessKeyIds: downstream.map((s) => s.key),
      sourceIps: ips,
      // the user whose session was stolen is the victim, named in details, not a resource the actor used
      resources: [],
      attack: ['T1550.004', 'T1557', 'T1078.004'],
      evidence: { eventIds: rows.map((r) => r.eventId) },
      actors: [
        ...ips.map((ip) => ({ key: null, ip, identity: null })),
        ...downstream.map((s) => ({ key: s.key, ip: s.ip, identity: s.role })),
      ],
      triage: [`the same portal session (credentialId) from ${ips.join(' and ')}`],
      details: { credentialId: cred, userId: user, userName: user ? (names.get(user) ?? null) : null },
    });
  }

  // ---- administration of permission sets, assignments and the identity store --------------------
  const writes = admin.filter((r) => ADMIN_WRITE.test(r.action) && !r.errorCode && r.readOnly !== true);
  const changes: Candidate[] = [];
  const grants: Grant[] = [];
  const sessions = new Map<string, CtRow[]>();
  for (const r of writes) {
    const k = `${r.accessKeyId ?? ''}\u0000${r.sourceIp ?? ''}\u0000${r.identityArn ?? ''}`;
    if (!sessions.has(k)) sessions.set(k, []);
    sessions.get(k)!.push(r);
  }
  for (const [, ws] of [...sessions].sort((a, b) => a[0].localeCompare(b[0]))) {
    // bursts an hour apart are separate pieces of work
    const bursts: CtRow[][] = [];
    for (const r of ws) {
      const last = bursts[bursts.length - 1];
      if (last && minutes(last[last.length - 1].time, r.time) <= 60) last.push(r);
      else bursts.push([r]);
    }
    for (const b of bursts) {
      const r0 = b[0];
      const first = b[0].time;
      const last = b[b.length - 1].time;
      // what the same session read in Identity Center around the change (the enumeration before it)
      const reads = admin.filter(
        (r) =>
          !writes.includes(r) &&
          r.accessKeyId === r0.accessKeyId &&
          r.sourceIp === r0.sourceIp &&
          minutes(r.time, first) <= 30 &&
          minutes(last, r.time) <= 15,
      );
      const all = [...reads, ...b].sort((x, y) => x.time.localeCompare(y.time) || x.uid.localeCompare(y.uid));
      const targets = [
        ...new Set(
          b.flatMap((r) => [
            str(r.req?.permissionSetArn),
            str(r.req?.principalId),
            str(r.req?.targetId),
            str(r.resp?.userId),
            str(r.req?.groupId),
            str((r.req?.memberId as Record<string, unknown> | undefined)?.userId),
          ]),
        ),
      ].filter((x): x is string => !!x);
      const grantsAccess = b.some((r) =>
        /InlinePolicy|ManagedPolicy|CustomerManagedPolicy|PermissionsBoundary|AccountAssignment|GroupMembership|MemberToGroup|ProvisionPermissionSet/.test(
          r.action,
        ),
      );
      const fromCompromised = !!r0.accessKeyId && compromisedKeys.has(r0.accessKeyId);
      const who = nameOf(r0.principalArn ?? r0.identityArn);
      const c: Candidate = {
        ruleId: 'infrastructure.identity-center-change',
        title: `Identity Center ${[...new Set(b.map((r) => r.action))].join(', ')} by ${who}`,
        description:
          `${who} from ${r0.sourceIp}: ` +
          b
            .map(
              (r) =>
                `${r.action}${str(r.req?.permissionSetArn) ? ` ${nameOf(str(r.req?.permissionSetArn))}` : ''}${str(r.req?.principalId) ? ` for ${r.req?.principalType ?? 'principal'} ${r.req?.principalId}` : ''}${str(r.req?.targetId) ? ` in ${r.req?.targetId}` : ''}`,
            )
            .join('; ') +
          (reads.length ? `; with ${reads.length} Identity Center reads` : '') +
          '.',
        severity: grantsAccess ? 'low' : 'informational',
        strength: 'soft',
        ifActor: 'high',
        elements: ['infrastructure-changes'],
        times: all.map((r) => r.time),
        principals: [...new Set(all.flatMap(principalsOf))],
        accessKeyIds: [r0.accessKeyId],
        sourceIps: [r0.sourceIp],
        resources: targets.filter((t) => !/^\d{12}$/.test(t)),
        attack: ['T1098', 'T1098.003'],
        evidence: { eventIds: all.map((r) => r.eventId) },
        actors: [actorOf(r0)],
        triage: [
          grantsAccess ? 'permission sets or assignments changed: access granted' : 'identity administration',
        ],
        details: {
          changes: b.map((r) => ({
            time: r.time,
            action: r.action,
            permissionSet: str(r.req?.permissionSetArn),
            principalId: str(r.req?.principalId),
            target: str(r.req?.targetId),
            eventId: r.eventId,
          })),
        },
      };
      if (fromCompromised) {
        c.severity = grantsAccess ? 'high' : 'medium';
        c.strength = 'hard';
        c.triage.push('made with a role session opened from a replayed portal session');
      } else {
        applyContext(c, matchContext(env.entries, { ...subjectOf(r0), targets }));
      }
      const explained = !!c.explained && c.strength === 'context';
      for (const r of b) {
        const pid =
          str(r.req?.principalId) ?? str((r.req?.memberId as Record<string, unknown> | undefined)?.userId);
        if (
          /AccountAssignment$|GroupMembership|MemberToGroup/.test(r.action) &&
          !/^Delete|^Remove/.test(r.action)
        )
          grants.push({ row: r, principalId: pid, explained });
      }
      changes.push(c);
    }
  }

  // ---- sign-ins from a new address that register a device or use fresh access ---------------------
  const signIns = recs
    .filter((p) => p.row.action === 'UserAuthentication' && !p.row.errorCode && p.userId)
    .sort((a, b) => a.row.time.localeCompare(b.row.time) || a.row.uid.localeCompare(b.row.uid));
  const seenIps = new Map<string, Set<string>>();
  for (const p of signIns) {
    const user = p.userId!;
    const ip = p.row.sourceIp;
    const before = seenIps.get(user) ?? new Set<string>();
    seenIps.set(user, before);
    const fresh = !!ip && isPublicIp(ip) && !before.has(ip) && !env.base.isCommonIp(ip);
    if (ip) before.add(ip);
    if (
      !fresh ||
      (p.credentialId &&
        byCred.has(p.credentialId) &&
        compromisedUsers.has(user) &&
        isReplayed(access, p.credentialId))
    )
      continue;
    const enrolled =
      str(p.row.extra?.DeviceEnrollmentRequired) === 'true' ||
      recs.some(
        (q) =>
          q.userId === user &&
          DIRECTORY_SERVICES.includes(q.row.service) &&
          MFA_REGISTRATION.test(q.row.action) &&
          Math.abs(minutes(p.row.time, q.row.time)) <= 30,
      );
    const granted = grants.filter(
      (g) =>
        g.principalId === user &&
        minutes(g.row.time, p.row.time) >= 0 &&
        minutes(g.row.time, p.row.time) <= GRANT_WINDOW_H * 60,
    );
    const grantedBadly = granted.filter((g) => !g.explained);
    if (!enrolled && !grantedBadly.length) continue;
    const bySuspect = grantedBadly.some((g) => !!g.row.accessKeyId && compromisedKeys.has(g.row.accessKeyId));
    const session = p.credentialId ? (byCred.get(p.credentialId) ?? [p]) : [p];
    const downstream = session.map((q) => roleSessions.get(q.row.uid)).filter((s): s is RoleSession => !!s);
    const flow = str(p.row.extra?.AuthWorkflowID);
    const steps = flow ? recs.filter((q) => q !== p && str(q.row.extra?.AuthWorkflowID) === flow) : [];
    const rows = [
      ...new Set([
        ...steps.map((q) => q.row),
        ...session.map((q) => q.row),
        ...downstream.map((s) => s.saml),
      ]),
    ].sort((a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid));
    const who = names.get(user) ?? user;
    const priorCount = before.size - 1;
    const c: Candidate = {
      ruleId: 'access.identity-center-new-signin',
      title: `Identity Center sign-in of ${who} from new address ${ip}${enrolled ? ' with a new MFA device' : ''}`,
      description:
        `${who} signed in to the access portal from ${ip}, an address it had not used before in the evidence` +
        (priorCount > 0 ? '' : ' (no earlier sign-in of this user in the evidence)') +
        (enrolled ? ', and registered a new MFA device' : '') +
        (grantedBadly.length
          ? `; its access was granted ${Math.round(minutes(grantedBadly[0].row.time, p.row.time) / 60)} h earlier by ${grantedBadly[0].row.action} from ${grantedBadly[0].row.sourceIp}, which no planned change explains`
          : '') +
        (downstream.length
          ? `; it then opened ${[...new Set(downstream.map((s) => nameOf(s.role)))].join(', ')}`
          : '') +
        '.',
      severity: bySuspect ? 'high' : grantedBadly.length ? 'medium' : 'low',
      strength: bySuspect || grantedBadly.length ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['access'],
      times: rows.map((r) => r.time),
      principals: [...new Set(downstream.map((s) => s.role).filter((x): x is string => !!x))],
      accessKeyIds: downstream.map((s) => s.key),
      sourceIps: [...new Set(rows.map((r) => r.sourceIp).filter(isPublicIp))],
      resources: [user],
      attack: ['T1078.004', ...(enrolled ? ['T1556.006'] : [])],
      evidence: { eventIds: [...rows.map((r) => r.eventId), ...grantedBadly.map((g) => g.row.eventId)] },
      actors: [
        { key: null, ip, identity: null },
        ...downstream.map((s) => ({ key: s.key, ip: s.ip, identity: s.role })),
      ],
      triage: [
        `new address for this user${priorCount > 0 ? '' : ' (first sign-in in the evidence)'}`,
        ...(enrolled ? ['a new MFA device registered at sign-in'] : []),
        ...(bySuspect ? ['access granted by a change made from a replayed portal session'] : []),
        ...(grantedBadly.length && !bySuspect
          ? ['access granted by an unplanned Identity Center change']
          : []),
      ],
      details: {
        userId: user,
        userName: names.get(user) ?? null,
        newDevice: enrolled,
        grantedBy: grantedBadly.map((g) => g.row.eventId),
      },
    };
    if (!bySuspect)
      applyContext(
        c,
        matchContext(env.entries, {
          ...subjectOf(p.row),
          userName: names.get(user) ?? null,
          targets: [user, names.get(user)],
        }),
      );
    access.push(c);
  }
  return { access, changes };
}

function isReplayed(access: Candidate[], cred: string): boolean {
  return access.some(
    (c) => c.ruleId === 'access.portal-session-replayed' && c.details?.credentialId === cred,
  );
}

/**
 * Gives each change candidate made by Identity Center's service-linked role the session whose
 * provisioning call caused it: its actor, key, address and records, and its planned-change match.
 * Mutates the candidates; returns how many were linked.
 */
export async function linkIdentityCenterProvisioning(env: Env, cands: Candidate[]): Promise<number> {
  const ids = new Set<string>();
  for (const c of cands) for (const e of c.evidence.eventIds ?? []) if (e) ids.add(e);
  if (!ids.size) return 0;
  const ops = await loadEvents(
    env.db,
    `service = '${SSO}' AND action IN (${actionList(PROVISIONING)}) AND error_code IS NULL`,
    [],
    { extra: false },
  );
  if (!ops.length) return 0;
  const all = [...ids];
  const cited: CtRow[] = [];
  for (let i = 0; i < all.length; i += 2000)
    cited.push(
      ...(await loadEvents(
        env.db,
        `event_id IN (${actionList(all.slice(i, i + 2000))}) AND invoked_by = '${SSO}'`,
        [],
        {
          resp: false,
          extra: false,
        },
      )),
    );
  if (!cited.length) return 0;
  const byId = new Map(cited.map((r) => [r.eventId, r]));
  const opFor = (r: CtRow): CtRow | null => {
    const acct = r.account ?? '';
    const near = ops.filter((o) => {
      const m = minutes(o.time, r.time);
      const target =
        str(o.req?.targetId) ??
        str((o.resp?.permissionSetProvisioningStatus as Record<string, unknown> | undefined)?.accountId);
      const allAccounts = str(o.req?.targetType) === 'ALL_PROVISIONED_ACCOUNTS';
      return m >= 0 && m <= PROVISION_WINDOW_MIN && (allAccounts || !target || target === acct);
    });
    return near[near.length - 1] ?? null;
  };
  let linked = 0;
  for (const c of cands) {
    const rows = (c.evidence.eventIds ?? [])
      .map((e) => (e ? byId.get(e) : undefined))
      .filter((r): r is CtRow => !!r);
    if (!rows.length) continue;
    const found = new Map<string, CtRow>();
    for (const r of rows) {
      const o = opFor(r);
      if (o) found.set(o.uid, o);
    }
    if (!found.size) continue;
    linked++;
    const opsHere = [...found.values()].sort(
      (a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid),
    );
    const serviceRows = new Set(rows.map((r) => r.identityArn));
    // what was said of the service-linked role as a principal no longer applies: it acted for the caller
    c.triage = c.triage.filter((t) => !/^IAM identities changed by a /.test(t));
    // the service-linked role is the mechanism, not who acted: the provisioning session is
    c.principals = [
      ...new Set([
        ...(c.principals ?? []).filter(
          (p): p is string => !!p && !serviceRows.has(p) && !/AWSServiceRoleForSSO/.test(p),
        ),
        ...opsHere.flatMap(principalsOf),
      ]),
    ];
    c.accessKeyIds = [...new Set(opsHere.map((o) => o.accessKeyId).filter((k): k is string => !!k))];
    c.sourceIps = [...new Set(opsHere.map((o) => o.sourceIp).filter(isPublicIp))];
    c.actors = opsHere.map(actorOf);
    c.evidence = {
      ...c.evidence,
      eventIds: [...new Set([...(c.evidence.eventIds ?? []), ...opsHere.map((o) => o.eventId)])],
    };
    for (const o of opsHere)
      c.triage.push(
        `made by Identity Center's service-linked role for ${o.action} at ${o.time} by ${o.principalArn ?? o.identityArn ?? 'an unknown principal'}${o.sourceIp ? ` from ${o.sourceIp}` : ''}`,
      );
    c.details = {
      ...(c.details ?? {}),
      provisionedBy: opsHere.map((o) => ({
        action: o.action,
        eventId: o.eventId,
        time: o.time,
        by: o.principalArn ?? o.identityArn,
        sourceIp: o.sourceIp,
      })),
    };
    // judged through the call that caused it: a planned provisioning is planned, otherwise it waits
    // for its session to be the actor's (correlation through the key and address above)
    const o = opsHere[opsHere.length - 1];
    const m = matchContext(env.entries, {
      ...subjectOf(o),
      targets: [str(o.req?.permissionSetArn), str(o.req?.principalId), str(o.req?.targetId)],
    });
    if (c.strength !== 'context') {
      c.severity = 'low';
      c.strength = 'soft';
      c.ifActor = 'high';
      c.triage.push(
        'the service-linked role only carries out the provisioning; judged by the call that caused it',
      );
      applyContext(c, m);
    }
  }
  return linked;
}
