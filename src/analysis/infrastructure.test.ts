/**
 * `infrastructure.lambda-change` against the principal's own history: a deployment role's usual
 * Terraform runs stay informational; the same role used from a branch's web-identity session with
 * the AWS CLI, a direct code upload and an environment without the guardrail is high.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import type { Finding } from '../model/types.js';

const ACCT = '111122223333';
const ROLE = `arn:aws:iam::${ACCT}:role/ci-deploy`;
const OIDC = `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com`;
const FN = 'support-chatbot-api';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-infra-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TERRAFORM =
  'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.45.0 aws-sdk-go-v2/1.36.1 ua/2.1 os/linux lang/go#1.21.6 api/lambda';
const CLI =
  'aws-cli/2.16.11 md/awscrt#0.19.22 ua/2.0 os/linux#6.8.0-1012-azure md/arch#x86_64 lang/python#3.11.8 md/command#lambda.update-function-code';
const ACTION_UA =
  'aws-sdk-js/3.583.0 ua/2.1 os/linux#6.8.0-1019-azure lang/js md/nodejs#20.19.0 api/sts#3.583.0 m/E configure-aws-credentials-for-github-actions';
const ENV_FULL = {
  MODEL_ID: '****',
  KB_ID: '****',
  GUARDRAIL_ID: '****',
  GUARDRAIL_VERSION: '****',
  LOG_LEVEL: '****',
};
const ENV_NO_GUARDRAIL = { MODEL_ID: '****', KB_ID: '****', LOG_LEVEL: '****' };

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-1111-4222-8333-${seq.toString().padStart(12, '0')}`;

function at(t0: string, seconds: number): string {
  return new Date(Date.parse(t0) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function record(
  time: string,
  source: string,
  name: string,
  identity: Record<string, unknown>,
  ip: string,
  ua: string,
  req: unknown,
  resp: unknown,
  readOnly: boolean,
): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: 'eu-west-2',
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: resp,
    requestID: id(),
    eventID: id(),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
  };
}

const session = (key: string, created: string): Record<string, unknown> => ({
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLECIDEPLOY1:GitHubActions',
  arn: `arn:aws:sts::${ACCT}:assumed-role/ci-deploy/GitHubActions`,
  accountId: ACCT,
  accessKeyId: key,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLECIDEPLOY1',
      arn: ROLE,
      accountId: ACCT,
      userName: 'ci-deploy',
    },
    webIdFederationData: { federatedProvider: OIDC, attributes: {} },
    attributes: { creationDate: created, mfaAuthenticated: 'false' },
  },
});

const config = (env: Record<string, string>, version = '$LATEST') => ({
  functionName: FN,
  functionArn: `arn:aws:lambda:eu-west-2:${ACCT}:function:${FN}`,
  runtime: 'nodejs20.x',
  role: `arn:aws:iam::${ACCT}:role/support-chatbot-api-role`,
  handler: 'index.handler',
  version,
  packageType: 'Zip',
  environment: { variables: env },
});

/** One GitHub Actions run: the OIDC session, then the deployment calls. */
function run(opts: {
  t0: string;
  key: string;
  ip: string;
  ref: string;
  ua: string;
  code: Record<string, unknown>;
  env: Record<string, string>;
  version: string;
}): Record<string, unknown>[] {
  const subject = `repo:example-org/support-chatbot:ref:refs/heads/${opts.ref}`;
  const who = session(opts.key, opts.t0);
  const lambda = (s: number, name: string, req: unknown, resp: unknown, ro = false) =>
    record(at(opts.t0, s), 'lambda.amazonaws.com', name, who, opts.ip, opts.ua, req, resp, ro);
  return [
    record(
      opts.t0,
      'sts.amazonaws.com',
      'AssumeRoleWithWebIdentity',
      {
        type: 'WebIdentityUser',
        principalId: `${OIDC}:sts.amazonaws.com:${subject}`,
        userName: subject,
        identityProvider: OIDC,
      },
      opts.ip,
      ACTION_UA,
      { roleArn: ROLE, roleSessionName: 'GitHubActions', durationSeconds: 3600 },
      {
        credentials: {
          accessKeyId: opts.key,
          sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
          expiration: 'Jun 3, 2025, 11:00:00 AM',
        },
        subjectFromWebIdentityToken: subject,
        assumedRoleUser: {
          assumedRoleId: 'AROAEXAMPLECIDEPLOY1:GitHubActions',
          arn: `arn:aws:sts::${ACCT}:assumed-role/ci-deploy/GitHubActions`,
        },
        provider: 'token.actions.githubusercontent.com',
        audience: 'sts.amazonaws.com',
      },
      false,
    ),
    lambda(15, 'GetFunctionConfiguration20150331v2', { functionName: FN }, null, true),
    lambda(
      30,
      'UpdateFunctionCode20150331v2',
      { functionName: FN, publish: false, ...opts.code },
      config(ENV_FULL), // the function as it was before the configuration change
    ),
    lambda(
      45,
      'UpdateFunctionConfiguration20150331v2',
      { functionName: FN, environment: { variables: opts.env } },
      config(opts.env),
    ),
    lambda(55, 'PublishVersion20150331', { functionName: FN }, config(opts.env, opts.version)),
    lambda(
      58,
      'UpdateAlias20150331',
      { functionName: FN, name: 'live', functionVersion: opts.version },
      { name: 'live', functionVersion: opts.version },
    ),
  ];
}

const pipelineRun = (t0: string, n: number) =>
  run({
    t0,
    key: `ASIACIDEPLOYRUN0000${n}`,
    ip: `20.57.45.${20 + n}`,
    ref: 'main',
    ua: TERRAFORM,
    code: { s3Bucket: 'example-ci-artifacts', s3Key: `support-chatbot-api/${n}a1b2c3.zip` },
    env: ENV_FULL,
    version: String(40 + n),
  });

async function findingsOf(name: string, records: Record<string, unknown>[]): Promise<Finding[]> {
  const fs = await controlPlaneFindings(path.join(tmp, name), { 'ct.json': { Records: records } });
  return fs.filter((f) => f.ruleId === 'infrastructure.lambda-change');
}

describe('infrastructure: Lambda changes against the principal\u2019s own history', () => {
  const history = [
    ...pipelineRun('2025-06-02T09:40:00Z', 1),
    ...pipelineRun('2025-06-02T14:20:00Z', 2),
    ...pipelineRun('2025-06-03T10:15:00Z', 3),
  ];

  it('the usual Terraform pipeline deploy (S3 artifact, same environment, main branch) is informational', async () => {
    const fs = await findingsOf('lambda-usual', history);
    expect(fs).toHaveLength(3);
    for (const f of fs) {
      expect(f.severity).toBe('informational');
      expect(f.details?.deviations).toEqual([]);
      expect(f.elements).toEqual(['infrastructure-changes']);
    }
    // release steps are part of the change and the issuing session is cited
    expect(fs[0].title).toContain('PublishVersion');
    expect(fs[0].title).toContain('UpdateAlias');
    expect(fs[0].evidence.eventIds).toContain(String(history[0].eventID));
  });

  it('the same role from a branch session with the CLI, a zip upload and no GUARDRAIL_ID is high', async () => {
    const attack = run({
      t0: '2025-06-04T01:47:00Z',
      key: 'ASIACIDEPLOYBRANCH01',
      ip: '4.175.46.50',
      ref: 'chore/bump-deps-9f2c',
      ua: CLI,
      code: {},
      env: ENV_NO_GUARDRAIL,
      version: '60',
    });
    const fs = await findingsOf('lambda-bypass', [...history, ...attack]);
    const f = fs.find((x) => x.accessKeyIds?.includes('ASIACIDEPLOYBRANCH01'));
    expect(f).toBeDefined();
    expect(f!.severity).toBe('high');
    const cited = f!.evidence.eventIds;
    const idOf = (name: string) => String(attack.find((r) => r.eventName === name)!.eventID);
    expect(cited).toContain(idOf('AssumeRoleWithWebIdentity'));
    expect(cited).toContain(idOf('PublishVersion20150331'));
    expect(cited).toContain(idOf('UpdateAlias20150331'));
    expect(cited).toContain(idOf('GetFunctionConfiguration20150331v2'));
    expect(f!.elements).toEqual(expect.arrayContaining(['infrastructure-changes', 'ai-changes']));
    expect(f!.components).toContain('guardrails');
    const text = JSON.stringify(f!.details?.triage);
    expect(text).toContain('branch chore/bump-deps-9f2c');
    expect(text).toContain('aws-cli');
    expect(text).toContain('a direct upload');
    expect(text).toContain('GUARDRAIL_ID');
    expect(f!.details?.removedEnvironmentVariables).toEqual(['GUARDRAIL_ID', 'GUARDRAIL_VERSION']);
    // the pipeline's own runs stay informational
    for (const x of fs.filter((y) => y !== f)) expect(x.severity).toBe('informational');
  });

  it('one departure alone (a new artifact bucket from the usual pipeline) is not raised', async () => {
    const moved = run({
      t0: '2025-06-04T09:00:00Z',
      key: 'ASIACIDEPLOYRUN00009',
      ip: '20.57.45.99',
      ref: 'main',
      ua: TERRAFORM,
      code: { s3Bucket: 'example-ci-artifacts-v2', s3Key: 'support-chatbot-api/9f.zip' },
      env: ENV_FULL,
      version: '49',
    });
    const fs = await findingsOf('lambda-one-departure', [...history, ...moved]);
    const f = fs.find((x) => x.accessKeyIds?.includes('ASIACIDEPLOYRUN00009'))!;
    expect(f.severity).toBe('informational');
    expect(f.details?.deviations).toHaveLength(1);
  });
});
