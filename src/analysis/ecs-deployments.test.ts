/**
 * ECS deployments (ecs-deployments.ts): task definitions running images from registries outside the
 * organisation or sending to outside endpoints, their deployment, the task role's new reads after
 * it; and a CI user's long-term key at a new origin chained to the role session it opened there
 * (access.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneCase, controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import { uuidSequence } from '../../test/helpers/fixture-clock.js';
import type { Finding } from '../model/types.js';
import { outsideHost, secretName } from './ecs-deployments.js';

const ACCT = '111122223333';
const OUTSIDE = '999988887777';
const REGION = 'eu-west-1';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-ecs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const id = uuidSequence('e0c5');
const RUNNER = '198.51.100.21';
const NAT = '198.51.100.200';
const VPS = '203.0.113.77';
const CI_UA = 'aws-cli/2.27.6 md/awscrt#0.26.3 ua/2.0 os/linux#6.5.0';
const ACTOR_UA = 'aws-cli/2.25.7 md/awscrt#0.23.7 ua/2.0 os/linux#5.10.0';
const APP_UA = 'aws-sdk-js/3.488.0 ua/2.0 os/linux lang/js md/nodejs#20.18.1 exec-env/AWS_ECS_FARGATE';
const USER_KEY = 'AKIAEXAMPLECIUSER001';
const USER_ARN = `arn:aws:iam::${ACCT}:user/svc-ci-deploy`;
const DEPLOY_ROLE = 'app-ecs-deploy';
const TASK_ROLE = 'chat-task-role';
const EXEC_ROLE = 'chat-task-execution-role';
const roleArn = (r: string): string => `arn:aws:iam::${ACCT}:role/${r}`;
const FAMILY = 'chat-api';
const SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCT}:service/prod/chat-api`;
const OWN_IMAGE = (tag: string): string => `${ACCT}.dkr.ecr.${REGION}.amazonaws.com/chat-api:${tag}`;
const ROGUE_IMAGE = `${OUTSIDE}.dkr.ecr.${REGION}.amazonaws.com/chat-api:abc1234`;
const SECRET = (n: string): string => `arn:aws:secretsmanager:${REGION}:${ACCT}:secret:prod/chat/${n}-Ab12Cd`;

const at = (min: number): string =>
  new Date(Date.parse('2025-06-03T00:00:00Z') + min * 60_000).toISOString().replace('.000Z', 'Z');

interface Who {
  kind: 'user' | 'role';
  role?: string;
  session?: string;
  key: string;
  ua: string;
  invokedBy?: string;
}
const user: (ua: string) => Who = (ua) => ({ kind: 'user', key: USER_KEY, ua });
const roleSession = (role: string, session: string, key: string, ua: string, invokedBy?: string): Who => ({
  kind: 'role',
  role,
  session,
  key,
  ua,
  invokedBy,
});

function ct(
  time: string,
  source: string,
  name: string,
  w: Who,
  ip: string,
  req: unknown = null,
  resp: unknown = null,
): Record<string, unknown> {
  const identity =
    w.kind === 'user'
      ? {
          type: 'IAMUser',
          principalId: 'AIDAEXAMPLECIUSER',
          arn: USER_ARN,
          accountId: ACCT,
          userName: 'svc-ci-deploy',
        }
      : {
          type: 'AssumedRole',
          principalId: `AROAEXAMPLE${w.role!.length}:${w.session}`,
          arn: `arn:aws:sts::${ACCT}:assumed-role/${w.role}/${w.session}`,
          accountId: ACCT,
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              principalId: `AROAEXAMPLE${w.role!.length}`,
              arn: roleArn(w.role!),
              accountId: ACCT,
              userName: w.role,
            },
            attributes: { creationDate: '2025-06-03T00:00:00Z', mfaAuthenticated: 'false' },
          },
          ...(w.invokedBy ? { invokedBy: w.invokedBy } : {}),
        };
  return {
    eventVersion: '1.08',
    userIdentity: { ...identity, accessKeyId: w.key },
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: REGION,
    sourceIPAddress: ip,
    userAgent: w.ua,
    requestParameters: req,
    responseElements: resp,
    requestID: id(),
    eventID: id(),
    readOnly: /^(Get|List|Describe)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
  };
}

const assume = (t: string, w: Who, ip: string, role: string, session: string, key: string) =>
  ct(
    t,
    'sts.amazonaws.com',
    'AssumeRole',
    w,
    ip,
    { roleArn: roleArn(role), roleSessionName: session },
    { credentials: { accessKeyId: key, expiration: 'Jun 3, 2025, 9:00:00 PM' } },
  );

function container(image: string, env: Array<{ name: string; value: string }> = []) {
  return {
    name: 'api',
    image,
    essential: true,
    environment: [{ name: 'NODE_ENV', value: 'production' }, ...env],
    secrets: [{ name: 'WIDGET_KEY', valueFrom: SECRET('widget-key') }],
  };
}

const register = (t: string, w: Who, ip: string, revision: number, containers: unknown[]) =>
  ct(
    t,
    'ecs.amazonaws.com',
    'RegisterTaskDefinition',
    w,
    ip,
    {
      family: FAMILY,
      taskRoleArn: roleArn(TASK_ROLE),
      executionRoleArn: roleArn(EXEC_ROLE),
      containerDefinitions: containers,
    },
    {
      taskDefinition: {
        taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCT}:task-definition/${FAMILY}:${revision}`,
        family: FAMILY,
        revision,
      },
    },
  );

const updateService = (t: string, w: Who, ip: string, revision: number) =>
  ct(
    t,
    'ecs.amazonaws.com',
    'UpdateService',
    w,
    ip,
    { cluster: 'prod', service: 'chat-api', taskDefinition: `${FAMILY}:${revision}` },
    { service: { serviceArn: SERVICE_ARN, serviceName: 'chat-api' } },
  );

/** a pipeline run from a runner: the user assumes the deploy role, registers a revision and deploys it */
function pipelineRun(
  t0: number,
  n: number,
  revision: number,
  containers: unknown[],
): Record<string, unknown>[] {
  const key = `ASIAPIPELINE${String(n).padStart(8, '0')}`;
  const s = roleSession(DEPLOY_ROLE, `ci-${4100 + n}`, key, CI_UA);
  return [
    assume(at(t0), user(CI_UA), RUNNER, DEPLOY_ROLE, `ci-${4100 + n}`, key),
    ct(at(t0 + 1), 'sts.amazonaws.com', 'GetCallerIdentity', s, RUNNER),
    register(at(t0 + 2), s, RUNNER, revision, containers),
    updateService(at(t0 + 3), s, RUNNER, revision),
  ];
}

/** the application's tasks: parameters and the model, every 10 minutes from minute 0 to `until` */
function appTraffic(from: number, until: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let m = from; m < until; m += 10) {
    const s = roleSession(
      TASK_ROLE,
      `task${Math.floor(m / 120)}`,
      `ASIATASK${String(Math.floor(m / 120)).padStart(12, '0')}`,
      APP_UA,
    );
    out.push(ct(at(m), 'ssm.amazonaws.com', 'GetParameters', s, NAT, { names: ['/chat/model-id'] }));
    out.push(
      ct(at(m + 1), 'bedrock.amazonaws.com', 'Converse', s, NAT, { modelId: 'anthropic.claude-3-haiku' }),
    );
  }
  return out;
}

/** a new task's start: the execution role's ECR authorisation, then the task role's reads */
function taskStart(t: number, registry: string, n: number, harvest: boolean): Record<string, unknown>[] {
  const exec = roleSession(
    EXEC_ROLE,
    `t${n}`,
    `ASIAEXEC${String(n).padStart(12, '0')}`,
    'ecs-tasks.amazonaws.com',
    'ecs-tasks.amazonaws.com',
  );
  const task = roleSession(TASK_ROLE, `t${n}`, `ASIANEWTASK${String(n).padStart(9, '0')}`, APP_UA);
  const out = [
    ct(at(t), 'ecr.amazonaws.com', 'GetAuthorizationToken', exec, 'ecs-tasks.amazonaws.com', {
      registryIds: [registry],
    }),
    ct(at(t + 1), 'ssm.amazonaws.com', 'GetParameters', task, NAT, { names: ['/chat/model-id'] }),
  ];
  if (harvest) {
    for (const s of ['widget-key', 'order-api-client'])
      out.push(
        ct(at(t + 1), 'secretsmanager.amazonaws.com', 'GetSecretValue', task, NAT, { secretId: SECRET(s) }),
      );
    for (const k of ['internal/a.md', 'internal/b.csv'])
      out.push(ct(at(t + 2), 's3.amazonaws.com', 'GetObject', task, NAT, { bucketName: 'kb-docs', key: k }));
  }
  return out;
}

const trail = (records: Record<string, unknown>[]) => ({ Records: records });
const by = (fs: Finding[], rule: string): Finding[] => fs.filter((f) => f.ruleId === rule);
const severe = (f: Finding): boolean => ['medium', 'high', 'critical'].includes(f.severity);

describe('outsideHost / secretName', () => {
  const org = new Set(['example.com']);
  it('names a URL host outside the organisation, not local, internal, AWS or own hosts', () => {
    expect(outsideHost('https://otlp.cdn-metrics.net/v1/traces', org)).toBe('otlp.cdn-metrics.net');
    expect(outsideHost('http://203.0.113.9:4318', org)).toBe('203.0.113.9');
    expect(outsideHost('http://localhost:4317', org)).toBeNull();
    expect(outsideHost('http://127.0.0.1:4317', org)).toBeNull();
    expect(outsideHost('http://10.0.3.4:9000', org)).toBeNull();
    expect(outsideHost('http://collector:4317', org)).toBeNull();
    expect(outsideHost('http://otel.prod.svc', org)).toBeNull();
    expect(outsideHost('https://bedrock-runtime.eu-west-1.amazonaws.com', org)).toBeNull();
    expect(outsideHost('https://traces.example.com/v1', org)).toBeNull();
    expect(outsideHost('production', org)).toBeNull();
  });
  it('names a secret without its ARN and random suffix', () => {
    expect(secretName(SECRET('widget-key'))).toBe('prod/chat/widget-key');
    expect(secretName('prod/chat/widget-key')).toBe('prod/chat/widget-key');
  });
});

describe('ECS task definitions and deployments', () => {
  // minute 0–600: the application's usual traffic; minute 30: the pipeline's normal release
  const history = (): Record<string, unknown>[] => [
    ...appTraffic(0, 1200),
    ...pipelineRun(30, 1, 41, [container(OWN_IMAGE('1111111'))]),
    ...taskStart(35, ACCT, 1, false),
  ];
  function intrusion(): Record<string, unknown>[] {
    const s = roleSession(DEPLOY_ROLE, 'ci-4177', 'ASIAACTORSESSION0001', ACTOR_UA);
    return [
      ct(at(600), 'sts.amazonaws.com', 'GetCallerIdentity', user(ACTOR_UA), VPS),
      assume(at(602), user(ACTOR_UA), VPS, DEPLOY_ROLE, 'ci-4177', 'ASIAACTORSESSION0001'),
      ct(at(603), 'ecs.amazonaws.com', 'DescribeServices', s, VPS, {
        cluster: 'prod',
        services: ['chat-api'],
      }),
      register(at(606), s, VPS, 42, [
        container(ROGUE_IMAGE, [
          { name: 'TRACE_EXPORT_URL', value: 'https://otlp.cdn-metrics.net/v1/traces' },
        ]),
      ]),
      updateService(at(608), s, VPS, 42),
      ...taskStart(612, OUTSIDE, 2, true),
      ...taskStart(640, OUTSIDE, 3, true),
    ];
  }

  it('judges an outside image deployed from a new origin, chains the key to its role session and ties the task role\u2019s new reads to the deployment', async () => {
    const { findings, scope } = await controlPlaneCase(
      path.join(tmp, 'attack'),
      { 'ct/a.json': trail([...history(), ...intrusion()]) },
      { scope: true },
    );
    const image = by(findings, 'infrastructure.ecs-outside-image');
    expect(image).toHaveLength(1);
    expect(image[0].severity).toBe('high');
    expect(image[0].resources).toEqual(
      expect.arrayContaining([
        ROGUE_IMAGE,
        SERVICE_ARN,
        `arn:aws:ecs:${REGION}:${ACCT}:task-definition/${FAMILY}:42`,
      ]),
    );
    expect(image[0].details?.outsideEndpoints).toEqual([
      { container: 'api', name: 'TRACE_EXPORT_URL', host: 'otlp.cdn-metrics.net' },
    ]);
    expect(image[0].details?.registryAuthorisations).toBe(2);
    const reads = by(findings, 'infrastructure.ecs-task-role-new-reads');
    expect(reads).toHaveLength(1);
    expect(reads[0].severity).toBe('high');
    expect(reads[0].elements).toEqual(['private-data']);
    expect(reads[0].principals).toEqual([roleArn(TASK_ROLE)]);
    expect(reads[0].resources).toEqual(
      expect.arrayContaining(['prod/chat/widget-key', 'prod/chat/order-api-client', 'kb-docs']),
    );
    const access = by(findings, 'access.key-new-address-and-client');
    expect(access).toHaveLength(1);
    expect(access[0].severity).toBe('high');
    expect(access[0].accessKeyIds).toEqual(['AKIAEXAMPLECIUSER001', 'ASIAACTORSESSION0001']);
    expect(access[0].principals).toEqual(expect.arrayContaining([USER_ARN, roleArn(DEPLOY_ROLE)]));
    // the pipeline's own release is nobody's finding
    expect(findings.filter((f) => severe(f) && (f.sourceIps ?? []).includes(RUNNER))).toEqual([]);
    expect(scope?.scope.principals).toEqual(
      expect.arrayContaining([USER_ARN, roleArn(DEPLOY_ROLE), roleArn(TASK_ROLE)]),
    );
    expect(scope?.scope.sourceIps).toEqual([VPS]);
    expect(scope?.scope.resources).toEqual(expect.arrayContaining(['kb-docs', 'prod/chat/widget-key']));
  });

  it('stays quiet on the pipeline\u2019s releases: its own image, AWS\u2019s public gallery, a local collector', async () => {
    const findings = await controlPlaneFindings(path.join(tmp, 'benign'), {
      'ct/a.json': trail([
        ...history(),
        ...pipelineRun(700, 2, 42, [
          container(OWN_IMAGE('2222222'), [
            { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://localhost:4317' },
          ]),
          {
            name: 'otel',
            image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1',
            essential: false,
          },
        ]),
        ...taskStart(705, ACCT, 2, false),
      ]),
    });
    expect(by(findings, 'infrastructure.ecs-outside-image')).toEqual([]);
    expect(by(findings, 'infrastructure.ecs-outside-endpoint')).toEqual([]);
    expect(by(findings, 'infrastructure.ecs-task-role-new-reads')).toEqual([]);
    expect(findings.filter(severe)).toEqual([]);
  });

  it('keeps an outside image the pipeline deploys from its runner low, and its tasks\u2019 new reads low', async () => {
    const findings = await controlPlaneFindings(path.join(tmp, 'vendor'), {
      'ct/a.json': trail([
        ...history(),
        ...pipelineRun(700, 2, 42, [container(ROGUE_IMAGE)]),
        ...taskStart(705, OUTSIDE, 2, true),
      ]),
    });
    const image = by(findings, 'infrastructure.ecs-outside-image');
    expect(image).toHaveLength(1);
    expect(image[0].severity).toBe('low');
    expect(by(findings, 'infrastructure.ecs-task-role-new-reads').map((f) => f.severity)).toEqual(['low']);
    expect(findings.filter(severe)).toEqual([]);
  });

  it('takes AWS\u2019s sidecar registries (FireLens Fluent Bit, App Mesh Envoy) as AWS-owned; an unknown account\u2019s sidecar is still outside', async () => {
    const FLUENT_BIT = `906394416424.dkr.ecr.${REGION}.amazonaws.com/aws-for-fluent-bit:stable`;
    const ENVOY = `840364872350.dkr.ecr.${REGION}.amazonaws.com/aws-appmesh-envoy:v1.34.13.0-prod`;
    const LOOKALIKE = `${OUTSIDE}.dkr.ecr.${REGION}.amazonaws.com/aws-for-fluent-bit:stable`;
    const sidecars = (logRouter: string) => [
      { name: 'log_router', image: logRouter, essential: true, firelensConfiguration: { type: 'fluentbit' } },
      { name: 'envoy', image: ENVOY, essential: true, user: '1337' },
    ];
    const findings = await controlPlaneFindings(path.join(tmp, 'sidecars'), {
      'ct/a.json': trail([
        ...history(),
        ...pipelineRun(700, 2, 42, [container(OWN_IMAGE('2222222')), ...sidecars(FLUENT_BIT)]),
        ...taskStart(705, ACCT, 2, false),
        ...pipelineRun(800, 3, 43, [container(OWN_IMAGE('3333333')), ...sidecars(LOOKALIKE)]),
      ]),
    });
    const image = by(findings, 'infrastructure.ecs-outside-image');
    expect(image.map((f) => f.details?.taskDefinition)).toEqual([
      `arn:aws:ecs:${REGION}:${ACCT}:task-definition/${FAMILY}:43`,
    ]);
    expect(image[0].details?.outsideImages).toEqual([{ image: LOOKALIKE, registryAccount: OUTSIDE }]);
  });

  it('does not judge a registry the family already ran from', async () => {
    const findings = await controlPlaneFindings(path.join(tmp, 'known'), {
      'ct/a.json': trail([
        ...history(),
        ...pipelineRun(300, 2, 42, [container(ROGUE_IMAGE)]),
        ...pipelineRun(700, 3, 43, [container(ROGUE_IMAGE.replace('abc1234', 'def5678'))]),
      ]),
    });
    const image = by(findings, 'infrastructure.ecs-outside-image');
    expect(image.map((f) => f.details?.taskDefinition)).toEqual([
      `arn:aws:ecs:${REGION}:${ACCT}:task-definition/${FAMILY}:42`,
    ]);
  });
});
