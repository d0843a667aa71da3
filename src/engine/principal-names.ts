/**
 * The full ARNs (with their path) of the IAM roles and users the case's evidence names, so that
 * every part of the analysis names a principal the same way.
 *
 * An assumed-role session ARN names its role without the role's path
 * (`assumed-role/Name/session`), and so do invocation logs; CloudTrail's session issuer
 * (`userIdentity.sessionContext.sessionIssuer.arn`) and the IAM snapshot give the full ARN
 * (`role/service-role/Name`, `role/aws-reserved/sso.amazonaws.com/...`). The table is the case's
 * and belongs to one analysis: `analyseCase` loads it once and hands the bound `identityOf` to the
 * detectors (`DetectContext.identityOf`), the scoping and the responder views; nothing here is
 * module state, so two analyses in one process never read each other's names.
 */
import type { Queryable } from '../store/case-store.js';

/** A role or user ARN with a path: partition, account, kind, name. */
const PATHED = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/.+\/([^/]+)$/;
/** Pathed principals read (the evidence's identities and IAM snapshot). */
export const PRINCIPAL_NAMES_MAX = 20_000;

/** Path-less ARN → the one full ARN of that name in that account; null when two paths share the name. */
export type PrincipalNames = ReadonlyMap<string, string | null>;

/** The IAM identity behind an ARN, named as the case's evidence names it (see `identityIn`). */
export type IdentityOf = (arn: string | null | undefined) => string | null;

/** The path-less form of a pathed role or user ARN (null when it has no path). */
function pathless(arn: string): string | null {
  const m = PATHED.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:${m[3]}/${m[4]}` : null;
}

/** The table of full ARNs (sorted input gives the same table whatever the order). */
export function principalNames(arns: Iterable<string>): PrincipalNames {
  const out = new Map<string, string | null>();
  for (const a of arns) {
    const short = pathless(a);
    if (!short) continue;
    const seen = out.get(short);
    // two principals of one name on different paths: the name alone cannot tell them apart
    out.set(short, seen === undefined || seen === a ? a : null);
  }
  return out;
}

/** The case's table: the CloudTrail identities (session issuers, IAM users) and the IAM snapshot. */
export async function loadPrincipalNames(db: Queryable): Promise<PrincipalNames> {
  const rows = await db.all(
    `SELECT DISTINCT a FROM (
       SELECT identity_arn AS a FROM events
        WHERE identity_arn LIKE 'arn:%:iam::%:role/%/%' OR identity_arn LIKE 'arn:%:iam::%:user/%/%'
       UNION ALL SELECT arn AS a FROM iam_entities
        WHERE arn LIKE 'arn:%:iam::%:role/%/%' OR arn LIKE 'arn:%:iam::%:user/%/%')
     WHERE a IS NOT NULL ORDER BY 1 LIMIT ${PRINCIPAL_NAMES_MAX}`,
  );
  return principalNames(rows.map((r) => String(r.a)));
}

/**
 * The IAM identity behind an ARN: the role for an assumed-role session, else the ARN itself. A role
 * or user is named by its full ARN, with its path, when `names` gives it (the session issuer, the
 * IAM snapshot), whether the ARN at hand is a session's (which has no path) or the full one. When
 * two paths share a name in one account, the name alone is used, so that a session (which cannot
 * tell them apart) and its issuer still read as one principal.
 */
function identityIn(names: PrincipalNames, arn: string | null | undefined): string | null {
  if (!arn) return null;
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (m) {
    const role = `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
    return names.get(role) ?? role;
  }
  const r = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/(?:(.*)\/)?([^/]+)$/.exec(arn);
  if (!r) return arn;
  const short = `arn:${r[1]}:iam::${r[2]}:${r[3]}/${r[5]}`;
  const full = names.get(short);
  if (r[4] === undefined) return full ?? short;
  return full === null ? short : arn;
}

/** `identityIn` bound to one case's table: what an analysis hands its stages. */
export function identityResolver(names: PrincipalNames): IdentityOf {
  return (arn) => identityIn(names, arn);
}

/** The case's `identityOf`: its table loaded from the store and bound. */
export async function loadIdentityOf(db: Queryable): Promise<IdentityOf> {
  return identityResolver(await loadPrincipalNames(db));
}
