// A developer's long-term IAM access key leaks (committed in a side project's .env). Late at night
// Tokyo time, from a commercial VPN exit, the key is used to look at its own permissions and to
// mint a long-term Amazon Bedrock API key for the same IAM user (iam:CreateServiceSpecificCredential,
// serviceName bedrock.amazonaws.com, allowed by the self-service pilot policy), then to check
// models and invocation logging in several Regions. From then on the Bedrock API key (bearer
// token: CloudTrail shows the IAM user, callWithBearerToken and no access key id) is used from
// four hosting addresses, a reseller's proxy fleet, for role play and bulk writing through
// InvokeModel and Converse, mostly in Regions where invocation logging is off.
// Decoys: another developer creates a Bedrock API key from the office for a prototype and uses it
// there at a low rate; an engineer updates the invocation-logging configuration from home; a
// developer's playground validation errors; the usual background (scanner sweeps, staff scripts).

import {
  C,
  Decoys,
  defineScenario,
  finding,
  HOUR,
  legacyDate,
  MIN,
  Playbooks,
  Prompts,
  Session,
  UA,
  userIdentityFor,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { KAIRO } from './_worlds-i.mjs';

const RECON_IP = '146.70.183.27'; // commercial VPN exit (hosting ASN)
const PROXIES = ['45.134.212.61', '193.176.86.140', '185.213.155.9', '91.207.174.33'];

export default defineScenario({
  name: 'bedrock-api-key-abuse',
  seed: 'fresh-i/bedrock-api-key-abuse/v1',
  start: '2025-11-04T00:00:00Z',
  days: 1.5,
  world: KAIRO,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    jobs: { guardrailEval: true },
    ops: { random: 2 },
  },
  alert:
    'Billing anomaly: Amazon Bedrock on-demand charges of kairoaudio-prod are about fifteen times the daily average since last night, most of it in us-east-1, us-west-2 and eu-central-1, Regions the company does not run workloads in.',
  truth: {
    description:
      "A developer's long-term IAM access key was stolen. At 00:40 JST, from a commercial VPN exit (146.70.183.27), the key was used for GetCallerIdentity and a look at the user's own policies, then for iam:CreateServiceSpecificCredential with serviceName bedrock.amazonaws.com (a long-term Amazon Bedrock API key, 365 days, for the same IAM user; allowed by the user's self-service pilot policy), followed by ListFoundationModels, GetModelInvocationLoggingConfiguration and malformed InvokeModel probes in ap-northeast-1, us-east-1, us-west-2 and eu-central-1. From 01:25 JST the Bedrock API key was used as a bearer token (CloudTrail: the IAM user, additionalEventData.callWithBearerToken, no accessKeyId) from four hosting addresses for about seventeen hours: InvokeModel and Converse calls with role play and bulk writing content (character cards, pasted chapters, listings), mostly in us-east-1, us-west-2 and eu-central-1 where model invocation logging is not configured, so only CloudTrail shows them; the ap-northeast-1 share is in the invocation logs. Containment: delete the service-specific credential, deactivate the leaked access key. The developer's own work from the office and the other developer's prototype key are legitimate.",
    elements: ['access', 'infrastructure-changes', 'invocation'], // a new long-term IAM credential (persistence), labelled like CreateAccessKey elsewhere in the set
    components: ['foundation-models'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const devs = w.people.filter((p) => p.iamUser && p.team === 'app');
    const victim = devs[0] ?? w.people.find((p) => p.iamUser && p.team !== 'platform');
    const other =
      w.people.find((p) => p.iamUser && p !== victim && p.team !== 'platform') ??
      w.people.find((p) => p.iamUser && p !== victim);
    const user = victim.iamUser;
    const otherUser = other.iamUser;

    // the self-service pilot policy both developers have (managing their own Bedrock API keys)
    const selfService = {
      name: 'bedrock-api-key-self-service',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'iam:CreateServiceSpecificCredential',
              'iam:ListServiceSpecificCredentials',
              'iam:UpdateServiceSpecificCredential',
              'iam:DeleteServiceSpecificCredential',
              'iam:ResetServiceSpecificCredential',
            ],
            Resource: 'arn:aws:iam::*:user/${aws:username}',
            Condition: {
              StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' },
            },
          },
          { Effect: 'Allow', Action: ['bedrock:CallWithBearerToken'], Resource: '*' },
        ],
      },
    };
    user.inline.push(structuredClone(selfService));
    otherUser.inline.push(structuredClone(selfService));

    const leakedKey = user.accessKeys[user.accessKeys.length - 1].id;
    const recon = sim.threat(
      sim.userSession(user, {
        ip: RECON_IP,
        userAgent: UA.boto3(rng.fork('ua-recon'), { family: 'ubuntu' }),
        accessKeyId: leakedKey,
      }),
    );

    // ---- 1. the leaked key: whoami, own permissions, mint a Bedrock API key ----------------
    let t = at('2025-11-04T15:40:12Z');
    t = Playbooks.whoami(sim, rng, recon, t);
    sim.call(rng, (t += rng.int(3, 9) * 1000), recon, C.iamGet('ListGroupsForUser', { userName: user.name }));
    sim.call(rng, (t += rng.int(2, 6) * 1000), recon, C.iamGet('ListAccessKeys', { userName: user.name }));
    sim.call(
      rng,
      (t += rng.int(10, 40) * 1000),
      recon,
      C.iamGet('ListServiceSpecificCredentials', {
        userName: user.name,
        serviceName: 'bedrock.amazonaws.com',
      }),
    );
    t += rng.int(20, 70) * 1000;
    const credId = rng.iamId('ACCA', 17);
    const create = C.iamCreateServiceSpecificCredential(
      rng,
      user.name,
      'bedrock.amazonaws.com',
      credId,
      t,
      acct,
    );
    create.params.credentialAgeDays = 365;
    create.response.serviceSpecificCredential.expirationDate = legacyDate(t + 365 * 86400000);
    create.response.serviceSpecificCredential.serviceCredentialSecret = 'HIDDEN_DUE_TO_SECURITY_REASONS';
    sim.call(rng, t, recon, { ...create, key: true });
    sim.truth.addScope('accessKeyIds', credId);
    const tCreate = t;

    // ---- 2. recon across Regions with the access key ---------------------------------------
    const abuseRegions = ['us-east-1', 'us-west-2', 'eu-central-1'];
    t = Playbooks.bedrockRecon(sim, rng, recon, t + rng.int(40, 120) * 1000, {
      regions: [home, ...abuseRegions],
      models: ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0'],
      probes: 1,
    });

    // ---- 3. the Bedrock API key (bearer token) from the proxy fleet ------------------------
    const bearerIdentity = userIdentityFor(user, undefined);
    const startAbuse = at('2025-11-04T16:25:00Z');
    const endAbuse = at('2025-11-05T09:40:00Z');
    const targets = [
      {
        region: 'us-east-1',
        model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
        weight: 3,
        op: 'InvokeModel',
      },
      { region: 'us-east-1', model: 'anthropic.claude-3-haiku-20240307-v1:0', weight: 1, op: 'Converse' },
      {
        region: 'us-west-2',
        model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
        weight: 2.5,
        op: 'Converse',
      },
      {
        region: 'eu-central-1',
        model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
        weight: 1.5,
        op: 'InvokeModel',
      },
      { region: home, model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', weight: 1, op: 'Converse' },
    ];
    let keyMarked = false;
    for (const [i, ip] of PROXIES.entries()) {
      const r = rng.fork(`proxy${i}`);
      const ua = i % 2 === 0 ? UA.boto3(r, { family: 'ubuntu-aws', min: 38 }) : UA.httpClient(r);
      const s = sim.threat(
        new Session({ identity: bearerIdentity, principal: user, ip, userAgent: ua, region: home }),
      );
      const t0 = startAbuse + i * r.int(4, 40) * MIN;
      const t1 = endAbuse - r.int(0, 90) * MIN;
      Playbooks.abuseModels(sim, r, s, t0, t1, {
        targets,
        perHour: i === 0 ? 40 : r.int(18, 30),
        content: i === 3 ? 'bulk' : 'mixed',
        bearer: true,
        bigContextShare: 0.06,
        keyFirst: !keyMarked || i === 0,
      });
      keyMarked = true;
    }

    // GuardDuty: the credential creation from an unusual network; the bearer usage volume
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const ft = tCreate + rng.int(8, 20) * MIN;
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Persistence:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: leakedKey,
            principalId: user.id,
            userType: 'IAMUser',
            userName: user.name,
          },
          title: `An API commonly used to maintain unauthorized access was invoked by user ${user.name}.`,
          description:
            'APIs commonly used in persistence tactics (CreateServiceSpecificCredential) were invoked by an IAM entity in an anomalous way.',
          api: 'CreateServiceSpecificCredential',
          serviceName: 'iam.amazonaws.com',
          remoteIp: RECON_IP,
          firstSeen: tCreate,
          lastSeen: tCreate,
          count: 1,
        }),
      );
    });

    // ---- decoys --------------------------------------------------------------------------------
    // another developer creates a Bedrock API key at the office for a prototype and uses it there
    const staff = actors.staff;
    const office = w.net.office[0];
    const dua = other.sdk ?? UA.boto3(rng.fork('ua-other'));
    const os = sim.userSession(otherUser, {
      ip: office,
      userAgent: other.cli ?? dua,
      accessKeyId: otherUser.accessKeys[otherUser.accessKeys.length - 1].id,
    });
    let td = at('2025-11-04T02:12:40Z'); // 11:12 JST
    const otherCred = rng.iamId('ACCA', 17);
    sim.tag({ decoy: true }, () => {
      sim.call(rng, td, os, C.getCallerIdentity());
      sim.call(
        rng,
        (td += rng.int(20, 90) * 1000),
        os,
        C.iamGet('ListServiceSpecificCredentials', {
          userName: otherUser.name,
          serviceName: 'bedrock.amazonaws.com',
        }),
      );
      sim.call(
        rng,
        (td += rng.int(30, 120) * 1000),
        os,
        C.iamCreateServiceSpecificCredential(
          rng,
          otherUser.name,
          'bedrock.amazonaws.com',
          otherCred,
          td,
          acct,
        ),
      );
      sim.call(rng, (td += rng.int(30, 90) * 1000), os, C.bedrock('ListFoundationModels', null));
    });
    const tOtherCreate = td;
    sim.tag({ decoy: true }, () => {
      const ft = tOtherCreate + rng.int(10, 25) * MIN;
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Persistence:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: os.accessKeyId,
            principalId: otherUser.id,
            userType: 'IAMUser',
            userName: otherUser.name,
          },
          title: `An API commonly used to maintain unauthorized access was invoked by user ${otherUser.name}.`,
          description:
            'APIs commonly used in persistence tactics (CreateServiceSpecificCredential) were invoked by an IAM entity in an anomalous way.',
          api: 'CreateServiceSpecificCredential',
          serviceName: 'iam.amazonaws.com',
          remoteIp: office,
          firstSeen: tOtherCreate,
          lastSeen: tOtherCreate,
          count: 1,
        }),
      );
    });
    const protoSession = new Session({
      identity: userIdentityFor(otherUser, undefined),
      principal: otherUser,
      ip: office,
      userAgent: dua,
      region: home,
    });
    sim.tag({ decoy: true }, () => {
      // prototype runs during two working sessions (a few dozen calls), all in the home Region
      for (const [from, to] of [
        [at('2025-11-04T02:30:00Z'), at('2025-11-04T05:50:00Z')],
        [at('2025-11-05T00:40:00Z'), at('2025-11-05T04:10:00Z')],
      ]) {
        let tp = from;
        while (tp < to) {
          tp += Math.round(rng.exp(7 * MIN));
          if (tp >= to) break;
          const task = Prompts.devTask(rng, w);
          sim.runtime(rng, tp, protoSession, {
            op: rng.pick(['Converse', 'Converse', 'InvokeModel']),
            modelId: rng.pick([
              'anthropic.claude-3-haiku-20240307-v1:0',
              'anthropic.claude-3-5-sonnet-20240620-v1:0',
            ]),
            region: home,
            prompt: task.user,
            answer: task.answer,
            maxTokens: 1024,
            temperature: 0.3,
            bearer: true,
          });
        }
      }
    });

    const eng = Decoys.findPerson(w, (p) => p.team === 'platform' && p !== victim && p !== other);
    Decoys.loggingConfigUpdate(sim, rng, at('2025-11-04T11:20:00Z'), eng, { away: 'home' });
    const ml = Decoys.findPerson(w, (p) => p.team === 'ml' && p !== victim && p !== other);
    Decoys.playgroundValidationErrors(
      sim,
      rng,
      at('2025-11-05T03:05:00Z'),
      ml,
      'anthropic.claude-3-5-sonnet-20241022-v2:0',
      'apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
      { away: 'vpn' },
    );
    void staff;
    void HOUR;
  },
});
