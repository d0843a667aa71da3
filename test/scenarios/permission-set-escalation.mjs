// Privilege escalation through IAM Identity Center: a hijacked administrator session edits a
// permission set and assigns it, giving a dormant contractor user access to Bedrock and the
// knowledge base's source documents in production; the actor then signs in as that user.
//
// Harborlight Wireless (_worlds-l.mjs) keeps IAM Identity Center in its management account. An
// identity administrator (AdministratorAccess in the management account, TOTP as second factor)
// opens a phishing link: an adversary-in-the-middle proxy relays her sign-in to the access portal
// (sign-in events from the proxy's hosting address with her own browser), and minutes later the
// stolen portal session (same credentialId) is replayed from another hosting address: Federate to
// the management account, AssumeRoleWithSAML and a federated ConsoleLogin from there. In the
// Identity Center console the actor looks up users and permission sets, adds an inline policy to
// StoreTrainingViewer (Bedrock Retrieve / InvokeModel / knowledge-base reads and the KB source
// bucket) and assigns it in harborlight-prod to dana.whitlock, a contractor whose engagement ended
// in September but whose user was never disabled (she had StoreTrainingViewer in the training
// account only). Identity Center's service-linked role creates the AWSReservedSSO role in prod.
// That evening the actor signs in as the contractor from a residential proxy abroad, registering a
// new authenticator (DeviceEnrollmentRequired), federates into prod, lists the knowledge base and
// downloads internal documents from its bucket, then from the CLI queries the knowledge base and
// has Claude summarise retention offers, port-out and SIM-swap procedures.
//
// Decoys: the identity team's planned change of the DataScientist permission set (Bedrock and the
// same knowledge base, same administrator, same APIs, provisioned to prod); the onboarding of a new
// developer (identity-store user, account assignment) and his first sign-in from home with a new
// authenticator; the security team's quarterly access review (permission-set and assignment reads).

import { C, Decoys, defineScenario, iamRole, MIN, UA } from '../../../shared/tools/evidence-gen/lib.mjs';
import {
  emit,
  HARBORLIGHT,
  HL_IC_INSTANCE,
  HL_IDENTITY_STORE,
  HL_MGMT,
  HL_TRAINING,
  identityStore,
  installPortal,
  portalFederate,
  portalRoleCredentials,
  portalSignIn,
  ssoAdmin,
  ssoServiceSession,
} from './_worlds-l.mjs';

const PROXY = '45.134.212.19'; // AiTM phishing relay (hosting)
const VPS = '146.70.199.37'; // replay of the stolen portal session (hosting)
const RESI = '89.37.66.142'; // the contractor's sign-in: residential proxy exit abroad
const V = '2012-10-17';

const PS = (id) => `arn:aws:sso:::permissionSet/${HL_IC_INSTANCE.split('/')[1]}/ps-${id}`;

const INTERNAL_DOCS = [
  ['internal/retention/retention-offer-matrix-q4.xlsx', 'Retention offer matrix Q4'],
  ['internal/retention/save-desk-playbook.md', 'Save desk playbook'],
  ['internal/fraud/port-out-verification-runbook.md', 'Port-out verification runbook'],
  ['internal/fraud/sim-swap-exception-process.md', 'SIM swap exception process'],
  ['internal/fraud/account-pin-reset-procedure.md', 'Account PIN reset procedure'],
  ['internal/stores/store-escalation-contacts.csv', 'Store escalation contacts'],
  ['internal/pricing/device-promo-calendar-2026.md', 'Device promotion calendar 2026'],
  ['internal/pricing/employee-discount-codes.md', 'Employee discount codes'],
  ['internal/agent-assist/supervisor-override-codes.md', 'Supervisor override codes'],
  ['internal/agent-assist/credit-authority-limits.md', 'Credit authority limits'],
];

const DOC_TEXT = {
  'internal/retention/retention-offer-matrix-q4.xlsx': (r) =>
    `Retention offer matrix Q4 (INTERNAL). Tenure > 24 months and ARPU > $85: up to $${r.int(15, 25)}/month for 12 months or a free line. Tenure 12-24 months: $${r.int(8, 12)}/month for 6 months. Competitor port-out threat with quote: match plus $${r.int(50, 100)} bill credit. Never offer above $300 total without supervisor code.`,
  'internal/fraud/port-out-verification-runbook.md': () =>
    'Port-out verification runbook (INTERNAL). Account transfer PIN is 6 digits and can be generated in the app or by calling 611. If the subscriber cannot receive the SMS code, agents may verify with billing ZIP plus last four of the account holder SSN and the last payment amount. Port-out requests from a new device within 24 hours of a SIM change go to the fraud queue, except for business accounts.',
  'internal/fraud/sim-swap-exception-process.md': () =>
    'SIM swap exception process (INTERNAL). When the customer is locked out of the app, a store manager can approve a SIM change with photo ID and the billing ZIP; the 24-hour port-out lock can be lifted by the fraud desk on request from a store manager.',
  'internal/fraud/account-pin-reset-procedure.md': () =>
    'Account PIN reset procedure (INTERNAL). Care agents can reset the account PIN after verifying date of birth, billing ZIP and the last four digits of the payment card on file; the new PIN is sent by SMS to the primary line.',
  'internal/agent-assist/supervisor-override-codes.md': (r) =>
    `Supervisor override codes (INTERNAL). Credit above agent limit: OVR-${r.digits(4)}. Waive activation fee: OVR-${r.digits(4)}. Lift port-out lock: FRD-${r.digits(5)} (fraud desk only).`,
};

export default defineScenario({
  name: 'permission-set-escalation',
  seed: 'heldout-l/permission-set-escalation/v1',
  start: '2025-12-09T00:00:00Z',
  days: 2,
  world: HARBORLIGHT,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 3 },
    ops: { events: ['onboard'], random: 1 },
  },
  alert:
    'During the quarterly access review on 10 December the security team found that contractor dana.whitlock@harborlightwireless.com, offboarded in September, registered a new MFA device on 9 December and has an assignment in harborlight-prod.',
  truth: {
    description:
      "The IAM Identity Center session of an identity administrator was stolen by an adversary-in-the-middle phishing proxy: her access-portal sign-in (password and TOTP) came from 45.134.212.19 and the same portal session (credentialId) was replayed from 146.70.199.37, which federated into the management account as AdministratorAccess (Federate, AssumeRoleWithSAML, ConsoleLogin). From the Identity Center console the actor listed users, permission sets and assignments, added an inline policy to the StoreTrainingViewer permission set (Bedrock Retrieve, RetrieveAndGenerate, InvokeModel, knowledge-base reads and s3:GetObject/ListBucket on the support knowledge base's bucket), re-provisioned it to the training account and assigned it in harborlight-prod to the dormant contractor user dana.whitlock; Identity Center's service-linked role created AWSReservedSSO_StoreTrainingViewer in prod. That evening the contractor user signed in from 89.37.66.142 (residential proxy abroad) registering a new authenticator, federated into prod, listed the knowledge base and its data source, downloaded internal documents (retention offers, port-out and SIM-swap procedures, PIN reset, supervisor override codes) from harborlight-support-kb-docs, was denied other buckets and Lambda, then fetched CLI credentials, queried the knowledge base with Retrieve and had Claude 3 Haiku summarise the internal procedures. The identity team's planned DataScientist permission-set change, the new developer's onboarding and first sign-in, and the security team's access review are legitimate.",
    elements: ['access', 'infrastructure-changes', 'invocation', 'private-data'],
    components: ['knowledge-bases', 'foundation-models'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    installPortal(sim);
    w.sso.identityStore = HL_IDENTITY_STORE;
    const staff = actors.staff;
    const kbBucket = w.res.buckets.kbSource;
    const kb = w.res.kb;
    const provider = `arn:aws:iam::${acct}:saml-provider/${w.sso.provider}`;

    // ---- people -------------------------------------------------------------------------------
    const admin = Decoys.findPerson(w, (p) => p.team === 'platform' && p.permissionSet === 'admin');
    admin.mfaType = 'TOTP';
    const reviewer = Decoys.findPerson(w, (p) => p.team === 'security');
    const contractor = { email: 'dana.whitlock@harborlightwireless.com', ssoUserId: rng.uuid() };
    const hire = {
      email: 'mateo.alvarez@harborlightwireless.com',
      ssoUserId: rng.uuid(),
      home: '71.75.183.204',
      browser: UA.browser(rng.fork('hire')),
    };

    // ---- Identity Center objects ----------------------------------------------------------------
    const ps = {
      admin: PS(rng.hex(16)),
      datasci: PS(rng.hex(16)),
      developer: PS(rng.hex(16)),
      training: PS(rng.hex(16)),
      security: PS(rng.hex(16)),
    };
    const mgmtSaml = `arn:aws:iam::${HL_MGMT}:saml-provider/AWSSSO_${rng.hex(16)}_DO_NOT_DELETE`;
    const mgmtRole = (name) =>
      iamRole(rng, HL_MGMT, `AWSReservedSSO_${name}_${rng.hex(16)}`, {
        path: '/aws-reserved/sso.amazonaws.com/',
      });
    const mgmtAdmin = mgmtRole('AdministratorAccess');
    const mgmtAudit = mgmtRole('SecurityAudit');
    const trainingRole = iamRole(rng, acct, `AWSReservedSSO_StoreTrainingViewer_${rng.hex(16)}`, {
      path: `/aws-reserved/sso.amazonaws.com/${region}/`,
      created: at('2025-12-09T19:58:00Z'),
      maxSession: 3600,
      trust: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: provider },
            Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
            Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
          },
        ],
      },
    });
    const evilPolicy = {
      Version: V,
      Statement: [
        {
          Sid: 'TrainingContentRead',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${kbBucket}`, `arn:aws:s3:::${kbBucket}/*`],
        },
        {
          Sid: 'TrainingAssistantPilot',
          Effect: 'Allow',
          Action: [
            'bedrock:Retrieve',
            'bedrock:RetrieveAndGenerate',
            'bedrock:InvokeModel',
            'bedrock:InvokeModelWithResponseStream',
            'bedrock:ListKnowledgeBases',
            'bedrock:GetKnowledgeBase',
            'bedrock:ListDataSources',
            'bedrock:GetDataSource',
            'bedrock:ListFoundationModels',
          ],
          Resource: '*',
        },
      ],
    };
    trainingRole.attached.push('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess');
    trainingRole.inline.push({ name: 'AwsSSOInlinePolicy', document: evilPolicy });
    w.sso.trainingViewer = trainingRole;
    const dsPolicy = {
      Version: V,
      Statement: [
        {
          Sid: 'SupportKbEvaluation',
          Effect: 'Allow',
          Action: ['bedrock:Retrieve', 'bedrock:RetrieveAndGenerate', 'bedrock:GetKnowledgeBase'],
          Resource: kb.arn,
        },
        {
          Sid: 'EvalModels',
          Effect: 'Allow',
          Action: ['bedrock:InvokeModel', 'bedrock:Converse'],
          Resource: [
            'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
            'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0',
          ],
        },
        {
          Sid: 'SupportKbDocs',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [
            `arn:aws:s3:::${kbBucket}`,
            `arn:aws:s3:::${kbBucket}/policies/*`,
            `arn:aws:s3:::${kbBucket}/faq/*`,
            `arn:aws:s3:::${kbBucket}/products/*`,
          ],
        },
      ],
    };
    w.sso.datasci.inline.push({ name: 'AwsSSOInlinePolicy', document: dsPolicy });
    const slr = ssoServiceSession(sim, acct);

    /** An administrator's console session in the management account via the portal. */
    const mgmtConsole = (
      person,
      t,
      ip,
      browser,
      role,
      psName,
      { portalOpts = {}, threat = false, decoy = false } = {},
    ) => {
      const base = sim.roleSession(role, person.email, { ip, userAgent: browser, rng });
      const mk = (s) => (threat ? sim.threat(s) : s);
      const tags = decoy ? { decoy: true } : undefined;
      let p = portalOpts.portal;
      if (!p) {
        const r = portalSignIn(sim, rng, t, mk(base), person, { tags });
        p = r.session;
        t = r.t + rng.int(3, 10) * 1000;
      }
      t = portalFederate(sim, rng, t, p, HL_MGMT, psName, { tags, key: portalOpts.keyFederate });
      const key = rng.iamId('ASIA');
      const samlUser = {
        type: 'SAMLUser',
        principalId: `${rng.base62(28)}=:${person.email}`,
        userName: person.email,
        identityProvider: mgmtSaml,
      };
      const cs = mk(
        sim.roleSession(role, person.email, {
          ip,
          userAgent: browser,
          accessKeyId: key,
          created: t + 1000,
          console: true,
          rng,
          region,
        }),
      );
      t += rng.int(1, 3) * 1000;
      sim.call(rng, t, mk(base.with({ identity: samlUser, accountId: HL_MGMT })), {
        ...C.assumeRoleWithSAML(rng, role, mgmtSaml, key, t, { subject: person.email, duration: 3600 }),
        tags,
        key: portalOpts.keyFederate,
      });
      sim.call(rng, t + rng.int(1, 3) * 1000, cs.with({ console: false }), {
        ...C.consoleLogin({ federated: true }),
        tls: 'tls13',
        tags,
      });
      return { t: t + 4000, s: cs };
    };
    const call = (s, t, c, extra = {}) => emit(sim, rng, t, s, { ...c, ...extra });

    // ---- decoy: planned DataScientist permission-set change (IAM-3391) -------------------------
    let t = at('2025-12-09T14:22:00Z');
    sim.planChange({
      ticket: 'IAM-3391',
      window: { start: '2025-12-09T14:00:00Z', end: '2025-12-09T16:00:00Z' },
      owner: admin.email,
      summary:
        'Identity Center: DataScientist permission set - add Bedrock Retrieve/RetrieveAndGenerate on the support knowledge base, InvokeModel/Converse on Claude Haiku models and read access to the KB source bucket (policies/, faq/, products/) for the retrieval evaluation project; provision to harborlight-prod',
    });
    sim.planChange({
      ticket: 'ONB-2207',
      window: { start: '2025-12-09T15:00:00Z', end: '2025-12-09T22:00:00Z' },
      owner: `it-onboarding@${w.company.domain}`,
      summary: `Onboarding: ${hire.email} (app team developer, starts 9 Dec): Identity Center user, DeveloperAccess in harborlight-prod, MFA registration at first sign-in`,
    });
    {
      const { t: t1, s } = mgmtConsole(
        admin,
        t,
        w.net.office[0],
        staff.clients(admin, t).browser,
        mgmtAdmin,
        'AdministratorAccess',
        { decoy: true },
      );
      t = t1;
      sim.tag({ decoy: true }, () => {
        call(
          s,
          (t += rng.int(5, 20) * 1000),
          ssoAdmin('ListPermissionSets', { instanceArn: HL_IC_INSTANCE, maxResults: 100 }),
        );
        call(
          s,
          (t += rng.int(5, 20) * 1000),
          ssoAdmin('DescribePermissionSet', { instanceArn: HL_IC_INSTANCE, permissionSetArn: ps.datasci }),
        );
        call(
          s,
          (t += rng.int(5, 20) * 1000),
          ssoAdmin('GetInlinePolicyForPermissionSet', {
            instanceArn: HL_IC_INSTANCE,
            permissionSetArn: ps.datasci,
          }),
        );
        call(
          s,
          (t += rng.int(60, 240) * 1000),
          ssoAdmin(
            'PutInlinePolicyToPermissionSet',
            {
              instanceArn: HL_IC_INSTANCE,
              permissionSetArn: ps.datasci,
              inlinePolicy: JSON.stringify(dsPolicy),
            },
            null,
            [ps.datasci],
          ),
        );
        const req = rng.uuid();
        call(
          s,
          (t += rng.int(10, 40) * 1000),
          ssoAdmin(
            'ProvisionPermissionSet',
            {
              instanceArn: HL_IC_INSTANCE,
              permissionSetArn: ps.datasci,
              targetId: acct,
              targetType: 'AWS_ACCOUNT',
            },
            {
              permissionSetProvisioningStatus: {
                status: 'IN_PROGRESS',
                requestId: req,
                accountId: acct,
                permissionSetArn: ps.datasci,
                createdDate: new Date(t).toISOString(),
              },
            },
            [ps.datasci],
          ),
        );
        sim.call(
          rng,
          t + rng.int(3, 9) * 1000,
          slr,
          C.iamPutRolePolicy(w.sso.datasci, 'AwsSSOInlinePolicy', dsPolicy),
        );
        call(
          s,
          (t += rng.int(8, 20) * 1000),
          ssoAdmin('DescribePermissionSetProvisioningStatus', {
            instanceArn: HL_IC_INSTANCE,
            provisionPermissionSetRequestId: req,
          }),
        );
      });

      // ---- decoy: onboarding of the new developer (ONB-2207) -------------------------------------
      t = at('2025-12-09T15:41:00Z');
      const s2 = s.with({});
      sim.tag({ decoy: true }, () => {
        call(
          s2,
          t,
          identityStore(
            'CreateUser',
            {
              identityStoreId: HL_IDENTITY_STORE,
              userName: 'HIDDEN_DUE_TO_SECURITY_REASONS',
              name: 'HIDDEN_DUE_TO_SECURITY_REASONS',
              displayName: 'HIDDEN_DUE_TO_SECURITY_REASONS',
              emails: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            },
            { identityStoreId: HL_IDENTITY_STORE, userId: hire.ssoUserId },
          ),
        );
        call(
          s2,
          (t += rng.int(20, 80) * 1000),
          ssoAdmin('ListPermissionSets', { instanceArn: HL_IC_INSTANCE, maxResults: 100 }),
        );
        const req = rng.uuid();
        call(
          s2,
          (t += rng.int(20, 80) * 1000),
          ssoAdmin(
            'CreateAccountAssignment',
            {
              instanceArn: HL_IC_INSTANCE,
              targetId: acct,
              targetType: 'AWS_ACCOUNT',
              permissionSetArn: ps.developer,
              principalType: 'USER',
              principalId: hire.ssoUserId,
            },
            {
              accountAssignmentCreationStatus: {
                status: 'IN_PROGRESS',
                requestId: req,
                targetId: acct,
                targetType: 'AWS_ACCOUNT',
                permissionSetArn: ps.developer,
                principalType: 'USER',
                principalId: hire.ssoUserId,
                createdDate: new Date(t).toISOString(),
              },
            },
            [ps.developer],
          ),
        );
        call(
          s2,
          (t += rng.int(5, 15) * 1000),
          ssoAdmin('DescribeAccountAssignmentCreationStatus', {
            instanceArn: HL_IC_INSTANCE,
            accountAssignmentCreationRequestId: req,
          }),
        );
      });
    }

    // ---- decoy: the new developer's first sign-in from home (new authenticator) ----------------
    {
      let th = at('2025-12-09T17:06:00Z');
      const base = sim.roleSession(w.sso.developer, hire.email, {
        ip: hire.home,
        userAgent: hire.browser,
        rng,
      });
      const r = portalSignIn(sim, rng, th, base, hire, { enroll: true, tags: { decoy: true } });
      th = portalFederate(sim, rng, r.t + rng.int(10, 40) * 1000, r.session, acct, 'DeveloperAccess', {
        tags: { decoy: true },
      });
      const key = rng.iamId('ASIA');
      const samlUser = {
        type: 'SAMLUser',
        principalId: `${rng.base62(28)}=:${hire.email}`,
        userName: hire.email,
        identityProvider: provider,
      };
      sim.call(rng, th + 1000, base.with({ identity: samlUser }), {
        ...C.assumeRoleWithSAML(rng, w.sso.developer, provider, key, th + 1000, { subject: hire.email }),
        decoy: true,
      });
      const cs = sim.roleSession(w.sso.developer, hire.email, {
        ip: hire.home,
        userAgent: hire.browser,
        accessKeyId: key,
        created: th + 1000,
        console: true,
        rng,
        region,
      });
      sim.call(rng, th + 3000, cs.with({ console: false }), {
        ...C.consoleLogin({ federated: true }),
        tls: 'tls13',
        decoy: true,
      });
      th += 60000;
      sim.tag({ decoy: true }, () => {
        for (const c of [
          C.lambdaRead('ListFunctions20150331'),
          C.lambdaRead('GetFunction20150331v2', w.res.functions.chatbot),
          C.bedrock('ListFoundationModels'),
          C.bedrockAgent('ListKnowledgeBases', { maxResults: 50 }),
          C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }),
          C.call('logs:DescribeLogGroups', { limit: 50 }),
        ]) {
          sim.call(rng, (th += rng.int(10, 90) * 1000), cs, c);
        }
        sim.runtime(rng, (th += rng.int(60, 200) * 1000), cs, {
          op: 'Converse',
          modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
          inferenceRegion: region,
          prompt: 'Explain in two sentences what Amazon Bedrock Knowledge Bases do.',
          answer:
            'Knowledge Bases let a model answer from your own documents: Bedrock splits and embeds files from a source such as S3 into a vector store and retrieves the most relevant passages at question time. The model then writes its answer from those passages and can cite them.',
          maxTokens: 512,
          temperature: 0.5,
        });
      });
    }

    // ---- the actor: AiTM sign-in as the administrator, replay, permission-set edit ------------------
    t = at('2025-12-09T19:41:17Z');
    const adminBrowser = staff.clients(admin, t).browser;
    const relay = sim.threat(
      sim.roleSession(mgmtAdmin, admin.email, { ip: PROXY, userAgent: adminBrowser, rng }),
    );
    const si = portalSignIn(sim, rng, t, relay, admin, { keys: ['UserAuthentication'] });
    const actorBrowser = UA.browser(rng.fork('ua-actor'));
    const replay = si.session.with({ ip: VPS, userAgent: actorBrowser });
    t = si.t + rng.int(150, 260) * 1000;
    const m = mgmtConsole(admin, t, VPS, actorBrowser, mgmtAdmin, 'AdministratorAccess', {
      threat: true,
      portalOpts: { portal: replay, keyFederate: true },
    });
    t = m.t;
    const s = m.s;
    const step = (c, k = false, a = 4, b = 30) => {
      t += rng.int(a, b) * 1000;
      return call(s, t, { ...c, key: k || undefined });
    };
    step(ssoAdmin('ListInstances', { maxResults: 10 }));
    step(C.call('organizations:ListAccounts', null), false, 5, 20);
    step(ssoAdmin('ListPermissionSets', { instanceArn: HL_IC_INSTANCE, maxResults: 100 }), true);
    for (const p of [ps.admin, ps.datasci, ps.training, ps.developer])
      step(ssoAdmin('DescribePermissionSet', { instanceArn: HL_IC_INSTANCE, permissionSetArn: p }));
    step(identityStore('ListUsers', { identityStoreId: HL_IDENTITY_STORE, maxResults: 100 }), false, 20, 90);
    step(identityStore('DescribeUser', { identityStoreId: HL_IDENTITY_STORE, userId: contractor.ssoUserId }));
    step(
      ssoAdmin('ListAccountAssignmentsForPrincipal', {
        instanceArn: HL_IC_INSTANCE,
        principalId: contractor.ssoUserId,
        principalType: 'USER',
        maxResults: 50,
      }),
      true,
    );
    step(
      ssoAdmin('ListAccountsForProvisionedPermissionSet', {
        instanceArn: HL_IC_INSTANCE,
        permissionSetArn: ps.training,
      }),
    );
    step(
      ssoAdmin('GetInlinePolicyForPermissionSet', {
        instanceArn: HL_IC_INSTANCE,
        permissionSetArn: ps.training,
      }),
    );
    step(
      ssoAdmin('ListManagedPoliciesInPermissionSet', {
        instanceArn: HL_IC_INSTANCE,
        permissionSetArn: ps.training,
      }),
    );
    step(
      ssoAdmin(
        'PutInlinePolicyToPermissionSet',
        {
          instanceArn: HL_IC_INSTANCE,
          permissionSetArn: ps.training,
          inlinePolicy: JSON.stringify(evilPolicy),
        },
        null,
        [ps.training],
      ),
      true,
      90,
      240,
    );
    const provReq = rng.uuid();
    step(
      ssoAdmin(
        'ProvisionPermissionSet',
        {
          instanceArn: HL_IC_INSTANCE,
          permissionSetArn: ps.training,
          targetId: HL_TRAINING,
          targetType: 'AWS_ACCOUNT',
        },
        {
          permissionSetProvisioningStatus: {
            status: 'IN_PROGRESS',
            requestId: provReq,
            accountId: HL_TRAINING,
            permissionSetArn: ps.training,
            createdDate: new Date(t).toISOString(),
          },
        },
        [ps.training],
      ),
      false,
      10,
      30,
    );
    const asgReq = rng.uuid();
    step(
      ssoAdmin(
        'CreateAccountAssignment',
        {
          instanceArn: HL_IC_INSTANCE,
          targetId: acct,
          targetType: 'AWS_ACCOUNT',
          permissionSetArn: ps.training,
          principalType: 'USER',
          principalId: contractor.ssoUserId,
        },
        {
          accountAssignmentCreationStatus: {
            status: 'IN_PROGRESS',
            requestId: asgReq,
            targetId: acct,
            targetType: 'AWS_ACCOUNT',
            permissionSetArn: ps.training,
            principalType: 'USER',
            principalId: contractor.ssoUserId,
            createdDate: new Date(t).toISOString(),
          },
        },
        [ps.training, contractor.ssoUserId],
      ),
      true,
      20,
      60,
    );
    // Identity Center provisions the permission set into prod through its service-linked role
    sim.tag({ malicious: true, scope: 'none' }, () => {
      let tp = t + rng.int(2, 6) * 1000;
      sim.call(rng, tp, slr, {
        ...C.iamCreateRole(trainingRole, tp),
        params: {
          roleName: trainingRole.name,
          path: trainingRole.path,
          assumeRolePolicyDocument: JSON.stringify(trainingRole.trust),
          maxSessionDuration: 3600,
          description: '',
        },
      });
      sim.call(
        rng,
        (tp += rng.int(1, 3) * 1000),
        slr,
        C.iamAttachRolePolicy(trainingRole, 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'),
      );
      sim.call(
        rng,
        (tp += rng.int(1, 3) * 1000),
        slr,
        C.iamPutRolePolicy(trainingRole, 'AwsSSOInlinePolicy', evilPolicy),
      );
    });
    step(
      ssoAdmin('DescribeAccountAssignmentCreationStatus', {
        instanceArn: HL_IC_INSTANCE,
        accountAssignmentCreationRequestId: asgReq,
      }),
      false,
      5,
      15,
    );
    step(
      ssoAdmin('ListAccountAssignments', {
        instanceArn: HL_IC_INSTANCE,
        accountId: acct,
        permissionSetArn: ps.training,
        maxResults: 20,
      }),
    );

    // ---- the actor as the dormant contractor: sign-in with a new authenticator, console ----------
    t = at('2025-12-10T01:58:33Z');
    const cBrowser = UA.browser(rng.fork('ua-contractor'));
    const cbase = sim.threat(
      sim.roleSession(trainingRole, contractor.email, { ip: RESI, userAgent: cBrowser, rng }),
    );
    const cs = portalSignIn(sim, rng, t, cbase, contractor, { enroll: true, keys: ['UserAuthentication'] });
    t = portalFederate(sim, rng, cs.t + rng.int(5, 20) * 1000, cs.session, acct, 'StoreTrainingViewer', {
      key: true,
    });
    const ckey = rng.iamId('ASIA');
    const samlC = {
      type: 'SAMLUser',
      principalId: `${rng.base62(28)}=:${contractor.email}`,
      userName: contractor.email,
      identityProvider: provider,
    };
    sim.call(rng, t + 1000, cbase.with({ identity: samlC }), {
      ...C.assumeRoleWithSAML(rng, trainingRole, provider, ckey, t + 1000, {
        subject: contractor.email,
        duration: 3600,
      }),
      key: true,
    });
    const con = sim.threat(
      sim.roleSession(trainingRole, contractor.email, {
        ip: RESI,
        userAgent: cBrowser,
        accessKeyId: ckey,
        created: t + 1000,
        console: true,
        rng,
        region,
      }),
    );
    sim.call(rng, t + 3000, con.with({ console: false }), {
      ...C.consoleLogin({ federated: true }),
      tls: 'tls13',
    });
    t += 40000;
    const cstep = (sess, c, k = false, a = 4, b = 40) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, sess, { ...c, key: k || undefined });
    };
    cstep(con, C.bedrockAgent('ListKnowledgeBases', { maxResults: 50 }), true);
    cstep(con, C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }, null, [kb.id]));
    cstep(con, C.bedrockAgent('ListDataSources', { knowledgeBaseId: kb.id, maxResults: 50 }));
    cstep(con, C.bedrockAgent('GetDataSource', { knowledgeBaseId: kb.id, dataSourceId: kb.dataSourceId }));
    cstep(con, C.s3ListBuckets(rng));
    cstep(con, {
      ...C.s3List(rng, w.res.buckets.customerRecords, '', { accountId: acct, region }),
      error: { code: 'AccessDenied', message: 'Access Denied' },
    });
    cstep(con, C.s3List(rng, kbBucket, '', { accountId: acct, region }));
    cstep(con, C.s3List(rng, kbBucket, 'internal/', { accountId: acct, region }), true);
    for (const prefix of ['internal/fraud/', 'internal/retention/', 'internal/agent-assist/'])
      cstep(con, C.s3List(rng, kbBucket, prefix, { accountId: acct, region }));
    let first = true;
    for (const [k] of INTERNAL_DOCS) {
      cstep(
        con,
        C.s3Object(rng, 'GetObject', kbBucket, k, { accountId: acct, region, bytes: rng.int(6000, 220000) }),
        first,
        8,
        45,
      );
      first = false;
    }
    cstep(
      con,
      {
        ...C.lambdaRead('ListFunctions20150331'),
        error: {
          code: 'AccessDeniedException',
          message: `User: ${con.identity.arn} is not authorized to perform: lambda:ListFunctions on resource: * because no identity-based policy allows the lambda:ListFunctions action`,
        },
      },
      false,
      20,
      60,
    );

    // ---- then the CLI: credentials from the portal, Retrieve, model summaries ----------------------
    t += rng.int(6, 14) * MIN;
    const cli = UA.awsCli(rng.fork('ua-contractor-cli'), 'windows');
    portalRoleCredentials(sim, rng, t, cs.session.with({ userAgent: cli }), acct, 'StoreTrainingViewer', {
      key: true,
    });
    const k2 = rng.iamId('ASIA');
    sim.call(
      rng,
      t + 800,
      cbase.with({ identity: samlC, userAgent: cli }),
      C.assumeRoleWithSAML(rng, trainingRole, provider, k2, t + 800, {
        subject: contractor.email,
        duration: 3600,
      }),
    );
    const sc = sim.threat(
      sim.roleSession(trainingRole, contractor.email, {
        ip: RESI,
        userAgent: cli,
        accessKeyId: k2,
        created: t + 800,
        rng,
        region,
      }),
    );
    cstep(sc, C.getCallerIdentity(), false, 2, 10);
    for (let i = 0; i < 14; i++)
      cstep(sc, { ...C.retrieve(kb, acct, { results: rng.pick([5, 10, 10, 20]) }) }, i === 0, 6, 50);
    cstep(
      sc,
      {
        ...C.s3Object(
          rng,
          'GetObject',
          w.res.buckets.customerRecords,
          'exports/subscribers/2025-12-01/subscribers-000.csv.gz',
          { accountId: acct, region },
        ),
        error: { code: 'AccessDenied', message: 'Access Denied' },
      },
      false,
      10,
      40,
    );
    const asks = [
      [
        'internal/fraud/port-out-verification-runbook.md',
        'Summarise this runbook as a checklist: what does an agent need to approve a port-out when the customer has no access to the SMS code?',
      ],
      [
        'internal/fraud/sim-swap-exception-process.md',
        'List every way this process allows a SIM change without the app, and who can lift the port-out lock.',
      ],
      [
        'internal/fraud/account-pin-reset-procedure.md',
        'What exactly must a caller provide for the agent to reset the account PIN? Short bullet list.',
      ],
      [
        'internal/agent-assist/supervisor-override-codes.md',
        'Turn this into a table: code, what it does, who may use it.',
      ],
      [
        'internal/retention/retention-offer-matrix-q4.xlsx',
        'What is the biggest retention offer available and what conditions trigger it?',
      ],
    ];
    let firstAsk = true;
    for (const [docKey, q] of asks) {
      const text = (DOC_TEXT[docKey] ?? ((r) => `${docKey} (INTERNAL).`))(rng);
      const answer = docKey.includes('port-out')
        ? '- Billing ZIP code\n- Last four digits of the account holder SSN\n- Amount of the last payment\n- Port-out from a new device within 24 h of a SIM change goes to the fraud queue (not for business accounts).'
        : docKey.includes('sim-swap')
          ? '1. Store manager approval with photo ID and billing ZIP when the customer is locked out of the app.\n2. The 24-hour port-out lock can be lifted by the fraud desk when a store manager asks.'
          : docKey.includes('pin-reset')
            ? '- Date of birth\n- Billing ZIP code\n- Last four digits of the payment card on file\nThe new PIN is texted to the primary line.'
            : docKey.includes('override')
              ? `| Code | Effect | Who |\n|---|---|---|\n${text
                  .match(/[A-Z]{3}-\d+/g)
                  .map(
                    (c, i) =>
                      `| ${c} | ${['Credit above agent limit', 'Waive activation fee', 'Lift port-out lock'][i] ?? 'Override'} | ${i === 2 ? 'Fraud desk' : 'Supervisor'} |`,
                  )
                  .join('\n')}`
              : 'The largest offer is a port-out match plus a bill credit when the customer shows a competitor quote; long-tenure, high-ARPU customers can also get a monthly discount for 12 months or a free line.';
      sim.runtime(rng, (t += rng.int(30, 150) * 1000), sc, {
        op: 'InvokeModel',
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        prompt: `${q}\n\n${text}`,
        answer,
        maxTokens: 800,
        temperature: 0.2,
        key: firstAsk,
      });
      firstAsk = false;
    }

    // ---- decoy: quarterly access review by the security team (next morning) ------------------------
    t = at('2025-12-10T15:12:00Z');
    sim.planChange({
      ticket: 'SEC-1184',
      window: { start: '2025-12-10T14:00:00Z', end: '2025-12-10T22:00:00Z' },
      owner: reviewer.email,
      summary:
        'Quarterly access review Q4: export Identity Center permission sets, inline policies and account assignments (read-only) for certification',
    });
    {
      const { t: t1, s: rs } = mgmtConsole(
        reviewer,
        t,
        w.net.office[1],
        staff.clients(reviewer, t).browser,
        mgmtAudit,
        'SecurityAudit',
        { decoy: true },
      );
      t = t1;
      sim.tag({ decoy: true }, () => {
        call(
          rs,
          (t += rng.int(5, 20) * 1000),
          ssoAdmin('ListPermissionSets', { instanceArn: HL_IC_INSTANCE, maxResults: 100 }),
        );
        for (const p of Object.values(ps)) {
          call(
            rs,
            (t += rng.int(3, 15) * 1000),
            ssoAdmin('DescribePermissionSet', { instanceArn: HL_IC_INSTANCE, permissionSetArn: p }),
          );
          call(
            rs,
            (t += rng.int(3, 15) * 1000),
            ssoAdmin('GetInlinePolicyForPermissionSet', { instanceArn: HL_IC_INSTANCE, permissionSetArn: p }),
          );
          call(
            rs,
            (t += rng.int(3, 15) * 1000),
            ssoAdmin('ListAccountsForProvisionedPermissionSet', {
              instanceArn: HL_IC_INSTANCE,
              permissionSetArn: p,
            }),
          );
          call(
            rs,
            (t += rng.int(3, 15) * 1000),
            ssoAdmin('ListAccountAssignments', {
              instanceArn: HL_IC_INSTANCE,
              accountId: acct,
              permissionSetArn: p,
              maxResults: 100,
            }),
          );
        }
        call(
          rs,
          (t += rng.int(20, 60) * 1000),
          identityStore('ListUsers', { identityStoreId: HL_IDENTITY_STORE, maxResults: 100 }),
        );
        call(
          rs,
          (t += rng.int(5, 20) * 1000),
          identityStore('DescribeUser', { identityStoreId: HL_IDENTITY_STORE, userId: contractor.ssoUserId }),
        );
        call(
          rs,
          (t += rng.int(5, 20) * 1000),
          ssoAdmin('ListAccountAssignmentsForPrincipal', {
            instanceArn: HL_IC_INSTANCE,
            principalId: contractor.ssoUserId,
            principalType: 'USER',
            maxResults: 50,
          }),
        );
      });
    }
  },
});
