// EC2 role credential theft. The instance role of the "order insights" host (an internal
// web app on EC2 that answers staff questions about orders: it retrieves from the support
// knowledge base, reads customer-record exports and summarises them with Bedrock) is taken
// through an SSRF in the app's "import from URL" feature (IMDSv1 still enabled). From a
// hosting address the actor checks the credentials, enumerates S3 and Bedrock, queries the
// knowledge base (Retrieve / RetrieveAndGenerate), downloads customer-record exports and has a
// model summarise the stolen records, partly in a Region the company does not use (no
// invocation logging there). The next day the actor re-steals fresh credentials (new session
// key) through the same SSRF and comes back from a second address. The host keeps using the
// role normally all along. Decoys: an external assessment that enumerates from a hosting
// address, a content editor's upload from a hotel, an engineer's logging change.

import {
  C,
  Decoys,
  defineScenario,
  finding,
  MIN,
  makeCustomer,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { HALDEN } from './_worlds-b.mjs';

const VPS1 = '193.142.146.51';
const VPS2 = '91.92.251.118';
const EC2_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const SUMMARY_MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const APP_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

export default defineScenario({
  name: 'ec2-role-credential-theft',
  seed: 'heldout-b/ec2-role-credential-theft/v1',
  start: '2025-10-14T00:00:00Z',
  days: 2,
  world: {
    ...HALDEN,
    extraRoles: [
      {
        key: 'insights',
        name: 'haldenfrost-order-insights-ec2-role',
        trust: EC2_TRUST,
        description: 'Instance role of the order-insights web app',
      },
    ],
  },
  shapes: { jsonl: 0.03 },
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['logging-test', 'onboard'], random: 0 },
  },
  alert:
    'GuardDuty reported that credentials of an EC2 instance role were used from an external IP address. The role can read customer-record exports and call Bedrock.',
  truth: {
    description:
      "Temporary credentials of haldenfrost-order-insights-ec2-role (instance role of the order-insights host; Bedrock invoke/retrieve and read access to the customer-records and knowledge-base buckets) were taken through an SSRF in the app (IMDSv1) and used from a hosting address. The actor called GetCallerIdentity, failed to list the role's policies, listed buckets, knowledge bases and foundation models (in eu-central-1 and us-east-1), queried the knowledge base with Retrieve and RetrieveAndGenerate, listed and downloaded customer profile and order exports from haldenfrost-customer-records (S3 called KMS on its behalf), and invoked Claude 3.5 Sonnet to summarise the stolen records: in eu-central-1 (invocation-logged, customer data in the prompts) and in us-east-1, a Region the company does not use and where invocations are not logged. The next morning the actor stole a fresh session key through the same SSRF and came back from a second hosting address, downloading more exports and summarising them in us-east-1. The host kept using the role normally from its NAT address throughout. The external assessment, the content upload from a hotel and the logging change are legitimate.",
    elements: ['access', 'invocation', 'private-data'],
    components: ['foundation-models', 'knowledge-bases'],
  },
  incident(sim, { rng, at, world }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const role = w.roles.insights;
    const kb = w.res.kb;
    const records = w.res.buckets.customerRecords;
    role.attached = ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'];
    role.inline = [
      {
        name: 'order-insights',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'bedrock:InvokeModel',
                'bedrock:InvokeModelWithResponseStream',
                'bedrock:Retrieve',
                'bedrock:RetrieveAndGenerate',
                'bedrock:ListFoundationModels',
                'bedrock:ListKnowledgeBases',
                'bedrock:GetKnowledgeBase',
              ],
              Resource: '*',
            },
            {
              Effect: 'Allow',
              Action: ['s3:GetObject', 's3:ListBucket', 's3:ListAllMyBuckets'],
              Resource: ['*'],
            },
            { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: '*' },
          ],
        },
      },
    ];
    const host = w.res.instances[2];
    const HOST_UA = UA.boto3(rng.fork('ua-host'), { family: 'ec2' });
    const ACTOR_UA = UA.boto3(rng.fork('ua-actor'), { family: 'debian' });
    const ACTOR_UA2 = UA.awsCli(rng.fork('ua-actor2'), 'linux', { family: 'ubuntu' });

    // the host's normal work, both days (instance credentials rotate about every six hours)
    const slotLen = 360 * MIN;
    const slots = new Map();
    const hostSession = (t) => {
      const slot = Math.floor(t / slotLen);
      if (!slots.has(slot))
        slots.set(
          slot,
          sim.roleSession(role, host.id, {
            ip: w.net.appNat[1],
            userAgent: HOST_UA,
            created: slot * slotLen + rng.int(1, 20) * MIN - slotLen,
            ec2RoleDelivery: '1.0',
            rng,
          }),
        );
      return slots.get(slot);
    };
    for (let t = at('2025-10-14T00:04:00Z'); t < at('2025-10-15T23:55:00Z'); t += rng.int(6, 22) * MIN) {
      const s = hostSession(t);
      const r = rng.float();
      const c = makeCustomer(rng, w);
      if (r < 0.3) sim.call(rng, t, s, C.retrieve(kb, acct, { results: 5 }));
      else if (r < 0.55)
        sim.call(
          rng,
          t,
          s,
          C.s3Object(
            rng,
            'GetObject',
            records,
            `exports/orders/2025/10/${String(rng.int(1, 14)).padStart(2, '0')}/orders-${rng.digits(4)}.csv`,
            { accountId: acct, region },
          ),
        );
      else if (r < 0.6) sim.call(rng, t, s, C.getCallerIdentity());
      else {
        const o = c.orders[0];
        sim.runtime(rng, t, s, {
          op: 'InvokeModel',
          modelId: APP_MODEL,
          prompt: `Summarise the delivery history of order ${o.id} (${o.product}, status ${o.status}) for the support team in two sentences.`,
          answer: `Order ${o.id} for the ${o.product} is ${o.status}. No further action is needed.`,
          maxTokens: 300,
        });
      }
    }

    // decoys
    const admin = Decoys.findPerson(w, (p) => p.permissionSet === 'admin');
    const editor = Decoys.findPerson(w, (p) => p.permissionSet === 'content');
    const dev = Decoys.findPerson(w, (p) => p.team === 'platform');
    Decoys.vendorAssessment(sim, rng, at('2025-10-14T08:10:00Z'), {
      admin,
      vendor: 'Kestrel Assurance',
      ticket: 'SEC-3318',
    });
    Decoys.contentUpload(sim, rng, at('2025-10-15T09:40:00Z'), editor, { away: 'hotel' });
    Decoys.loggingConfigUpdate(sim, rng, at('2025-10-15T13:05:00Z'), dev, { away: 'home' });

    // day 1: credentials of the current slot, used from outside AWS
    const t0 = at('2025-10-14T19:37:12Z');
    const stolen = hostSession(t0);
    const s = sim.threat(stolen.with({ ip: VPS1, userAgent: ACTOR_UA, tls: 'tls12' }));
    let t = t0;
    const step = (sess, call, key = false, a = 2, b = 30) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, sess, { ...call, key });
    };
    step(s, C.getCallerIdentity(), true);
    step(s, {
      ...C.iamGet('ListAttachedRolePolicies', { roleName: role.name }),
      error: {
        code: 'AccessDenied',
        message: `User: ${stolen.identity.arn} is not authorized to perform: iam:ListAttachedRolePolicies on resource: role ${role.name} because no identity-based policy allows the iam:ListAttachedRolePolicies action`,
      },
    });
    step(s, C.s3ListBuckets(rng, { region }), true);
    step(s, C.bedrockAgent('ListKnowledgeBases', { maxResults: 100 }), true);
    step(s, C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }, null, [kb.id]));
    step(s, C.bedrock('ListFoundationModels'), true);
    step(
      s.with({ region: 'us-east-1' }),
      C.bedrock('ListFoundationModels', { byOutputModality: 'TEXT' }, null, undefined),
    );
    step(s, {
      ...C.bedrockAgent('ListAgents', { maxResults: 100 }),
      error: {
        code: 'AccessDeniedException',
        message: `User: ${stolen.identity.arn} is not authorized to perform: bedrock:ListAgents`,
      },
    });
    // the knowledge base
    for (let i = 0; i < 7; i++) step(s, C.retrieve(kb, acct, { results: 25 }), i === 0, 8, 40);
    for (let i = 0; i < 3; i++)
      step(
        s,
        C.retrieveAndGenerate(kb, `arn:aws:bedrock:${region}::foundation-model/${SUMMARY_MODEL}`, acct),
        i === 0,
        10,
        50,
      );
    // customer records
    step(s, C.s3List(rng, records, '', { accountId: acct, region }), true, 20, 60);
    step(s, C.s3List(rng, records, 'profiles/', { accountId: acct, region }));
    step(s, C.s3List(rng, records, 'exports/', { accountId: acct, region }));
    const stolenRows = [];
    for (let i = 0; i < 18; i++) {
      const c = makeCustomer(rng, w);
      stolenRows.push(c);
      const key =
        i % 3 === 0
          ? `exports/customers/2025/10/customers-${rng.digits(3)}.csv`
          : `profiles/${c.customerId}.json`;
      step(
        s,
        C.s3Object(rng, 'GetObject', records, key, { accountId: acct, region, bytes: rng.int(4000, 400000) }),
        i === 0,
        1,
        6,
      );
    }
    // summarise the stolen records: first where the company runs, then in an unused Region
    const rowText = (c) =>
      `${c.name}, ${c.email}, ${c.address}, orders: ${c.orders.map((o) => `${o.id} ${o.product}`).join('; ')}`;
    for (let i = 0; i < 4; i++) {
      t += rng.int(30, 90) * 1000;
      const batch = stolenRows.slice(i * 4, i * 4 + 5);
      sim.runtime(rng, t, s, {
        op: 'InvokeModel',
        modelId: SUMMARY_MODEL,
        prompt: `Here are customer records from an export:\n${batch.map(rowText).join('\n')}\nGive me a table: name, email, full address, total spend, most valuable order.`,
        answer: batch
          .map((c) => `| ${c.name} | ${c.email} | ${c.address} | ${c.orders.length} orders |`)
          .join('\n'),
        maxTokens: 2048,
        key: i === 0,
      });
    }
    const east = s.with({ region: 'us-east-1' });
    for (let i = 0; i < 9; i++) {
      t += rng.int(20, 70) * 1000;
      sim.runtime(rng, t, east, {
        op: rng.chance(0.5) ? 'InvokeModel' : 'Converse',
        modelId: SUMMARY_MODEL,
        prompt: `Customer records:\n${stolenRows.slice(0, 6).map(rowText).join('\n')}\nGroup by city and list emails.`,
        answer: 'Grouped list follows.',
        maxTokens: 4096,
        key: i === 0,
      });
    }

    // day 2: fresh credentials from the same SSRF, a second address
    const t1 = at('2025-10-15T06:48:03Z');
    const stolen2 = hostSession(t1);
    const s2 = sim.threat(stolen2.with({ ip: VPS2, userAgent: ACTOR_UA2, tls: 'tls13' }));
    t = t1;
    step(s2, C.getCallerIdentity(), true);
    step(s2, C.s3List(rng, records, 'exports/customers/', { accountId: acct, region }), true, 10, 40);
    for (let i = 0; i < 12; i++)
      step(
        s2,
        C.s3Object(
          rng,
          'GetObject',
          records,
          `exports/customers/2025/${String(rng.int(7, 10)).padStart(2, '0')}/customers-${rng.digits(3)}.csv`,
          { accountId: acct, region, bytes: rng.int(200000, 2500000) },
        ),
        i === 0,
        2,
        9,
      );
    for (let i = 0; i < 4; i++) step(s2, C.retrieve(kb, acct, { results: 25 }), false, 8, 40);
    const east2 = s2.with({ region: 'us-east-1' });
    for (let i = 0; i < 6; i++) {
      t += rng.int(20, 70) * 1000;
      sim.runtime(rng, t, east2, {
        op: 'Converse',
        modelId: SUMMARY_MODEL,
        prompt: 'Summarise the attached customer export by country.',
        answer: 'Summary by country follows.',
        maxTokens: 4096,
        key: i === 0,
      });
    }

    // GuardDuty
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f1 = at('2025-10-14T19:52:40Z');
      sim.finding(
        f1,
        finding(rng, w, {
          t: f1,
          type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
          severity: 8,
          accessKey: {
            accessKeyId: stolen.accessKeyId,
            principalId: `${role.id}:${host.id}`,
            userType: 'AssumedRole',
            userName: role.name,
          },
          title: `Credentials for instance role ${role.name} used from external IP address.`,
          description: `Credentials that were created exclusively for an EC2 instance using instance role ${role.name} have been used from external IP address ${VPS1}.`,
          api: 'ListBuckets',
          serviceName: 's3.amazonaws.com',
          remoteIp: {
            ip: VPS1,
            country: 'Netherlands',
            city: 'Amsterdam',
            asn: 57043,
            asnOrg: 'Hostkey B.V.',
            isp: 'Hostkey',
            org: 'Hostkey B.V.',
          },
          firstSeen: t0,
          lastSeen: at('2025-10-14T19:50:00Z'),
          count: 9,
        }),
      );
      const f2 = at('2025-10-15T07:05:12Z');
      sim.finding(
        f2,
        finding(rng, w, {
          t: f2,
          type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
          severity: 8,
          accessKey: {
            accessKeyId: stolen2.accessKeyId,
            principalId: `${role.id}:${host.id}`,
            userType: 'AssumedRole',
            userName: role.name,
          },
          title: `Credentials for instance role ${role.name} used from external IP address.`,
          description: `Credentials that were created exclusively for an EC2 instance using instance role ${role.name} have been used from external IP address ${VPS2}.`,
          api: 'GetCallerIdentity',
          serviceName: 'sts.amazonaws.com',
          remoteIp: {
            ip: VPS2,
            country: 'Bulgaria',
            city: 'Sofia',
            asn: 394711,
            asnOrg: 'Limenet',
            isp: 'Limenet',
            org: 'Limenet',
          },
          firstSeen: t1,
          lastSeen: f2,
          count: 14,
        }),
      );
    });
  },
});
