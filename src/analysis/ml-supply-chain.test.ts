/**
 * SageMaker supply chain (ml-supply-chain.ts): images from registries outside the organisation in
 * pipelines, jobs and packages, followed to the approval and the endpoint; a person's session used
 * from a new address to change SageMaker resources.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import { uuidSequence } from '../../test/helpers/fixture-clock.js';
import type { Finding } from '../model/types.js';
import { ecrImage, imagesOf, outsideRegistry } from './ml-supply-chain.js';

const ACCT = '111122223333';
const OUTSIDE = '999988887777';
const XGB = '121021644041'; // AWS built-in algorithms, ap-southeast-1
const REGION = 'ap-southeast-1';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-mlsc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Who {
  role: string;
  session: string;
  key: string;
  path?: string;
  invokedBy?: string;
}

const id = uuidSequence('b003');

function ct(
  time: string,
  source: string,
  name: string,
  w: Who,
  ip: string,
  req: unknown = null,
  resp: unknown = null,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE${w.role.length}:${w.session}`,
      arn: `arn:aws:sts::${ACCT}:assumed-role/${w.role}/${w.session}`,
      accountId: ACCT,
      accessKeyId: w.key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: `AROAEXAMPLE${w.role.length}`,
          arn: `arn:aws:iam::${ACCT}:role/${w.path ?? ''}${w.role}`,
          accountId: ACCT,
          userName: w.role,
        },
        attributes: { creationDate: '2025-06-01T00:00:00Z', mfaAuthenticated: 'false' },
      },
      ...(w.invokedBy ? { invokedBy: w.invokedBy } : {}),
    },
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: REGION,
    sourceIPAddress: ip,
    userAgent: w.invokedBy ?? 'aws-cli/2.22.4 md/awscrt#0.22.1 ua/2.0 os/linux#6.1',
    requestParameters: req,
    responseElements: resp,
    requestID: id(),
    eventID: id(),
    readOnly: /^(Get|List|Describe)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
    ...more,
  };
}

const at = (min: number): string =>
  new Date(Date.parse('2025-06-03T00:00:00Z') + min * 60_000).toISOString().replace('.000Z', 'Z');
const trail = (records: Record<string, unknown>[]) => ({ Records: records });
const by = (fs: Finding[], rule: string): Finding[] => fs.filter((f) => f.ruleId === rule);

const SSO = 'aws-reserved/sso.amazonaws.com/ap-southeast-1/';
const OFFICE = '198.51.100.10';
const HOME = '198.51.99.20';
const VPS = '203.0.113.66';
const INSTANCE = '52.77.12.166';
const SM = 'sagemaker.amazonaws.com';
const person = (key: string): Who => ({
  role: 'AWSReservedSSO_DataScientist_0123456789abcdef',
  path: SSO,
  session: 'dana@example.com',
  key,
});
const lead: Who = {
  role: 'AWSReservedSSO_MLLead_0123456789abcdef',
  path: SSO,
  session: 'lee@example.com',
  key: 'ASIALEADSESSION00001',
};
const PIPE_ROLE = 'ml-pipeline-role';
const pipeRole: Who = { role: PIPE_ROLE, session: 'SageMaker', key: 'ASIAPIPESERVICE00001', invokedBy: SM };
const container: Who = { role: PIPE_ROLE, session: 'SageMaker', key: 'ASIAPIPECONTAINER001' };
const deployer: Who = { role: 'ml-deploy-role', session: 'ml-deploy', key: 'ASIADEPLOYLAMBDA0001' };
const ROLE_ARN = `arn:aws:iam::${ACCT}:role/${PIPE_ROLE}`;

const image = (acct: string, repo: string, tag: string): string =>
  `${acct}.dkr.ecr.${REGION}.amazonaws.com/${repo}:${tag}`;
const OWN = image(ACCT, 'ml/finetune', '2.4.0');
const ROGUE = image(OUTSIDE, 'ml/finetune', '2.4.0');
const arn = (type: string, name: string): string => `arn:aws:sagemaker:${REGION}:${ACCT}:${type}/${name}`;
const definition = (img: string): string =>
  JSON.stringify({
    Version: '2020-12-01',
    Steps: [
      {
        Name: 'Train',
        Type: 'Training',
        Arguments: { AlgorithmSpecification: { TrainingImage: img }, RoleArn: ROLE_ARN },
      },
    ],
  });
const updatePipeline = (t: string, w: Who, ip: string, img: string) =>
  ct(
    t,
    SM,
    'UpdatePipeline',
    w,
    ip,
    { pipelineName: 'quotes-finetune', pipelineDefinition: definition(img), roleArn: ROLE_ARN },
    { pipelineArn: arn('pipeline', 'quotes-finetune') },
  );
const training = (t: string, job: string, img: string) =>
  ct(
    t,
    SM,
    'CreateTrainingJob',
    pipeRole,
    SM,
    {
      trainingJobName: job,
      algorithmSpecification: { trainingImage: img, trainingInputMode: 'File' },
      roleArn: ROLE_ARN,
      stoppingCondition: { maxRuntimeInSeconds: 21600 },
    },
    { trainingJobArn: arn('training-job', job) },
  );
const PKG = `${arn('model-package', 'quotes')}/7`;

/** the person's own earlier sessions from the office: a baseline of addresses */
const baseline = (): Record<string, unknown>[] =>
  Array.from({ length: 6 }, (_, i) =>
    ct(at(i * 10), SM, 'ListPipelines', person('ASIADANAOFFICE000001'), OFFICE, { maxResults: 50 }),
  );

function attack(): Record<string, unknown>[] {
  const s1 = person('ASIADANASTOLEN000001');
  const s2 = person('ASIADANASTOLEN000002');
  return [
    ct(at(600), 'sts.amazonaws.com', 'GetCallerIdentity', s1, VPS),
    ct(at(601), SM, 'DescribePipeline', s1, VPS, { pipelineName: 'quotes-finetune' }),
    updatePipeline(at(610), s1, VPS, ROGUE),
    training(at(900), 'pipelines-abc-Train-xyz', ROGUE),
    ct(at(908), 'sts.amazonaws.com', 'GetCallerIdentity', container, INSTANCE),
    ct(at(909), 's3.amazonaws.com', 'ListBuckets', container, INSTANCE, null, null, {
      errorCode: 'AccessDenied',
      errorMessage: 'Access Denied',
    }),
    ct(
      at(1000),
      SM,
      'CreateModelPackage',
      pipeRole,
      SM,
      {
        modelPackageGroupName: 'quotes',
        inferenceSpecification: {
          containers: [
            {
              image: image('763104351884', 'tgi-inference', '2.3.0'),
              modelDataUrl: 's3://ml-artifacts/training/pipelines-abc-Train-xyz/output/model.tar.gz',
            },
          ],
        },
        modelApprovalStatus: 'PendingManualApproval',
      },
      { modelPackageArn: PKG },
    ),
    ct(
      at(1300),
      SM,
      'UpdateModelPackage',
      s2,
      VPS.replace('.66', '.67'),
      { modelPackageArn: PKG, modelApprovalStatus: 'Approved' },
      { modelPackageArn: PKG },
    ),
    ct(
      at(1301),
      SM,
      'CreateModel',
      deployer,
      '18.140.66.120',
      { modelName: 'quotes-v7', primaryContainer: { modelPackageName: PKG }, executionRoleArn: ROLE_ARN },
      { modelArn: arn('model', 'quotes-v7') },
    ),
    ct(
      at(1302),
      SM,
      'CreateEndpointConfig',
      deployer,
      '18.140.66.120',
      {
        endpointConfigName: 'quotes-prod-v7',
        productionVariants: [{ variantName: 'AllTraffic', modelName: 'quotes-v7' }],
      },
      { endpointConfigArn: arn('endpoint-config', 'quotes-prod-v7') },
    ),
    ct(
      at(1303),
      SM,
      'UpdateEndpoint',
      deployer,
      '18.140.66.120',
      { endpointName: 'quotes-prod', endpointConfigName: 'quotes-prod-v7' },
      { endpointArn: arn('endpoint', 'quotes-prod') },
    ),
    updatePipeline(at(1320), s2, VPS.replace('.66', '.67'), OWN),
  ];
}

/** legitimate work: the lead's own-registry upgrade, a job with an AWS built-in algorithm image */
function routine(): Record<string, unknown>[] {
  return [
    updatePipeline(at(100), lead, OFFICE, OWN),
    training(at(120), 'pipelines-def-Train-own', OWN),
    training(at(130), 'pipelines-ghi-Xgb-aws', image(XGB, 'sagemaker-xgboost', '1.7-1')),
    ct(at(131), 'sts.amazonaws.com', 'GetCallerIdentity', lead, OFFICE),
    ct(at(132), SM, 'ListPipelines', lead, OFFICE),
    ct(at(133), SM, 'ListPipelines', person('ASIADANAHOME00000001'), HOME),
  ];
}

describe('container images', () => {
  it('reads ECR image URIs, also inside a pipeline definition', () => {
    expect(ecrImage(ROGUE)).toMatchObject({ account: OUTSIDE, region: REGION, repository: 'ml/finetune' });
    expect(ecrImage('docker.io/library/python:3.12')).toBeNull();
    expect(imagesOf({ pipelineDefinition: definition(ROGUE) }).map((i) => i.uri)).toEqual([ROGUE]);
    expect(imagesOf({ pipelineDefinition: '{not json' })).toEqual([]);
  });

  it('counts AWS\u2019s sidecar registries as AWS-owned in every partition: Fluent Bit, App Mesh Envoy', () => {
    const none = new Set<string>();
    const outside = (uri: string): boolean => outsideRegistry(ecrImage(uri)!, none);
    expect(outside('906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:stable')).toBe(false);
    expect(outside('128054284489.dkr.ecr.cn-north-1.amazonaws.com.cn/aws-for-fluent-bit:stable')).toBe(false);
    expect(outside('161423150738.dkr.ecr.us-gov-west-1.amazonaws.com/aws-for-fluent-bit:init-latest')).toBe(
      false,
    );
    expect(outside('840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy:v1.34.13.0-prod')).toBe(
      false,
    );
    expect(
      outside('919830735681.dkr.ecr.cn-northwest-1.amazonaws.com.cn/aws-appmesh-envoy:v1.34.13.0-prod'),
    ).toBe(false);
    expect(outside(`${OUTSIDE}.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:stable`)).toBe(true);
  });
});

describe('SageMaker supply chain', () => {
  it('follows an outside image from the pipeline change to the approval and the endpoint', async () => {
    const fs = await controlPlaneFindings(path.join(tmp, 'chain'), {
      'ct/a.json': trail([...baseline(), ...routine(), ...attack()]),
    });
    const found = by(fs, 'ai-changes.sagemaker-outside-image');
    expect(found).toHaveLength(1);
    const f = found[0];
    expect(f.severity).toBe('high');
    expect(f.elements).toContain('ai-changes');
    expect(f.components).toContain('custom-models');
    expect(f.title).toContain(OUTSIDE);
    expect(f.resources).toEqual(
      expect.arrayContaining([
        ROGUE,
        PKG,
        arn('endpoint', 'quotes-prod'),
        arn('pipeline', 'quotes-finetune'),
      ]),
    );
    // actors: the person's two stolen sessions, not the pipeline's or the deploy function's roles
    expect(f.accessKeyIds?.sort()).toEqual(['ASIADANASTOLEN000001', 'ASIADANASTOLEN000002']);
    expect(f.sourceIps).not.toContain(INSTANCE);
    expect(f.details?.lookalike).toBe(true);
    expect((f.details?.probes as unknown[]).length).toBe(2);
    expect(f.details?.endpoints).toEqual(['quotes-prod']);
    expect((f.details?.restoredAt as unknown[]).length).toBe(1);
    // 10 records in the chain: change, run, 2 probes, package, approval, model, config, endpoint, restore
    expect(f.evidence.eventIds?.length).toBe(10);
  });

  it('leaves the organisation’s own and AWS-owned images alone', async () => {
    const fs = await controlPlaneFindings(path.join(tmp, 'routine'), {
      'ct/a.json': trail([...baseline(), ...routine()]),
    });
    expect(by(fs, 'ai-changes.sagemaker-outside-image')).toEqual([]);
    expect(by(fs, 'access.session-new-origin-ml-changes')).toEqual([]);
  });

  it('takes the AWS-owned registries from data/aws-image-registries.json: a listed one is inside, an unlisted one outside', async () => {
    const CLARIFY = '834264404009'; // SageMaker Clarify processing, ap-southeast-1
    const UNLISTED = '555566667777';
    const fs = await controlPlaneFindings(path.join(tmp, 'registries'), {
      'ct/a.json': trail([
        ...baseline(),
        ...routine(),
        training(at(140), 'pipelines-jkl-Bias-aws', image(CLARIFY, 'sagemaker-clarify-processing', '1.0')),
        training(at(150), 'pipelines-mno-Train-ext', image(UNLISTED, 'ml/finetune', '2.4.0')),
      ]),
    });
    const found = by(fs, 'ai-changes.sagemaker-outside-image');
    expect(found.map((f) => f.details?.registryAccount)).toEqual([UNLISTED]);
  });

  it('a planned change explains the outside image only when it names the registry account', async () => {
    const entry = (text: string) => ({
      changes: [
        {
          ticket: 'CHG-1',
          window: { start: at(500), end: at(700) },
          owner: 'lee@example.com',
          summary: text,
        },
      ],
    });
    const vague = await controlPlaneFindings(path.join(tmp, 'planned-vague'), {
      'ct/a.json': trail([...baseline(), ...attack()]),
      'context/change-calendar.json': entry('Upgrade the quotes-finetune SageMaker pipeline training image'),
    });
    const f = by(vague, 'ai-changes.sagemaker-outside-image')[0];
    expect(f.severity).toBe('high');
    expect(f.details?.triage).toEqual(expect.arrayContaining([expect.stringContaining('does not name')]));
    const named = await controlPlaneFindings(path.join(tmp, 'planned-named'), {
      'ct/a.json': trail([...baseline(), ...attack()]),
      'context/change-calendar.json': entry(
        `Switch the quotes-finetune SageMaker pipeline to the vendor image in account ${OUTSIDE}`,
      ),
    });
    // explained: reported as context at most, never at medium or above
    expect(
      by(named, 'ai-changes.sagemaker-outside-image').filter((x) => x.severity !== 'informational'),
    ).toEqual([]);
  });
});

describe('a person’s session from a new address changing SageMaker', () => {
  it('flags each stolen session; the same actor as the supply-chain change makes it high', async () => {
    const fs = await controlPlaneFindings(path.join(tmp, 'access'), {
      'ct/a.json': trail([...baseline(), ...routine(), ...attack()]),
    });
    const found = by(fs, 'access.session-new-origin-ml-changes');
    expect(found.map((f) => f.accessKeyIds?.[0]).sort()).toEqual([
      'ASIADANASTOLEN000001',
      'ASIADANASTOLEN000002',
    ]);
    for (const f of found) {
      expect(f.elements).toEqual(['access']);
      expect(f.severity).toBe('high');
    }
  });

  it('stays low for a new address alone (changes no other rule judges)', async () => {
    const away = person('ASIADANAHOTEL0000001');
    const fs = await controlPlaneFindings(path.join(tmp, 'access-away'), {
      'ct/a.json': trail([...baseline(), updatePipeline(at(610), away, VPS, OWN)]),
    });
    const found = by(fs, 'access.session-new-origin-ml-changes');
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('low');
  });

  it('does not flag SageMaker changes from the person’s known address', async () => {
    const own = person('ASIADANAOFFICE000002');
    const fs = await controlPlaneFindings(path.join(tmp, 'access-own'), {
      'ct/a.json': trail([...baseline(), updatePipeline(at(610), own, OFFICE, OWN)]),
    });
    expect(by(fs, 'access.session-new-origin-ml-changes')).toEqual([]);
  });
});
