/**
 * IAM Identity Center: a portal session replayed from a second network, the permission-set change
 * and assignment made with it, the role Identity Center's service-linked role then wrote in the
 * member account, and the sign-in that used the new access; against the same calls made as a
 * planned change and an onboarding's first sign-in. Small cases built from CloudTrail records as
 * delivered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';

const MGMT = '111111111111';
const WORK = '222222222222';
const STORE = `arn:aws:identitystore::${MGMT}:identitystore/d-0000000000`;
const INSTANCE = 'arn:aws:sso:::instance/ssoins-0000000000000000';
const PS = 'arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0000000000000001';
const ADMIN_ROLE = `arn:aws:iam::${MGMT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0000000000000001`;
const ADMIN_USER = 'aaaaaaaa-0000-4000-8000-000000000001';
const OTHER_USER = 'bbbbbbbb-0000-4000-8000-000000000002';
const ADMIN_MAIL = 'alex.admin@example.com';
const OTHER_MAIL = 'sam.user@example.com';
const OFFICE = '198.51.100.10';
const PROXY = '203.0.113.50';
const REPLAY = '192.0.2.77';

const NEW_HOME = '45.90.0.1';
const BROWSER =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/119.0.0.0 Safari/537.36';

const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-identity-center-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Rec = Record<string, unknown>;
let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-4444-4444-8444-${seq.toString().padStart(12, '0')}`;
const at = (minutes: number): string =>
  new Date(Date.parse('2025-03-04T10:00:00Z') + minutes * 60_000).toISOString().replace('.000Z', 'Z');

const rec = (t: number, source: string, name: string, ui: Rec, ip: string, extra: Rec = {}): Rec => ({
  eventVersion: '1.08',
  userIdentity: ui,
  eventTime: at(t),
  eventSource: source,
  eventName: name,
  awsRegion: 'us-east-1',
  sourceIPAddress: ip,
  userAgent: BROWSER,
  requestParameters: null,
  responseElements: null,
  eventID: id(),
  requestID: id(),
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: MGMT,
  ...extra,
});
const portalUser = (user: string, cred: string): Rec => ({
  type: 'IdentityCenterUser',
  accountId: MGMT,
  onBehalfOf: { userId: user, identityStoreArn: STORE },
  credentialId: cred,
});
/** a portal sign-in, then federation into `acct` as `role` (AssumeRoleWithSAML issuing `key`) */
function signInAndFederate(o: {
  t: number;
  user: string;
  mail: string;
  cred: string;
  ip: string;
  fedIp?: string;
  acct: string;
  role: string;
  key: string;
  enroll?: boolean;
}): Rec[] {
  const flow = id();
  const fedIp = o.fedIp ?? o.ip;
  const roleArn =
    o.acct === MGMT
      ? ADMIN_ROLE
      : `arn:aws:iam::${o.acct}:role/aws-reserved/sso.amazonaws.com/us-east-1/AWSReservedSSO_${o.role}_00000000000000aa`;
  return [
    rec(o.t, 'signin.amazonaws.com', 'CredentialChallenge', { type: 'Unknown', accountId: MGMT }, o.ip, {
      eventType: 'AwsServiceEvent',
      additionalEventData: { AuthWorkflowID: flow, UserName: o.mail, CredentialType: 'PASSWORD' },
      serviceEventDetails: { CredentialChallenge: 'Success' },
    }),
    rec(o.t + 0.5, 'signin.amazonaws.com', 'UserAuthentication', portalUser(o.user, o.cred), o.ip, {
      eventType: 'AwsServiceEvent',
      additionalEventData: {
        AuthWorkflowID: flow,
        UserName: o.mail,
        CredentialType: 'PASSWORD,TOTP',
        ...(o.enroll ? { DeviceEnrollmentRequired: 'true' } : {}),
      },
      serviceEventDetails: { UserAuthentication: 'Success' },
    }),
    rec(o.t + 3, 'sso.amazonaws.com', 'ListAccounts', portalUser(o.user, o.cred), fedIp),
    rec(o.t + 4, 'sso.amazonaws.com', 'Federate', portalUser(o.user, o.cred), fedIp, {
      eventType: 'AwsServiceEvent',
      serviceEventDetails: { account_id: o.acct, role_name: o.role },
    }),
    rec(
      o.t + 4.02,
      'sts.amazonaws.com',
      'AssumeRoleWithSAML',
      { type: 'SAMLUser', principalId: `x=:${o.mail}`, userName: o.mail },
      fedIp,
      {
        recipientAccountId: o.acct,
        requestParameters: {
          roleArn,
          principalArn: `arn:aws:iam::${o.acct}:saml-provider/AWSSSO_0_DO_NOT_DELETE`,
        },
        responseElements: {
          credentials: { accessKeyId: o.key },
          subject: o.mail,
          assumedRoleUser: {
            arn: `arn:aws:sts::${o.acct}:assumed-role/${roleArn.split('/').pop()}/${o.mail}`,
          },
        },
      },
    ),
  ];
}
const adminSession = (key: string): Rec => ({
  type: 'AssumedRole',
  principalId: `AROAADMIN:${ADMIN_MAIL}`,
  arn: `arn:aws:sts::${MGMT}:assumed-role/AWSReservedSSO_AdministratorAccess_0000000000000001/${ADMIN_MAIL}`,
  accountId: MGMT,
  accessKeyId: key,
  sessionContext: {
    sessionIssuer: { type: 'Role', arn: ADMIN_ROLE, accountId: MGMT, userName: ADMIN_ROLE.split('/').pop() },
    attributes: { creationDate: at(0), mfaAuthenticated: 'false' },
  },
});
/** the permission-set change, its provisioning and an assignment, then the service-linked role's writes */
function grant(t: number, key: string, ip: string): Rec[] {
  const ui = adminSession(key);
  const slr = {
    type: 'AssumedRole',
    principalId: 'AROASLR:AWS-SSO',
    arn: `arn:aws:sts::${WORK}:assumed-role/AWSServiceRoleForSSO/AWS-SSO`,
    accountId: WORK,
    accessKeyId: 'ASIASLRSESSION000001',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        arn: `arn:aws:iam::${WORK}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO`,
        accountId: WORK,
        userName: 'AWSServiceRoleForSSO',
      },
    },
    invokedBy: 'sso.amazonaws.com',
  };
  const roleName = 'AWSReservedSSO_Viewer_00000000000000aa';
  return [
    rec(t, 'sso.amazonaws.com', 'ListPermissionSets', ui, ip, {
      readOnly: true,
      requestParameters: { instanceArn: INSTANCE },
    }),
    rec(t + 2, 'sso.amazonaws.com', 'PutInlinePolicyToPermissionSet', ui, ip, {
      requestParameters: { instanceArn: INSTANCE, permissionSetArn: PS, inlinePolicy: '{"Statement":[]}' },
    }),
    rec(t + 3, 'sso.amazonaws.com', 'CreateAccountAssignment', ui, ip, {
      requestParameters: {
        instanceArn: INSTANCE,
        targetId: WORK,
        targetType: 'AWS_ACCOUNT',
        permissionSetArn: PS,
        principalType: 'USER',
        principalId: OTHER_USER,
      },
    }),
    rec(t + 3.1, 'iam.amazonaws.com', 'CreateRole', slr, 'sso.amazonaws.com', {
      recipientAccountId: WORK,
      requestParameters: { roleName, path: '/aws-reserved/sso.amazonaws.com/us-east-1/' },
    }),
    rec(t + 3.2, 'iam.amazonaws.com', 'PutRolePolicy', slr, 'sso.amazonaws.com', {
      recipientAccountId: WORK,
      requestParameters: { roleName, policyName: 'AwsSSOInlinePolicy', policyDocument: '{}' },
    }),
  ];
}

describe('Identity Center', () => {
  it('a replayed portal session, the grant made with it, the role it provisioned and the sign-in that used it', async () => {
    const records = [
      // the admin's ordinary day: one network
      ...signInAndFederate({
        t: 0,
        user: ADMIN_USER,
        mail: ADMIN_MAIL,
        cred: 'CRED-DAY',
        ip: OFFICE,
        acct: MGMT,
        role: 'AdministratorAccess',
        key: 'ASIAADMINDAYKEY00001',
      }),
      // phished: signed in through a proxy, the session replayed from another host
      ...signInAndFederate({
        t: 300,
        user: ADMIN_USER,
        mail: ADMIN_MAIL,
        cred: 'CRED-STOLEN',
        ip: PROXY,
        fedIp: REPLAY,
        acct: MGMT,
        role: 'AdministratorAccess',
        key: 'ASIAADMINSTOLEN00001',
      }),
      ...grant(310, 'ASIAADMINSTOLEN00001', REPLAY),
      // the granted user signs in that night from a new address with a new MFA device
      ...signInAndFederate({
        t: 700,
        user: OTHER_USER,
        mail: OTHER_MAIL,
        cred: 'CRED-NIGHT',
        ip: NEW_HOME,
        acct: WORK,
        role: 'Viewer',
        key: 'ASIAVIEWERNIGHT00001',
        enroll: true,
      }),
    ];
    const fs = await controlPlaneFindings(path.join(tmp, 'replay'), { 'ct.json': { Records: records } });
    const replay = fs.find((f) => f.ruleId === 'access.portal-session-replayed');
    expect(replay?.severity).toBe('high');
    expect(replay?.sourceIps).toEqual(expect.arrayContaining([PROXY, REPLAY]));
    expect(replay?.accessKeyIds).toContain('ASIAADMINSTOLEN00001');
    expect(replay?.principals).toContain(ADMIN_ROLE);
    // the admin's own session from one network is no replay
    expect(fs.filter((f) => f.ruleId === 'access.portal-session-replayed')).toHaveLength(1);
    const change = fs.find((f) => f.ruleId === 'infrastructure.identity-center-change');
    expect(change?.severity).toBe('high');
    expect(change?.resources).toEqual(expect.arrayContaining([PS, OTHER_USER]));
    const slr = fs.find((f) => f.ruleId === 'infrastructure.iam-persistence');
    expect(slr?.severity).toBe('high');
    expect(slr?.accessKeyIds).toEqual(['ASIAADMINSTOLEN00001']);
    expect(slr?.sourceIps).toEqual([REPLAY]);
    expect(slr?.principals?.some((p) => /AWSServiceRoleForSSO/.test(p))).toBe(false);
    expect(JSON.stringify(slr?.details?.triage)).toContain('CreateAccountAssignment');
    const signin = fs.find((f) => f.ruleId === 'access.identity-center-new-signin');
    expect(signin?.severity).toBe('high');
    expect(signin?.accessKeyIds).toContain('ASIAVIEWERNIGHT00001');
    expect(signin?.sourceIps).toContain(NEW_HOME);
    expect(signin?.resources).toContain(OTHER_USER);
  });

  it('the same calls as a planned change, and an onboarding first sign-in with MFA registration, are explained', async () => {
    const records = [
      ...signInAndFederate({
        t: 0,
        user: ADMIN_USER,
        mail: ADMIN_MAIL,
        cred: 'CRED-DAY',
        ip: OFFICE,
        acct: MGMT,
        role: 'AdministratorAccess',
        key: 'ASIAADMINDAYKEY00001',
      }),
      ...grant(10, 'ASIAADMINDAYKEY00001', OFFICE),
      ...signInAndFederate({
        t: 200,
        user: OTHER_USER,
        mail: OTHER_MAIL,
        cred: 'CRED-FIRST',
        ip: NEW_HOME,
        acct: WORK,
        role: 'Viewer',
        key: 'ASIAVIEWERFIRST00001',
        enroll: true,
      }),
    ];
    const calendar = {
      changes: [
        {
          ticket: 'IAM-1',
          window: { start: at(-30), end: at(120) },
          owner: ADMIN_MAIL,
          summary: 'Identity Center: Viewer permission set - add read access; assign to the new analyst',
        },
        {
          ticket: 'ONB-1',
          window: { start: at(60), end: at(600) },
          owner: 'it@example.com',
          summary: `Onboarding ${OTHER_MAIL}: Identity Center user, MFA registration at first sign-in`,
        },
      ],
    };
    const fs = await controlPlaneFindings(path.join(tmp, 'planned'), {
      'ct.json': { Records: records },
      'context/change-calendar.json': calendar,
    });
    expect(fs.some((f) => f.ruleId === 'access.portal-session-replayed')).toBe(false);
    const change = fs.find((f) => f.ruleId === 'infrastructure.identity-center-change');
    expect(change?.severity).toBe('informational');
    expect(change?.details?.plannedChange).toBe('IAM-1');
    const slr = fs.find((f) => f.ruleId === 'infrastructure.iam-persistence');
    expect(slr?.severity).toBe('informational');
    expect(slr?.details?.plannedChange).toBe('IAM-1');
    const signin = fs.find((f) => f.ruleId === 'access.identity-center-new-signin');
    expect(signin?.severity).toBe('informational');
    expect(fs.filter((f) => ['medium', 'high', 'critical'].includes(f.severity))).toEqual([]);
  });
});
