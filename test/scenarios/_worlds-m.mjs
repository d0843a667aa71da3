// Organisation for the scenarios written by helper M. (Files starting with '_' are not scenarios.)
// Terravie Agri: a French agricultural supply and agronomy-advice company (Reims; farm supplies
// sold online to growers, a support assistant "Mila" on the web shop) running in eu-west-3
// (Paris). Besides the generator's retail support chat it sells a B2B product, the AgroConseil
// API: farm-management software vendors and cooperatives call https://api.agroconseil.terravie-agri.fr
// with an application API key; a Lambda function (terravie-agroconseil-api) looks the key up
// (its own DynamoDB table, not in CloudTrail), then calls Bedrock Converse with the EU
// cross-Region inference profile of Claude 3.5 Sonnet and passes requestMetadata (tenantId,
// apiKeyId, clientIp, plan, endpoint) so that every invocation-log line names the tenant.
//
// Accounts of the organisation (AWS Organizations, all features):
//   - terravie-prod (workload account: web shop, chatbot, AgroConseil API, Bedrock), in the
//     Workloads OU;
//   - terravie-management (the management account: Organizations, IAM Identity Center, billing).
//     Platform administrators sign in to it through Identity Center; a break-glass IAM user
//     (breakglass-orgadmin, long-term access key kept in the sealed-envelope vault) exists for
//     when Identity Center is down and is not used in normal operation.
// Service control policy terravie-bedrock-region-guard (attached to the Workloads OU) denies
// bedrock:* outside the EU Regions the company uses (aws:RequestedRegion), except for the
// security team's scanner role. Organizations records are logged in us-east-1 of the
// management account; the organisation trail delivers both accounts to one bucket.
//
// Fields follow lib/world.mjs (buildWorld). Helpers below emit the records the generator's
// catalogue lacks (Organizations policy APIs, Service Quotas, Cost Explorer) and the AgroConseil
// API traffic.

import { CATALOGS } from '../../../shared/tools/evidence-gen/lib/text/vocab.mjs';
import {
  addAccessKey,
  C,
  crossAccountSession,
  DAY,
  HOUR,
  iamRole,
  iamUser,
  legacyDate,
  localClock,
  MIN,
} from '../../../shared/tools/evidence-gen/lib.mjs';

if (!CATALOGS.agri) {
  CATALOGS.agri = [
    ['Semence blé tendre Altigo R2 (dose 500k grains)', 'seed', 96, 'certified treated seed'],
    ['Semence colza hybride Trezzor (dose 1,5M graines)', 'seed', 168, 'certified treated seed'],
    ['Ammonitrate 33,5 big bag 600 kg', 'fertiliser', 372, 'granulated ammonium nitrate'],
    ['Solution azotée 39 (1000 L)', 'fertiliser', 455, 'liquid nitrogen solution'],
    ['Buse anti-dérive IDK 120-03', 'sprayer nozzle', 9, 'ceramic insert in POM body'],
    ['Jeu de 12 buses à pastilles TeeJet', 'sprayer nozzle', 94, 'stainless steel'],
    ['Filtre de pulvérisateur 80 mesh', 'sprayer part', 14, 'polypropylene and stainless mesh'],
    ['Piège à phéromones pyrale du maïs', 'trap', 22, 'polypropylene'],
    ['Cuve de rétention 1000 L', 'tank', 289, 'HDPE'],
    ['Gants nitrile phyto (boîte de 50)', 'gloves', 19, 'nitrile'],
    ['Combinaison de protection type 4', 'coverall', 24, 'laminated polypropylene'],
    ['Sonde tensiométrique Watermark', 'soil sensor', 61, 'granular matrix and stainless steel'],
    ['Station météo connectée Sencrop', 'weather station', 349, 'UV-stable ABS'],
    ['Ficelle presse 130 m/kg (2 bobines)', 'baler twine', 39, 'polypropylene'],
    ['Filet balles rondes 3600 m', 'bale net', 179, 'HDPE'],
    ['Anti-limaces phosphate ferrique 10 kg', 'slug pellets', 58, 'ferric phosphate granules'],
  ];
}

export const TV_PROD = '317264095528';
export const TV_MGMT = '842019563370';
export const TV_SECURITY = '590183274461';
export const TV_ORG = 'o-3hq8mz41tc';
export const TV_ROOT = 'r-9k2c';
export const TV_OU_WORKLOADS = 'ou-9k2c-6x1pq0de';
export const TV_OU_SANDBOX = 'ou-9k2c-l4w8ty2n';
export const TV_SCP_ID = 'p-7m4vq2ze';
export const TV_SCP_NAME = 'terravie-bedrock-region-guard';
export const TV_SCP_ARN = `arn:aws:organizations::${TV_MGMT}:policy/${TV_ORG}/service_control_policy/${TV_SCP_ID}`;
export const TV_SCP_BASELINE_ID = 'p-2dn6w8kq';
export const TV_SCP_BASELINE_NAME = 'terravie-security-baseline';
export const TV_HOME_BEDROCK = ['eu-west-3', 'eu-central-1', 'eu-west-1'];

/** The Bedrock region guard SCP with the given allowed Regions. */
export function scpContent(regions) {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyBedrockOutsideApprovedRegions',
        Effect: 'Deny',
        Action: 'bedrock:*',
        Resource: '*',
        Condition: {
          StringNotEquals: { 'aws:RequestedRegion': regions },
          ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/SecurityAuditScanner' },
        },
      },
    ],
  });
}

export const TERRAVIE = {
  company: {
    name: 'Terravie Agri',
    slug: 'terravie',
    domain: 'terravie-agri.fr',
    catalog: 'agri',
    botName: 'Mila',
    orderPrefix: 'TV',
    github: 'terravie-numerique',
  },
  account: { id: TV_PROD, alias: 'terravie-prod' },
  orgId: TV_ORG,
  securityAccount: TV_SECURITY,
  managementAccount: TV_MGMT,
  homeRegion: 'eu-west-3',
  regions: ['eu-west-3', 'eu-central-1'],
  // the SCP denies Bedrock elsewhere and staff work only in the EU Regions
  enabledRegions: ['eu-west-3', 'eu-central-1', 'eu-west-1'],
  invocationLogging: ['eu-west-3', 'eu-central-1'],
  guardrailVersion: 4,
  models: {
    converse: 'eu.anthropic.claude-3-haiku-20240307-v1:0',
    converseRegions: ['eu-west-3', 'eu-central-1', 'eu-west-1'],
    chat: 'anthropic.claude-3-haiku-20240307-v1:0',
    agent: 'eu.anthropic.claude-3-5-sonnet-20240620-v1:0',
    summarizer: 'anthropic.claude-3-haiku-20240307-v1:0',
    embed: 'amazon.titan-embed-text-v2:0',
    playground: [
      'eu.anthropic.claude-3-5-sonnet-20240620-v1:0',
      'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
      'anthropic.claude-3-haiku-20240307-v1:0',
      'eu.amazon.nova-lite-v1:0',
      'eu.amazon.nova-pro-v1:0',
      'eu.meta.llama3-2-3b-instruct-v1:0',
      'mistral.mistral-large-2402-v1:0',
    ],
  },
  tz: 1,
  people: 18,
  legacyIamUsers: 2,
  vendor: {
    account: '703518842216',
    roleName: 'OrbiteMonitoringRole',
    sessionName: 'orbite-collector',
    policyName: 'OrbiteReadOnly',
    agent: 'orbite-agent',
  },
  network: {
    office: ['90.84.193.18', '90.84.193.19'],
    vpn: ['185.24.186.10', '185.24.186.11'],
    appNat: ['15.236.40.118', '13.38.92.7'],
    lambdaEgress: [
      '13.36.18.201',
      '13.36.140.9',
      '13.37.61.77',
      '13.38.17.230',
      '15.188.22.140',
      '15.188.201.66',
      '15.236.11.93',
      '15.237.84.12',
      '35.180.41.199',
      '35.180.120.7',
      '35.181.6.58',
      '52.47.118.31',
    ],
    scanner: ['15.237.160.24', '15.237.160.25'],
    vendor: ['35.157.81.40', '35.157.81.41', '3.124.66.210', '3.124.66.211'],
    partner: ['212.83.150.34', '212.83.150.35'],
    residential: [
      '90.3',
      '86.246',
      '92.184',
      '78.118',
      '82.64',
      '88.170',
      '109.9',
      '176.161',
      '37.171',
      '2.13',
    ],
  },
  corpus: {
    probes: ['max-tokens-negative', 'empty-content'],
    abuse: {
      names: [
        'Aubin',
        'Clémence',
        'Eudes',
        'Solène',
        'Maël',
        'Ondine',
        'Tristan',
        'Bérénice',
        'Gaspard',
        'Ysoline',
        'Lazare',
        'Apolline',
        'Anselme',
        'Héloïse',
        'Côme',
        'Sidonie',
      ],
      settings: [
        'a drowned lighthouse town where the tide keeps the hours',
        'a travelling circus that crosses a border no map shows',
        'an underground library beneath a city at war',
        'a vineyard estate where every harvest wakes an old curse',
        'a snowbound observatory at the edge of the known world',
        'a smugglers\u2019 island governed by a council of retired pirates',
        'a clockwork palace whose rooms rearrange at dawn',
        'a desert railway where the last train never arrives',
      ],
      topics: [
        'home espresso machines',
        'beginner running plans',
        'credit repair',
        'budget flights',
        'indoor plants',
        'VPN reviews',
        'online dating openers',
        'e-bike commuting',
        'resume templates',
      ],
    },
  },
};

// ---- catalogue entries for APIs the generator lacks -------------------------------------------

const entry = (service, source, name, readOnly, host, iam, global = false) => ({
  key: `${service}:${name}`,
  service,
  source,
  name,
  readOnly,
  data: false,
  ver: '1.08',
  global,
  host,
  iamAction: `${iam}:${name}`,
});
const READS = /^(Get|List|Describe)/;

/** An AWS Organizations call (management account, us-east-1). */
export const org = (name, params = null, response = null, scope) => ({
  api: `organizations:${name}`,
  entry: entry(
    'organizations',
    'organizations.amazonaws.com',
    name,
    READS.test(name),
    () => 'organizations.us-east-1.amazonaws.com',
    'organizations',
    true,
  ),
  params,
  response,
  scope,
});

/** A Service Quotas call (regional endpoint servicequotas.<region>.amazonaws.com). */
export const quotas = (name, region, params = null, response = null, scope) => ({
  api: `servicequotas:${name}`,
  entry: entry(
    'servicequotas',
    'servicequotas.amazonaws.com',
    name,
    READS.test(name),
    (r) => `servicequotas.${r}.amazonaws.com`,
    'servicequotas',
  ),
  region,
  params,
  response,
  scope,
});

/** A Cost Explorer call (global endpoint, us-east-1). */
export const ce = (name, params = null) => ({
  api: `ce:${name}`,
  entry: entry('ce', 'ce.amazonaws.com', name, true, () => 'ce.us-east-1.amazonaws.com', 'ce', true),
  params,
  response: null,
});

// Bedrock on-demand quotas (names as the Service Quotas console shows them; codes of this world)
export const BEDROCK_QUOTAS = {
  sonnetTpmCris: {
    code: 'L-479B647E',
    name: 'Cross-region model inference tokens per minute for Anthropic Claude 3.5 Sonnet',
  },
  sonnetRpmCris: {
    code: 'L-8B8F4E9C',
    name: 'Cross-region model inference requests per minute for Anthropic Claude 3.5 Sonnet',
  },
  sonnetV2Tpm: {
    code: 'L-FF8B4E28',
    name: 'On-demand model inference tokens per minute for Anthropic Claude 3.5 Sonnet V2',
  },
  sonnetV2Rpm: {
    code: 'L-79E773B3',
    name: 'On-demand model inference requests per minute for Anthropic Claude 3.5 Sonnet V2',
  },
  sonnet37Tpm: {
    code: 'L-6E888CC2',
    name: 'Cross-region model inference tokens per minute for Anthropic Claude 3.7 Sonnet V1',
  },
};

/** RequestServiceQuotaIncrease as CloudTrail shows it (response: the RequestedQuota). */
export function quotaIncrease(rng, t, accountId, callerArn, region, quota, desired) {
  const id = rng.hex(32) + rng.base62(6);
  return quotas(
    'RequestServiceQuotaIncrease',
    region,
    { serviceCode: 'bedrock', quotaCode: quota.code, desiredValue: desired },
    {
      requestedQuota: {
        id,
        serviceCode: 'bedrock',
        serviceName: 'Amazon Bedrock',
        quotaCode: quota.code,
        quotaName: quota.name,
        desiredValue: desired,
        status: 'PENDING',
        created: legacyDate(t),
        requester: JSON.stringify({ accountId, callerArn }),
        quotaArn: `arn:aws:servicequotas:${region}:${accountId}:bedrock/${quota.code}`,
        globalQuota: false,
        unit: 'None',
        quotaRequestedAtLevel: 'ACCOUNT',
      },
    },
    [`arn:aws:servicequotas:${region}:${accountId}:bedrock/${quota.code}`],
  );
}

/** DescribePolicy / UpdatePolicy response body for the region guard. */
export function scpPolicy(
  content,
  {
    id = TV_SCP_ID,
    name = TV_SCP_NAME,
    description = 'Deny Amazon Bedrock outside the approved EU Regions (CCoE-14)',
  } = {},
) {
  return {
    policy: {
      policySummary: {
        id,
        arn: `arn:aws:organizations::${TV_MGMT}:policy/${TV_ORG}/service_control_policy/${id}`,
        name,
        description,
        type: 'SERVICE_CONTROL_POLICY',
        awsManaged: false,
      },
      content,
    },
  };
}

// ---- management-account principals -------------------------------------------------------------

/** Identity Center permission-set roles in the management account, the break-glass user. */
export function managementPrincipals(sim) {
  const w = sim.world;
  if (w.mgmt) return w.mgmt;
  const r = sim.fork('mgmt-principals');
  const path = '/aws-reserved/sso.amazonaws.com/eu-west-3/';
  const admin = iamRole(r, TV_MGMT, `AWSReservedSSO_AdministratorAccess_${r.hex(16)}`, {
    path,
    created: sim.start - 700 * DAY,
  });
  const billing = iamRole(r, TV_MGMT, `AWSReservedSSO_Billing_${r.hex(16)}`, {
    path,
    created: sim.start - 700 * DAY,
  });
  const scanner = iamRole(r, TV_MGMT, 'SecurityAuditScanner', { created: sim.start - 500 * DAY });
  const breakglass = iamUser(r, TV_MGMT, 'breakglass-orgadmin', {
    created: sim.start - 690 * DAY,
    tags: [{ Key: 'purpose', Value: 'emergency access when IAM Identity Center is unavailable' }],
  });
  addAccessKey(r, breakglass, sim.start - 412 * DAY);
  w.mgmt = {
    admin,
    billing,
    scanner,
    breakglass,
    samlProvider: `arn:aws:iam::${TV_MGMT}:saml-provider/${w.sso.provider}`,
  };
  return w.mgmt;
}

/**
 * Everyday management-account activity over [from, to): platform administrators and the finance
 * lead signing in through Identity Center and reading the organisation, policies and costs from
 * the office or home; the security team's scanner reading the organisation and every SCP daily.
 */
export function managementBackground(sim, rng, from, to) {
  const w = sim.world;
  const m = managementPrincipals(sim);
  const admins = w.people.filter((p) => p.permissionSet === 'admin').slice(0, 2);
  const finance = w.people.find((p) => p.team === 'data') ?? w.people[w.people.length - 1];
  const orgReads = () => [
    org('DescribeOrganization'),
    org('ListRoots'),
    org('ListOrganizationalUnitsForParent', { parentId: TV_ROOT }),
    org('ListAccounts'),
    org('ListPolicies', { filter: 'SERVICE_CONTROL_POLICY' }),
    org('ListPoliciesForTarget', { targetId: TV_OU_WORKLOADS, filter: 'SERVICE_CONTROL_POLICY' }),
    org('DescribePolicy', { policyId: rng.pick([TV_SCP_ID, TV_SCP_BASELINE_ID]) }),
    org('ListAccountsForParent', { parentId: rng.pick([TV_OU_WORKLOADS, TV_OU_SANDBOX]) }),
    org('ListDelegatedAdministrators'),
    org('ListAWSServiceAccessForOrganization'),
  ];
  for (let day = from; day < to; day += DAY) {
    const { weekend } = localClock(day + 12 * HOUR, w.tz);
    // security scanner: daily read of the organisation and its SCPs (02:10 local)
    const ts0 = day + (2 - w.tz) * HOUR + rng.int(5, 20) * MIN;
    if (ts0 >= from && ts0 < to) {
      const key = rng.iamId('ASIA');
      const ip = rng.pick(w.net.scanner);
      const name = `prowler-${rng.hex(6)}`;
      const cross = crossAccountSession({
        callerAccountId: TV_SECURITY,
        principalId: `AROA${rng.iamId('', 17)}:codebuild-prowler`,
        recipientAccountId: TV_MGMT,
        ip,
        userAgent: w.userAgents.scanner,
        region: 'us-east-1',
      });
      sim.call(rng, ts0, cross, C.assumeRole(rng, m.scanner, name, key, ts0, { region: 'us-east-1' }));
      const caller = sim.roleSession(m.scanner, name, {
        ip,
        userAgent: w.userAgents.scanner,
        accessKeyId: key,
        created: ts0,
        rng,
        region: 'us-east-1',
      });
      let t = ts0 + rng.int(2, 6) * 1000;
      for (const c of [
        org('DescribeOrganization'),
        org('ListAccounts'),
        org('ListRoots'),
        org('ListPolicies', { filter: 'SERVICE_CONTROL_POLICY' }),
        org('DescribePolicy', { policyId: TV_SCP_ID }),
        org('DescribePolicy', { policyId: TV_SCP_BASELINE_ID }),
        org('ListTargetsForPolicy', { policyId: TV_SCP_ID }),
        org('ListTargetsForPolicy', { policyId: TV_SCP_BASELINE_ID }),
        org('ListDelegatedAdministrators'),
        C.iamGet('GenerateCredentialReport'),
        C.iamGet('GetCredentialReport'),
        C.iamGet('ListUsers'),
        C.iamGet('ListAccessKeys', { userName: m.breakglass.name }),
        C.iamGet('GetAccessKeyLastUsed', { accessKeyId: m.breakglass.accessKeys[0].id }),
      ]) {
        sim.call(rng, t, caller, c);
        t += rng.int(1, 4) * 1000;
      }
    }
    if (weekend) continue;
    // administrators: a console visit most days (organisation, accounts, SCPs, costs)
    for (const p of admins) {
      if (!rng.chance(0.7)) continue;
      const t0 = day + (p.startHour + rng.range(0.3, 6) - w.tz) * HOUR;
      if (t0 < from || t0 >= to) continue;
      adminConsole(sim, rng, t0, p, m.admin, {
        reads: orgReads().filter(() => rng.chance(0.55)),
        costs: rng.chance(0.4),
      });
    }
    if (rng.chance(0.6)) {
      const t0 = day + (finance.startHour + rng.range(0.5, 5) - w.tz) * HOUR;
      if (t0 >= from && t0 < to) adminConsole(sim, rng, t0, finance, m.billing, { reads: [], costs: true });
    }
  }
}

/**
 * A person's Identity Center console session in the management account: AssumeRoleWithSAML,
 * federated ConsoleLogin, then the given calls. Returns { session, t }.
 */
export function adminConsole(sim, rng, t, person, role, { reads = [], costs = false, ip, tags } = {}) {
  const w = sim.world;
  const m = managementPrincipals(sim);
  const addr = ip ?? (rng.chance(0.8) ? rng.pick(w.net.office) : rng.pick(person.home));
  const key = rng.iamId('ASIA');
  const onBehalfOf = {
    userId: person.ssoUserId,
    identityStoreArn: `arn:aws:identitystore::${TV_MGMT}:identitystore/${w.sso.identityStore}`,
  };
  const s = sim.roleSession(role, person.email, {
    ip: addr,
    userAgent: person.browser,
    accessKeyId: key,
    created: t,
    console: true,
    onBehalfOf,
    rng,
    region: 'us-east-1',
  });
  const samlUser = {
    type: 'SAMLUser',
    principalId: `${rng.base62(28)}=:${person.email}`,
    userName: person.email,
    identityProvider: m.samlProvider,
  };
  const fed = s.with({ identity: samlUser, console: false, accountId: TV_MGMT });
  sim.tag(tags ?? {}, () => {
    sim.call(rng, t, fed, {
      ...C.assumeRoleWithSAML(rng, role, m.samlProvider, key, t, { subject: person.email }),
      tls: 'tls13',
    });
    sim.call(rng, t + rng.int(1, 4) * 1000, s.with({ console: false }), {
      ...C.consoleLogin({ federated: true }),
      tls: 'tls13',
    });
    t += rng.int(10, 60) * 1000;
    for (const c of reads) {
      sim.call(rng, t, s, c);
      t += rng.int(3, 40) * 1000;
    }
    if (costs) {
      for (let i = 0, n = rng.int(2, 5); i < n; i++) {
        sim.call(
          rng,
          t,
          s,
          ce(rng.pick(['GetCostAndUsage', 'GetCostAndUsage', 'GetCostForecast', 'GetDimensionValues']), {
            granularity: 'DAILY',
            metrics: ['UnblendedCost'],
          }),
        );
        t += rng.int(5, 60) * 1000;
      }
    }
  });
  return { session: s, t };
}

// ---- the AgroConseil API ----------------------------------------------------------------------

export const API = {
  fn: 'terravie-agroconseil-api',
  model: 'eu.anthropic.claude-3-5-sonnet-20240620-v1:0',
  regions: ['eu-west-3', 'eu-central-1', 'eu-west-1'],
  system:
    "Tu es AgroConseil, l'assistant agronomique de Terravie Agri. Réponds aux questions techniques des agriculteurs et conseillers (grandes cultures, vigne, fourrages) de façon précise et prudente : respecte les autorisations de mise sur le marché françaises (e-phy), les doses homologuées, les ZNT et les délais avant récolte, et propose des alternatives non chimiques quand elles existent. Si l'information manque, demande le stade, la parcelle et les observations. Ne donne jamais de conseil hors agronomie.",
};

// tenants of the API (context/agroconseil-tenants.json lists them)
export const TENANTS = [
  {
    id: 'tn-3b81d0',
    name: 'CoopNord Céréales (application adhérents)',
    plan: 'enterprise',
    keys: ['ak_live_3b81d0_K9fQ', 'ak_live_3b81d0_pT2m'],
    ips: ['51.91.112.40', '51.91.112.41'],
    since: '2024-03-11',
    contact: 'dsi@coopnord-cereales.fr',
  },
  {
    id: 'tn-a41f77',
    name: 'Vitisoft SAS (logiciel viticole)',
    plan: 'business',
    keys: ['ak_live_a41f77_Zr8c'],
    ips: ['109.190.7.212'],
    since: '2024-06-02',
    contact: 'tech@vitisoft.fr',
  },
  {
    id: 'tn-5c02e9',
    name: 'Parcelia (gestion parcellaire)',
    plan: 'business',
    keys: ['ak_live_5c02e9_Qw1x'],
    ips: ['35.180.77.14'],
    since: '2024-09-19',
    contact: 'api@parcelia.fr',
  },
  {
    id: 'tn-88d4aa',
    name: 'Agri Sud-Ouest Conseil',
    plan: 'starter',
    keys: ['ak_live_88d4aa_Hh3v'],
    ips: ['82.127.44.9'],
    since: '2025-01-07',
    contact: 'contact@agriso-conseil.fr',
  },
  {
    id: 'tn-0f9b21',
    name: 'Ferme Connect (app mobile)',
    plan: 'business',
    keys: ['ak_live_0f9b21_Lm7s'],
    ips: ['13.39.201.88', '13.39.201.89'],
    since: '2024-11-26',
    contact: 'dev@fermeconnect.fr',
  },
  {
    id: 'tn-6e13c5',
    name: 'Chambre d\u2019agriculture Grand Est (pilote)',
    plan: 'starter',
    keys: ['ak_live_6e13c5_Rt5b'],
    ips: ['194.199.53.18'],
    since: '2025-05-14',
    contact: 'numerique@grandest.chambagri.fr',
  },
  {
    id: 'tn-c7a390',
    name: 'Betteraves Avenir (coopérative)',
    plan: 'starter',
    keys: ['ak_live_c7a390_Uy6d'],
    ips: ['91.121.33.150'],
    since: '2025-02-20',
    contact: 'si@betteraves-avenir.fr',
  },
  {
    id: 'tn-internal-qa',
    name: 'Terravie: AgroConseil evaluation harness (CodeBuild)',
    plan: 'internal',
    keys: ['ak_int_qa_01'],
    ips: [],
    since: '2024-03-01',
    contact: 'ml@terravie-agri.fr',
  },
];

/**
 * The API's Lambda: execution environments (each cold start: the Lambda service assumes the
 * role, the function reads its key-table name and model id from SSM) and one Converse call per
 * API request. Returns { call(rng, t, req) }.
 */
export function agroApi(sim) {
  const w = sim.world;
  if (w.agroApi) return w.agroApi;
  const r0 = sim.fork('agro-api');
  const role = iamRole(r0, TV_PROD, 'terravie-agroconseil-api-role', {
    trust: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    created: sim.start - 380 * DAY,
    description: 'Execution role of the AgroConseil B2B API',
  });
  role.attached.push('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
  role.inline.push({
    name: 'agroconseil-bedrock-and-keys',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          Resource: [
            'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
            `arn:aws:bedrock:eu-west-3:${TV_PROD}:inference-profile/${API.model}`,
          ],
        },
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          Resource: `arn:aws:dynamodb:eu-west-3:${TV_PROD}:table/terravie-agroconseil-keys`,
        },
        {
          Effect: 'Allow',
          Action: ['ssm:GetParameters'],
          Resource: `arn:aws:ssm:eu-west-3:${TV_PROD}:parameter/terravie/prod/agroconseil/*`,
        },
      ],
    },
  });
  w.roles.agroApi = role;
  const fnName = API.fn;
  const ua = w.userAgents.chatbot;
  let envs = [];
  const coldStart = (rng, t) => {
    const key = rng.iamId('ASIA');
    sim.call(
      rng,
      t - 900,
      sim.serviceSession('lambda.amazonaws.com'),
      C.assumeRole(rng, role, fnName, key, t - 900, { region: w.homeRegion }),
    );
    const s = sim.roleSession(role, fnName, {
      ip: rng.pick(w.net.lambdaEgress),
      userAgent: ua,
      accessKeyId: key,
      created: t - 900,
      rng,
    });
    sim.call(
      rng,
      t - 600,
      s,
      C.ssmGetParameters(['/terravie/prod/agroconseil/model-id', '/terravie/prod/agroconseil/keys-table']),
    );
    envs = envs.filter((e) => e.until > t - HOUR);
    envs.push({ s, from: t - 900, until: t + rng.range(1, 3) * HOUR });
    return s;
  };
  const env = (rng, t) => {
    const live = envs.filter((e) => e.from <= t && t < e.until);
    // concurrency grows with load: more live environments when calls are dense
    if (live.length && (live.length >= 6 || !rng.chance(0.05))) return rng.pick(live).s;
    return sim.tag({}, () => coldStart(rng, t));
  };
  const api = {
    role,
    /**
     * req: { tenant, apiKeyId, clientIp, prompt, answer, endpoint, maxTokens, temperature, stopReason,
     *        endUser, tags, key, decoy, error }
     */
    call(rng, t, req) {
      // the cold start of an environment is the application's, not the caller's
      const s = sim.tag({ malicious: false, key: false, decoy: false, scope: undefined }, () => env(rng, t));
      const md = {
        tenantId: req.tenant,
        apiKeyId: req.apiKeyId,
        clientIp: req.clientIp,
        plan: req.plan ?? 'business',
        endpoint: req.endpoint ?? '/v1/advice',
      };
      if (req.endUser) md.endUserRef = req.endUser;
      return sim.runtime(rng, t, s, {
        op: 'Converse',
        modelId: API.model,
        region: 'eu-west-3',
        inferenceRegion: rng.pick(API.regions),
        system: API.system,
        prompt: req.prompt,
        answer: req.answer,
        stopReason: req.stopReason,
        maxTokens: req.maxTokens ?? 1500,
        temperature: req.temperature ?? 0.3,
        topP: req.topP,
        requestMetadata: md,
        error: req.error,
        guardrail: false,
        key: req.key,
        decoy: req.decoy,
        tags: req.tags,
      });
    },
  };
  w.agroApi = api;
  return api;
}

/** context/agroconseil-tenants.json: the API's tenant register as the account team keeps it. */
export function writeTenantRegister(sim, extra = []) {
  const tenants = [...TENANTS, ...extra].map((x) => ({
    tenantId: x.id,
    organisation: x.name,
    plan: x.plan,
    onboarded: x.since,
    technicalContact: x.contact,
    apiKeys: x.keys,
  }));
  sim.writer.file(
    'context/agroconseil-tenants.json',
    JSON.stringify(
      { product: 'AgroConseil API', updated: new Date(sim.end).toISOString().slice(0, 10), tenants },
      null,
      2,
    ) + '\n',
  );
}

// ---- agronomy vocabulary ------------------------------------------------------------------------

export const AGRO = {
  crops: [
    {
      fr: 'blé tendre',
      en: 'winter wheat',
      issues: [
        'septoriose',
        'rouille jaune',
        'rouille brune',
        'fusariose des épis',
        'pucerons d\u2019automne (JNO)',
        'vulpin résistant',
        'limaces',
      ],
    },
    {
      fr: 'orge d\u2019hiver',
      en: 'winter barley',
      issues: [
        'helminthosporiose',
        'rhynchosporiose',
        'ramulariose',
        'pucerons d\u2019automne (JNO)',
        'ray-grass',
      ],
    },
    {
      fr: 'colza',
      en: 'oilseed rape',
      issues: [
        'grosses altises',
        'charançon du bourgeon terminal',
        'méligèthes',
        'sclérotinia',
        'phoma',
        'limaces',
      ],
    },
    {
      fr: 'maïs grain',
      en: 'grain maize',
      issues: ['pyrale', 'taupins', 'sésamie', 'helminthosporiose', 'datura'],
    },
    { fr: 'tournesol', en: 'sunflower', issues: ['mildiou', 'phomopsis', 'ambroisie', 'limaces'] },
    {
      fr: 'betterave sucrière',
      en: 'sugar beet',
      issues: ['cercosporiose', 'jaunisse virale (pucerons verts)', 'oïdium', 'teigne'],
    },
    { fr: 'pomme de terre', en: 'potato', issues: ['mildiou', 'alternariose', 'doryphores', 'taupins'] },
    {
      fr: 'vigne',
      en: 'grapevine',
      issues: ['mildiou', 'oïdium', 'botrytis', 'cicadelle de la flavescence dorée', 'black-rot'],
    },
    {
      fr: 'pois protéagineux',
      en: 'field pea',
      issues: ['tordeuse du pois', 'pucerons verts', 'anthracnose (ascochytose)', 'sitones'],
    },
    {
      fr: 'féverole',
      en: 'faba bean',
      issues: ['bruche', 'botrytis (chocolate spot)', 'rouille', 'pucerons noirs'],
    },
    { fr: 'lin fibre', en: 'fibre flax', issues: ['altises', 'verse', 'oïdium'] },
  ],
  stages: [
    'BBCH 12 (2 feuilles)',
    'BBCH 21 (début tallage)',
    'BBCH 30 (épi 1 cm)',
    'BBCH 32 (2 nœuds)',
    'BBCH 39 (dernière feuille étalée)',
    'BBCH 55 (mi-épiaison)',
    'BBCH 61 (début floraison)',
    'BBCH 71 (grain laiteux)',
  ],
  regions: [
    'Champagne crayeuse',
    'Beauce',
    'Picardie',
    'Brie',
    'Bretagne',
    'Pays de la Loire',
    'Poitou-Charentes',
    'Bourgogne',
    'Alsace',
    'Lorraine',
    'Lauragais',
    'Gers',
    'Normandie',
  ],
  soils: ['craie', 'limon battant', 'argilo-calcaire superficiel', 'limon profond', 'sable', 'argile lourde'],
  levels: ['faible', 'modérée', 'forte', 'très forte'],
  actives: [
    'prothioconazole',
    'fluxapyroxad',
    'méfentrifluconazole',
    'tébuconazole',
    'lambda-cyhalothrine',
    'acétamipride',
    'cuivre (hydroxyde)',
    'soufre mouillable',
    'fosétyl-Al',
    'phosphate ferrique',
    'azoxystrobine',
    'cyperméthrine',
    'spinosad',
    'Bacillus thuringiensis',
  ],
  prev: ['colza', 'pois', 'maïs', 'betterave', 'blé', 'prairie', 'tournesol'],
};

const pick = (rng, a) => a[rng.int(0, a.length - 1)];

/** An organic question from a farmer (through a tenant's app): varied phrasing, FR mostly. */
export function farmerQuestion(rng) {
  const c = pick(rng, AGRO.crops);
  const i = pick(rng, c.issues);
  const reg = pick(rng, AGRO.regions);
  const st = pick(rng, [
    '3 feuilles',
    'tallage',
    'épi 1 cm',
    '2 nœuds',
    'sortie des barbes',
    'floraison',
    'fin floraison',
    'rosette',
    'boutons accolés',
    '6-8 feuilles',
    'nouaison',
  ]);
  const q = pick(rng, [
    () =>
      `bonjour, j'ai du ${i} sur mon ${c.fr} (stade ${st}) secteur ${reg}, vous me conseillez de traiter maintenant ou d'attendre ?`,
    () => `Quel est le seuil de nuisibilité pour ${i} en ${c.fr} ? J'en compte pas mal ce matin.`,
    () => `${c.fr} ${st}, pluie annoncée 3 jours, risque ${i} ? merci`,
    () => `Est-ce que je peux mélanger un ${pick(rng, AGRO.actives)} avec la solution azotée sur ${c.fr} ?`,
    () =>
      `dose d'azote conseillée sur ${c.fr} derrière ${pick(rng, AGRO.prev)} en sol ${pick(rng, AGRO.soils)} ? objectif ${rng.int(65, 95)} q`,
    () => `Is it too late to treat ${c.en} for ${i}? We are at ${st} and it has been wet for ten days.`,
    () => `Quelle ZNT et quel DAR pour un ${pick(rng, AGRO.actives)} sur ${c.fr} ?`,
    () => `Mes voisins ont traité contre ${i}, moi j'ai rien vu dans mes ${c.fr}, je fais quoi ?`,
    () =>
      `Comment reconnaître ${i} sur ${c.fr}, il y a des taches ${pick(rng, ['jaunes', 'brunes', 'grises', 'noires'])} sur les feuilles du bas`,
    () => `Alternative sans chimie contre ${i} en ${c.fr} bio ?`,
    () => `date de semis idéale ${c.fr} en ${reg} cette année vu l'automne sec ?`,
  ])();
  const a = [
    `Au stade ${st}, le risque ${i} sur ${c.fr} dépend surtout des observations à la parcelle et de la météo des 7 prochains jours.`,
    pick(rng, [
      `Le seuil indicatif est atteint quand ${rng.int(10, 60)} % des plantes présentent des symptômes sur les ${rng.int(2, 3)} dernières feuilles.`,
      `Observez ${rng.int(20, 50)} plantes réparties sur la parcelle avant de décider.`,
      `Un modèle de risque (Septo-LIS, Mileos ou équivalent) aide à positionner l'intervention.`,
    ]),
    pick(rng, [
      `Si le seuil est dépassé, une intervention à base de ${pick(rng, AGRO.actives)} à la dose homologuée est possible ; respectez la ZNT de ${pick(rng, ['5', '20', '50'])} m et le DAR.`,
      `Pas de traitement systématique : attendez une nouvelle observation dans ${rng.int(3, 7)} jours.`,
      `En agriculture biologique, privilégiez ${pick(rng, ['le cuivre à dose réduite', 'le soufre', 'les variétés tolérantes', 'un décalage de la date de semis', 'le désherbage mécanique'])}.`,
    ]),
    'Vérifiez toujours l\u2019autorisation du produit sur e-phy et l\u2019étiquette avant application.',
  ];
  return { prompt: q, answer: a.join(' ') };
}

/**
 * Organic traffic of the API's ordinary tenants over [from, to): farmers' questions through the
 * tenants' apps, mostly during French working hours, from each tenant's servers. `scale`
 * multiplies every tenant's rate; `skip` lists tenant ids the scenario drives itself.
 */
export function apiBackground(sim, rng, from, to, { scale = 1, skip = [] } = {}) {
  const w = sim.world;
  const api = agroApi(sim);
  const rates = {
    'tn-3b81d0': 22,
    'tn-a41f77': 4,
    'tn-5c02e9': 9,
    'tn-88d4aa': 2,
    'tn-0f9b21': 12,
    'tn-6e13c5': 1.5,
    'tn-c7a390': 2.5,
  };
  for (const tn of TENANTS) {
    if (skip.includes(tn.id) || !rates[tn.id]) continue;
    const r = rng.fork(`tenant:${tn.id}`);
    const users = Array.from({ length: Math.round(rates[tn.id] * 25) }, () => `u-${r.hex(10)}`);
    for (let h = from; h < to; h += HOUR) {
      const { hour, weekend } = localClock(h, w.tz);
      const shape =
        hour >= 6 && hour < 21 ? (hour >= 7 && hour < 12 ? 1 : hour >= 13 && hour < 19 ? 0.8 : 0.45) : 0.05;
      const n = r.poisson(rates[tn.id] * scale * shape * (weekend ? 0.45 : 1));
      for (let i = 0; i < n; i++) {
        const t = h + r.int(0, HOUR / 1000 - 1) * 1000;
        const q = farmerQuestion(r);
        api.call(r, t, {
          tenant: tn.id,
          apiKeyId: r.pick(tn.keys),
          clientIp: r.pick(tn.ips),
          plan: tn.plan,
          prompt: q.prompt,
          answer: q.answer,
          endUser: r.pick(users),
          maxTokens: r.pick([800, 1024, 1500]),
          temperature: r.pick([0.2, 0.3, 0.5]),
        });
      }
    }
  }
}
