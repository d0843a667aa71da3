// Container image swap on the customer chat service (Dalbit Cosmetics, ap-northeast-2).
//
// The chat back end "chat-orchestrator" runs on ECS Fargate (cluster dalbit-prod) and calls
// Bedrock with its task role dalbit-chat-task-role; the role may also read every secret under
// prod/dalbit/chat/* and the knowledge-base source bucket (left from the first version), though
// the service never does: the execution role injects two secrets at task start and retrieval
// goes through the knowledge base. A GitLab pipeline on two self-hosted runners deploys it:
// IAM user svc-gitlab-deploy (its key is a CI variable) assumes dalbit-ecs-deploy, pushes the
// image to the organisation's ECR repository and registers a task-definition revision.
//
// On 7 April at 23:18 KST the deploy user's key, stolen from a CI job log, is used from a hosting
// address: the actor assumes the deploy role with a pipeline-like session name, reads the service
// and its task definition, registers revision 59 whose image comes from an ECR repository in an
// account outside the organisation (913274608521) with an added environment variable pointing at
// an outside "trace" collector, and updates the service to it. The new tasks keep answering
// customers with the same model, but each task, at start, reads all three chat secrets with the
// task role (GetSecretValue, including one it is not given) and lists and downloads the
// knowledge-base bucket's internal documents (GetObject), which the service never did before.
// The next afternoon's planned base-image update (CHG-3402) redeploys the organisation's image.
//
// Decoys: the pipeline's normal deploy on 7 April (same user, role, APIs, own image, runner
// addresses); the planned base-image update, which also adds an environment variable
// (OTEL_EXPORTER_OTLP_ENDPOINT, to a local ADOT sidecar) and a second image from outside the
// organisation's registry (AWS's public ECR gallery); ordinary chat traffic under the task role.

import {
  addAccessKey,
  C,
  defineScenario,
  iamUser,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import {
  chatContainer,
  DALBIT,
  DALBIT_ECS,
  dalbitEstate,
  describeServices,
  ecr,
  ecs,
  ecsChat,
  registerTaskDef,
  taskDefArn,
  updateService,
} from './_worlds-s.mjs';

const ACTOR = '5.253.204.89'; // the actor's VPS (hosting)
const OUTSIDE = '913274608521'; // the actor's AWS account (ECR repository)
const COLLECTOR = 'https://otlp.cdn-metricsedge.net/v1/traces';

export default defineScenario({
  name: 'ecs-image-swap-chat-proxy',
  seed: 'heldout-s/ecs-image-swap-chat-proxy/v1',
  start: '2026-04-07T00:00:00Z',
  days: 2,
  world: DALBIT,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 60 },
    agent: { sessionsPerHour: 5 },
    ops: { events: [], random: 1 },
  },
  alert:
    'AWS Config flagged on 8 April that ECS task definition dalbit-chat-orchestrator:59 references a container image in account 913274608521, which is not in the organisation. The chat team says their pipeline deployed revisions 58 and 60 only; the chat service has been answering customers normally.',
  truth: {
    description:
      "The long-term access key of IAM user svc-gitlab-deploy (the GitLab pipeline's deploy credential) was used on 7 April from hosting address 5.253.204.89 (aws-cli, not the runners' 43.201.77.18/19): it assumed dalbit-ecs-deploy with a pipeline-like session name, described the chat-orchestrator service and its task definition, registered task-definition revision dalbit-chat-orchestrator:59 whose chat-api image is 913274608521.dkr.ecr.ap-northeast-2.amazonaws.com/chat-orchestrator (an ECR repository in an account outside the organisation; no image push to the organisation's repository preceded it) with an added environment variable TRACE_EXPORT_URL pointing at an outside collector (otlp.cdn-metricsedge.net), and updated the service to it (UpdateService). Every task of revision 59 (task role dalbit-chat-task-role, ECR authorization for the outside registry and no pull from the organisation's repository) kept serving customers with the same model but, at start, read the three chat secrets with the task role (GetSecretValue; the service otherwise only gets two of them injected by the execution role) and listed and downloaded internal documents from the knowledge-base source bucket dalbit-support-kb-docs, which the service never reads; the secrets and documents were sent to the outside collector. The planned base-image update (CHG-3402, revision 60, the organisation's image and an AWS ADOT collector sidecar from the public ECR gallery) replaced the tasks on 8 April. The pipeline deploy of revision 58, the base-image update and ordinary chat traffic are legitimate.",
    elements: ['access', 'infrastructure-changes', 'private-data'],
    components: ['foundation-models', 'knowledge-bases'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    dalbitEstate(w, rng.fork('estate'));
    const acct = w.account.id;
    const region = w.homeRegion;
    const repo = DALBIT_ECS.ecrRepo;
    const own = (tag) => `${w.res.ecs.registry}/${repo}:${tag}`;
    const kbBucket = w.res.buckets.kbSource;
    const deployUser = (() => {
      const u = iamUser(rng, acct, DALBIT_ECS.deployUser, {
        created: at('2024-02-20T03:11:09Z'),
        tags: [{ Key: 'purpose', Value: 'GitLab CI deploy (chat-orchestrator)' }],
      });
      addAccessKey(rng, u, at('2025-09-02T06:40:00Z'));
      u.inline = u.inline ?? [];
      u.inline.push({
        name: 'assume-deploy',
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: w.roles.ecsDeploy.arn }],
        },
      });
      w.users[u.name] = u;
      return u;
    })();
    const ciUa = UA.awsCli(rng.fork('ci-ua'), 'linux', { family: 'ubuntu' });
    const kbDocs = [
      'policies/returns-and-refunds-2026.md',
      'policies/shipping-and-customs.md',
      'policies/moonlight-points-terms.md',
      'internal/care-escalation-playbook.md',
      'internal/refund-approval-matrix.xlsx',
      'internal/partner-couriers-contacts.csv',
      'internal/pricing-promo-calendar-q2.xlsx',
      'products/ingredient-glossary.md',
      'products/allergen-statements.md',
      'internal/known-issues-batch-recall-2025.md',
      'internal/macros-care-team.md',
      'products/routine-guides.md',
      'internal/b2b-distributor-price-list.csv',
      'internal/vip-customer-handling.md',
      'policies/privacy-notice.md',
      'internal/chargeback-procedure.md',
    ];

    // ---- pipeline runs ---------------------------------------------------------------------------
    let pipelineId = 41802;
    const pipeline = (t0, { tag, revision, containers, tags, push = true, rngLabel }) => {
      const r = rng.fork(rngLabel);
      const ip = r.pick(DALBIT_ECS.runners);
      const us = sim.userSession(deployUser, { ip, userAgent: ciUa });
      const run = () => {
        let t = t0;
        const sessionName = `gitlab-ci-${pipelineId++}`;
        const key = r.iamId('ASIA');
        sim.call(
          r,
          t,
          us,
          C.assumeRole(r, w.roles.ecsDeploy, sessionName, key, t, { region, duration: 3600 }),
        );
        const s = sim.roleSession(w.roles.ecsDeploy, sessionName, {
          ip,
          userAgent: ciUa,
          accessKeyId: key,
          created: t,
          rng: r,
        });
        const step = (call, a = 1, b = 6) => {
          t += r.int(a, b) * 1000;
          return sim.call(r, t, s, call);
        };
        step(C.getCallerIdentity());
        if (push) {
          step(C.call('ecr:GetAuthorizationToken', { registryIds: [acct] }));
          const layers = r.int(5, 9);
          step(
            ecr('BatchCheckLayerAvailability', {
              repositoryName: repo,
              registryId: acct,
              layerDigests: Array.from({ length: layers }, () => `sha256:${r.hex(64)}`),
            }),
          );
          for (let i = 0; i < r.int(2, 3); i++) {
            const up = r.uuid();
            step(
              ecr(
                'InitiateLayerUpload',
                { repositoryName: repo, registryId: acct },
                { uploadId: up, partSize: 10485760 },
              ),
            );
            step(
              ecr('CompleteLayerUpload', {
                repositoryName: repo,
                registryId: acct,
                uploadId: up,
                layerDigests: [`sha256:${r.hex(64)}`],
              }),
              8,
              40,
            );
          }
          step(
            ecr(
              'PutImage',
              {
                repositoryName: repo,
                registryId: acct,
                imageTag: tag,
                imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
                imageManifest: 'HIDDEN_DUE_TO_SECURITY_REASONS',
              },
              {
                image: {
                  registryId: acct,
                  repositoryName: repo,
                  imageId: { imageDigest: `sha256:${r.hex(64)}`, imageTag: tag },
                },
              },
              [repo],
            ),
          );
        }
        step(ecs('DescribeTaskDefinition', { taskDefinition: DALBIT_ECS.family }), 10, 30);
        step(
          registerTaskDef(w, r, t, revision, containers, {
            registeredBy: `arn:aws:sts::${acct}:assumed-role/${w.roles.ecsDeploy.name}/${sessionName}`,
          }),
        );
        step(updateService(w, r, t, revision));
        for (let i = 0; i < 4; i++) step(describeServices(), 15, 45);
        return t;
      };
      return tags ? sim.tag(tags, run) : run();
    };

    const t58 = at('2026-04-07T01:35:20Z');
    const tRogue = at('2026-04-07T14:26:05Z');
    const t60 = at('2026-04-08T05:04:00Z');
    const rogueImage = `${OUTSIDE}.dkr.ecr.${region}.amazonaws.com/chat-orchestrator:8e41d07`;
    pipeline(t58, {
      tag: '8e41d07',
      revision: 58,
      containers: chatContainer(w, own('8e41d07')),
      tags: { decoy: true },
      rngLabel: 'p58',
    });
    sim.planChange({
      ticket: 'CHG-3402',
      window: { start: '2026-04-08T05:00:00Z', end: '2026-04-08T06:00:00Z' },
      owner: w.people.find((p) => p.team === 'platform').email,
      summary:
        'chat-orchestrator: base image node:20.18.1-bookworm-slim (CVE fixes) and AWS Distro for OpenTelemetry collector sidecar (OTEL_EXPORTER_OTLP_ENDPOINT to localhost)',
    });
    const sidecar = {
      name: 'aws-otel-collector',
      image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1',
      cpu: 64,
      memory: 256,
      essential: false,
      command: ['--config=/etc/ecs/ecs-default-config.yaml'],
      environment: [],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/aws-otel-collector',
          'awslogs-region': region,
          'awslogs-stream-prefix': 'ecs',
        },
      },
    };
    pipeline(t60, {
      tag: 'c71d5b9',
      revision: 60,
      rngLabel: 'p60',
      tags: { decoy: true },
      containers: chatContainer(w, own('c71d5b9'), {
        extraEnv: [
          { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://localhost:4317' },
          { name: 'OTEL_SERVICE_NAME', value: 'chat-orchestrator' },
        ],
        sidecar,
      }),
    });

    // ---- the rogue revision's tasks: harvest at start ------------------------------------------
    let firstTask = true;
    const harvest = (t, r, session) => {
      const key = firstTask;
      firstTask = false;
      const tags = { malicious: true, scope: 'proxy' };
      let ts = t + r.int(3, 9) * 1000;
      for (const sec of w.res.chatSecrets) {
        ts += r.int(100, 900);
        sim.call(r, ts, session, { ...C.getSecretValue(sec), scope: [sec.name], tags, key });
      }
      ts += r.int(1, 4) * 1000;
      sim.call(r, ts, session, { ...C.s3List(r, kbBucket, '', { accountId: acct, region }), tags, key });
      for (const d of r.sample(kbDocs, key ? kbDocs.length : r.int(4, 9))) {
        ts += r.int(200, 1500);
        sim.call(r, ts, session, {
          ...C.s3Object(r, 'GetObject', kbBucket, d, { accountId: acct, region, bytes: r.int(4000, 260000) }),
          tags,
          key: key && /internal\//.test(d),
        });
      }
    };
    ecsChat(sim, w, actors, [
      { from: at('2026-03-30T02:00:00Z'), revision: 57, image: own('3f9c2a1'), ownImage: true },
      { from: t58 + 4 * MIN, revision: 58, image: own('8e41d07'), ownImage: true },
      {
        from: tRogue + 2 * MIN,
        revision: 59,
        image: rogueImage,
        ownImage: false,
        registry: OUTSIDE,
        tags: { malicious: true, scope: 'none' },
        onStart: harvest,
      },
      { from: t60 + 90000, revision: 60, image: own('c71d5b9'), ownImage: true },
    ]);

    // ---- the actor with the stolen deploy key --------------------------------------------------
    const aua = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' });
    const us = sim.threat(sim.userSession(deployUser, { ip: ACTOR, userAgent: aua }));
    let t = at('2026-04-07T14:18:31Z');
    const ustep = (call, key = false, a = 3, b = 25) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, us, { ...call, key });
    };
    ustep(C.getCallerIdentity(), true);
    ustep(C.iamGet('ListAttachedUserPolicies', { userName: deployUser.name }), false);
    ustep({
      ...C.iamGet('GetRole', { roleName: w.roles.ecsDeploy.name }),
      error: {
        code: 'AccessDenied',
        message: `User: ${deployUser.arn} is not authorized to perform: iam:GetRole on resource: role ${w.roles.ecsDeploy.name} because no identity-based policy allows the iam:GetRole action`,
      },
    });
    const sessionName = 'gitlab-ci-41877';
    const akey = rng.iamId('ASIA');
    t += rng.int(20, 60) * 1000;
    sim.call(rng, t, us, {
      ...C.assumeRole(rng, w.roles.ecsDeploy, sessionName, akey, t, { region, duration: 3600 }),
      key: true,
    });
    const s = sim.threat(
      sim.roleSession(w.roles.ecsDeploy, sessionName, {
        ip: ACTOR,
        userAgent: aua,
        accessKeyId: akey,
        created: t,
      }),
    );
    const step = (call, key = false, a = 3, b = 30) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key });
    };
    step(C.getCallerIdentity());
    step(ecs('ListClusters', { maxResults: 100 }));
    step(ecs('ListServices', { cluster: DALBIT_ECS.cluster, maxResults: 100 }));
    step({ ...describeServices(), scope: [DALBIT_ECS.service] }, true);
    step(
      ecs('DescribeTaskDefinition', { taskDefinition: taskDefArn(w, 58) }, null, [DALBIT_ECS.family]),
      true,
    );
    step(ecs('ListTaskDefinitions', { familyPrefix: DALBIT_ECS.family, sort: 'DESC', maxResults: 10 }));
    step(C.call('ecr:DescribeRepositories', { registryId: acct }));
    step(C.call('ecr:DescribeImages', { repositoryName: repo, registryId: acct, maxResults: 20 }));
    t = tRogue - rng.int(60, 120) * 1000;
    step(
      registerTaskDef(
        w,
        rng,
        t,
        59,
        chatContainer(w, rogueImage, {
          extraEnv: [
            { name: 'TRACE_EXPORT_URL', value: COLLECTOR },
            { name: 'TRACE_SAMPLE_RATE', value: '1.0' },
          ],
        }),
        { registeredBy: `arn:aws:sts::${acct}:assumed-role/${w.roles.ecsDeploy.name}/${sessionName}` },
      ),
      true,
      1,
      2,
    );
    t = tRogue;
    sim.call(rng, t, s, { ...updateService(w, rng, t, 59), key: true });
    for (let i = 0; i < 5; i++) step(describeServices(), false, 20, 70);
    step(
      ecs('ListTasks', {
        cluster: DALBIT_ECS.cluster,
        serviceName: DALBIT_ECS.service,
        desiredStatus: 'RUNNING',
      }),
      false,
      30,
      90,
    );
    sim.truth.addScope('resources', rogueImage, w.res.ecs.serviceArn, taskDefArn(w, 59));
  },
});
