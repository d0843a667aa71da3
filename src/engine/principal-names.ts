/**
 * The full ARNs (with their path) of the IAM roles and users the case's evidence names, so that
 * every part of the analysis names a principal the same way.
 *
 * An assumed-role session ARN names its role without the role's path
 * (`assumed-role/Name/session`), and so do invocation logs; CloudTrail's session issuer
 * (`userIdentity.sessionContext.sessionIssuer.arn`) and the IAM snapshot give the full ARN
 * (`role/service-role/Name`, `role/aws-reserved/sso.amazonaws.com/...`). `identityOf`
 * (analysis/baselines.ts) looks up the full ARN here by the path-less name. The table is the
 * case's: `runDetectors` and `computeScope` load it from the store before they name anyone.
 */
import type { Queryable } from '../store/case-store.js';

/** A role or user ARN with a path: partition, account, kind, name. */
const PATHED = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/.+\/([^/]+)$/;
/** Pathed principals read (the evidence's identities and IAM snapshot). */
export const PRINCIPAL_NAMES_MAX = 20_000;

/** Path-less ARN → the one full ARN of that name in that account; null when two paths share the name. */
let names: ReadonlyMap<string, string | null> = new Map();

/** The path-less form of a pathed role or user ARN (null when it has no path). */
function pathless(arn: string): string | null {
  const m = PATHED.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:${m[3]}/${m[4]}` : null;
}

/** Sets the table from full ARNs (sorted input gives the same table whatever the order). */
export function setPrincipalNames(arns: Iterable<string>): void {
  const out = new Map<string, string | null>();
  for (const a of arns) {
    const short = pathless(a);
    if (!short) continue;
    const seen = out.get(short);
    // two principals of one name on different paths: the name alone cannot tell them apart
    out.set(short, seen === undefined || seen === a ? a : null);
  }
  names = out;
}

/** Loads the table from the case: the CloudTrail identities (session issuers, IAM users) and the IAM snapshot. */
export async function loadPrincipalNames(db: Queryable): Promise<void> {
  const rows = await db.all(
    `SELECT DISTINCT a FROM (
       SELECT identity_arn AS a FROM events
        WHERE identity_arn LIKE 'arn:%:iam::%:role/%/%' OR identity_arn LIKE 'arn:%:iam::%:user/%/%'
       UNION ALL SELECT arn AS a FROM iam_entities
        WHERE arn LIKE 'arn:%:iam::%:role/%/%' OR arn LIKE 'arn:%:iam::%:user/%/%')
     WHERE a IS NOT NULL ORDER BY 1 LIMIT ${PRINCIPAL_NAMES_MAX}`,
  );
  setPrincipalNames(rows.map((r) => String(r.a)));
}

/**
 * The full ARN the evidence gives a path-less role or user ARN: the ARN itself (with its path),
 * null when two paths share the name, undefined when the evidence has no pathed ARN of that name.
 */
export function fullPrincipalArn(short: string): string | null | undefined {
  return names.get(short);
}
