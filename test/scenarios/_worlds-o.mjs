// Organisation for the held-out scenarios written by helper O. (Files starting with '_' are not
// scenarios.) Patinha Pet Comércio Ltda. (São Paulo) is a pet-supplies retailer that sells mainly
// through its consumer mobile app "Patinha" (Android and iOS, about 1.2 million installs) and a
// website; the AWS account runs in sa-east-1 (São Paulo). Bedrock models are used in-Region;
// invocation logging is configured in sa-east-1 only.
//
// Besides the generator's support chat and order agent, the app has a feature the other worlds
// do not: "Pergunte ao Bento", a pet-care assistant open to guests. The app signs nobody in for it:
// it calls Amazon Cognito Identity (identity pool `patinha_app_guests`, guest access enabled) for
// an identity id (GetId) and guest credentials (GetCredentialsForIdentity, enhanced flow: Cognito
// calls STS AssumeRoleWithWebIdentity on the unauthenticated role with session name
// CognitoIdentityCredentials), then calls Bedrock Converse directly from the device on Claude 3
// Haiku, with the guardrail and request metadata naming the app build. The unauthenticated role is
// meant to allow exactly that model. The identity pool id is, like in every such app, in the app
// bundle.
//
// The platform team manages the account with Terraform (repository patinha-pet/platform-infra):
// pull requests get a `terraform plan` through GitHub Actions, merges to main apply. The support
// content team keeps the assistant's system prompts in Bedrock Prompt management.
//
// Fields follow lib/world.mjs (buildWorld).

import { CATALOGS } from '../../../shared/tools/evidence-gen/lib/text/vocab.mjs';
import {
  C,
  HOUR,
  iamRole,
  ipIn,
  legacyDate,
  MIN,
  Session,
  STANDARD_REGIONS,
} from '../../../shared/tools/evidence-gen/lib.mjs';

if (!CATALOGS.pets) {
  CATALOGS.pets = [
    ['Ração Premium Cães Adultos 15 kg', 'dog food', 289, 'chicken and rice kibble'],
    ['Ração Gatos Castrados 10 kg', 'cat food', 239, 'salmon kibble'],
    ['Areia Higiênica Sílica 3,6 kg', 'cat litter', 59, 'silica crystals'],
    ['Cama Ortopédica Média', 'dog bed', 219, 'memory foam with a washable cover'],
    ['Arranhador Torre 1,2 m', 'cat tree', 349, 'sisal rope and MDF'],
    ['Coleira Peitoral Ajustável', 'harness', 89, 'nylon webbing'],
    ['Guia Retrátil 5 m', 'leash', 79, 'ABS housing with nylon tape'],
    ['Fonte Bebedouro 2 L', 'water fountain', 159, 'BPA-free plastic'],
    ['Caixa de Transporte Nº 3', 'pet carrier', 189, 'polypropylene'],
    ['Antipulgas Comprimido 10-20 kg', 'flea treatment', 119, 'chewable tablet'],
    ['Brinquedo Mordedor Corda', 'chew toy', 29, 'cotton rope'],
    ['Shampoo Pelagem Sensível 500 ml', 'shampoo', 45, 'oat extract formula'],
    ['Tapete Higiênico 30 un', 'training pads', 69, 'absorbent gel layers'],
    ['Comedouro Lento Anti-Voracidade', 'slow feeder', 49, 'food-grade plastic'],
    ['Aquário 60 L com Filtro', 'aquarium', 459, 'glass with an external filter'],
    ['Gaiola Calopsita Grande', 'bird cage', 299, 'epoxy-coated steel'],
  ];
}

export const PATINHA_PROD = '371846205519';
export const PATINHA_ORG = 'o-5tq8wz3kvn';
export const PATINHA_GITHUB = 'patinha-pet';

export const PATINHA = {
  company: {
    name: 'Patinha Pet',
    slug: 'patinha',
    domain: 'patinhapet.com.br',
    catalog: 'pets',
    botName: 'Bento',
    orderPrefix: 'PP',
    github: PATINHA_GITHUB,
  },
  account: { id: PATINHA_PROD, alias: 'patinha-prod' },
  orgId: PATINHA_ORG,
  securityAccount: '528330716942',
  managementAccount: '880145263307',
  homeRegion: 'sa-east-1',
  regions: ['sa-east-1', 'us-east-1'],
  enabledRegions: STANDARD_REGIONS,
  invocationLogging: ['sa-east-1'],
  guardrailVersion: 3,
  models: {
    converse: 'anthropic.claude-3-haiku-20240307-v1:0',
    converseRegions: ['sa-east-1'],
    chat: 'anthropic.claude-3-haiku-20240307-v1:0',
    agent: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
    summarizer: 'anthropic.claude-3-haiku-20240307-v1:0',
    embed: 'amazon.titan-embed-text-v2:0',
    playground: [
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'anthropic.claude-3-haiku-20240307-v1:0',
      'meta.llama3-8b-instruct-v1:0',
      'amazon.titan-text-express-v1',
      'cohere.command-r-v1:0',
    ],
  },
  tz: -3,
  people: 16,
  legacyIamUsers: 2,
  vendor: {
    account: '615209873341',
    roleName: 'VigiaCloudIntegrationRole',
    sessionName: 'vigia-collector',
    policyName: 'VigiaCloudReadOnly',
    agent: 'vigia-agent',
  },
  network: {
    office: ['177.92.41.18', '177.92.41.19'],
    vpn: ['200.219.133.50', '200.219.133.51'],
    appNat: ['18.228.74.12', '54.232.118.90'],
    lambdaEgress: [
      '18.228.12.77',
      '18.229.40.103',
      '18.230.61.18',
      '18.231.97.204',
      '15.228.33.140',
      '15.229.88.9',
      '52.67.118.52',
      '54.94.201.36',
      '54.207.14.90',
      '54.233.150.7',
      '177.71.160.44',
      '15.228.190.63',
    ],
    scanner: ['18.231.5.17', '18.231.5.18'],
    vendor: ['54.94.66.120', '54.94.66.121', '15.229.4.30', '15.229.4.31'],
    partner: ['200.155.17.40', '200.155.17.41'],
    residential: [
      '189.6',
      '177.35',
      '191.183',
      '200.158',
      '187.11',
      '179.98',
      '201.75',
      '186.222',
      '152.250',
      '168.227',
    ],
  },
  corpus: {
    probes: ['no-version', 'empty-content'],
    abuse: {
      names: [
        'Iracema',
        'Tobias',
        'Jurema',
        'Caetano',
        'Moema',
        'Severino',
        'Anaí',
        'Bartolomeu',
        'Celeste',
        'Dandara',
        'Heitor',
        'Luzia',
        'Raoni',
        'Marisol',
        'Ubirajara',
        'Yara',
      ],
      settings: [
        'a river steamboat that never docks, carrying smugglers and saints',
        'a walled coffee plantation during the last harvest before the revolt',
        'a floating market city lashed together on a flooded delta',
        'an abandoned radio tower where voices arrive from next week',
        'a carnival parade that loops through the same night forever',
        'a mountain mining town ruled by a guild of cartographers',
        'a lighthouse archive on an island that moves with the fog',
        'a salt desert monastery that trains couriers for kings',
      ],
      topics: [
        'sports betting systems',
        'crypto trading signals',
        'weight-loss teas',
        'online course funnels',
        'dropshipping stores',
        'air purifiers',
        'phone repair franchises',
        'wedding speeches',
        'study abroad scholarships',
      ],
    },
  },
};

// ---- catalogue entries for APIs the generator lacks ---------------------------------------------

const entry = (service, source, name, readOnly, host, iam) => ({
  key: `${service}:${name}`,
  service,
  source,
  name,
  readOnly,
  data: false,
  ver: '1.08',
  global: false,
  host,
  iamAction: `${iam}:${name}`,
});

/** A Cognito Identity call (identity pools). */
export const cognito = (name, params = null, response = null, extra = {}) => ({
  api: `cognito-identity:${name}`,
  entry: entry(
    'cognito-identity',
    'cognito-identity.amazonaws.com',
    name,
    /^(Describe|List|Lookup)/.test(name),
    (r) => `cognito-identity.${r}.amazonaws.com`,
    'cognito-identity',
  ),
  params,
  response,
  ...extra,
});

/** A Bedrock Prompt management call (bedrock-agent endpoint). */
export const promptCall = (name, params = null, response = null, scope) => ({
  api: `bedrock-agent:${name}`,
  entry: {
    ...entry(
      'bedrock-agent',
      'bedrock.amazonaws.com',
      name,
      /^(Get|List)/.test(name),
      (r) => `bedrock-agent.${r}.amazonaws.com`,
      'bedrock',
    ),
    ver: '1.11',
  },
  params,
  response,
  scope,
});

// ---- the guest assistant and its identity pool ----------------------------------------------------

const doc = (...Statement) => ({ Version: '2012-10-17', Statement });

export const GUEST_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

/** The guest policy as designed: the app's one model, Converse and streaming. */
export function guestPolicy(acct, region) {
  return doc(
    {
      Sid: 'PerguntaAoBentoHaiku',
      Effect: 'Allow',
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      Resource: [`arn:aws:bedrock:${region}::foundation-model/${GUEST_MODEL}`],
    },
    {
      Sid: 'GuardrailForAssistant',
      Effect: 'Allow',
      Action: ['bedrock:ApplyGuardrail'],
      Resource: [`arn:aws:bedrock:${region}:${acct}:guardrail/*`],
    },
    {
      Sid: 'AppAnalytics',
      Effect: 'Allow',
      Action: ['mobiletargeting:PutEvents', 'mobiletargeting:UpdateEndpoint'],
      Resource: '*',
    },
  );
}

/**
 * Adds Patinha's own principals and resources: the identity pool and its two roles, the managed
 * prompts, the Terraform IAM permissions of the deploy role (platform-infra manages IAM users).
 * Idempotent per sim.
 */
export function extendPatinha(sim) {
  const w = sim.world;
  if (w.res.guestPool) return w;
  const rng = sim.fork('patinha-extend');
  const acct = w.account.id;
  const region = w.homeRegion;
  const poolId = `${region}:7c2e9a41-5db8-4f3e-9b61-0e4d2a8f17c3`;
  const trust = (amr) =>
    doc({
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
      },
    });
  const unauth = iamRole(rng, acct, 'Cognito_PatinhaAppGuestsUnauth_Role', {
    trust: trust('unauthenticated'),
    created: sim.start - 410 * 24 * HOUR,
    description: 'Guest (unauthenticated) identities of the Patinha app: Pergunte ao Bento',
  });
  unauth.inline.push({ name: 'pergunte-ao-bento-guest', document: guestPolicy(acct, region) });
  const auth = iamRole(rng, acct, 'Cognito_PatinhaAppGuestsAuth_Role', {
    trust: trust('authenticated'),
    created: sim.start - 410 * 24 * HOUR,
    description: 'Signed-in customers of the Patinha app',
  });
  auth.inline.push({
    name: 'app-customer',
    document: doc({
      Effect: 'Allow',
      Action: ['mobiletargeting:PutEvents', 'mobiletargeting:UpdateEndpoint'],
      Resource: '*',
    }),
  });
  w.roles.guestUnauth = unauth;
  w.roles.guestAuth = auth;
  w.res.guestPool = {
    id: poolId,
    name: 'patinha_app_guests',
    arn: `arn:aws:cognito-identity:${region}:${acct}:identitypool/${poolId}`,
  };

  // Terraform in platform-infra manages IAM users, keys and role policies
  w.roles.deploy.inline.push({
    name: 'terraform-iam',
    document: doc({
      Effect: 'Allow',
      Action: [
        'iam:CreateUser',
        'iam:TagUser',
        'iam:CreateAccessKey',
        'iam:ListAccessKeys',
        'iam:AttachUserPolicy',
        'iam:PutRolePolicy',
        'iam:GetRolePolicy',
        'iam:ListUsers',
        'iam:GetUser',
        'iam:CreateRole',
        'iam:AttachRolePolicy',
      ],
      Resource: [
        `arn:aws:iam::${acct}:user/svc-*`,
        `arn:aws:iam::${acct}:user/integration-*`,
        `arn:aws:iam::${acct}:role/patinha-*`,
        `arn:aws:iam::${acct}:role/Cognito_*`,
      ],
    }),
  });

  // managed prompts (Prompt management)
  const prompt = (name, desc) => {
    const id = rng.upperAlnum(10);
    return { id, name, desc, arn: `arn:aws:bedrock:${region}:${acct}:prompt/${id}` };
  };
  w.res.prompts = [
    prompt('patinha-bento-guest-system', 'System prompt of Pergunte ao Bento (guest pet-care assistant)'),
    prompt('patinha-support-chat-system', 'System prompt of the website support chat'),
    prompt(
      'patinha-vet-triage-rules',
      'Triage rules: when the assistant must send the customer to a vet (partner clinic codes)',
    ),
    prompt('patinha-reply-drafts', 'Agent-assist reply drafts for the support team'),
  ];
  w.sso.content.inline.push({
    name: 'prompt-management',
    document: doc({
      Effect: 'Allow',
      Action: [
        'bedrock:ListPrompts',
        'bedrock:GetPrompt',
        'bedrock:UpdatePrompt',
        'bedrock:CreatePromptVersion',
      ],
      Resource: '*',
    }),
  });
  return w;
}

// ---- mobile-app user agents ----------------------------------------------------------------

const ANDROID_KERNELS = [
  '4.19.191-perf',
  '5.4.233-qgki',
  '5.10.198-android12-9',
  '5.15.123-android13-8',
  '6.1.57-android14-11',
  '4.14.190-perf',
];
const IOS = ['17.5.1', '17.6.1', '18.0.1', '18.1', '18.2.1', '16.7.10'];

/** The Patinha app's SDK on one phone. */
export function appUserAgent(rng) {
  if (rng.chance(0.58)) {
    const sdk = rng.pick(['2.76.0', '2.77.0', '2.77.1']);
    return `aws-sdk-android/${sdk} Linux/${rng.pick(ANDROID_KERNELS)}-g${rng.hex(12)} Dalvik/2.1.0/0 pt_BR`;
  }
  return `aws-sdk-iOS/${rng.pick(['2.36.4', '2.36.6', '2.37.0'])} iOS/${rng.pick(IOS)} pt_BR`;
}

export const APP_VERSIONS = ['5.11.2', '5.12.0', '5.12.1'];

// ---- guest credentials ----------------------------------------------------------------------

/**
 * A guest's credentials: GetId (a new identity, or reuse of the one cached on the phone),
 * GetCredentialsForIdentity, and Cognito's own AssumeRoleWithWebIdentity on the unauthenticated
 * role. Returns { session, identityId, expires }.
 * opts: { ip, userAgent, identityId (reuse), tags (applied to the three records), threat (scope 'actor' on the caller), keyFirst }
 */
export function guestCredentials(sim, rng, t, opts) {
  const w = extendPatinha(sim);
  const acct = w.account.id;
  const region = w.homeRegion;
  const pool = w.res.guestPool;
  const role = w.roles.guestUnauth;
  const anon = new Session({
    identity: { type: 'Unknown', principalId: 'Anonymous' },
    accountId: acct,
    ip: opts.ip,
    userAgent: opts.userAgent,
    region,
  });
  if (opts.threat) sim.threat(anon);
  const key = opts.key ?? false;
  let identityId = opts.identityId;
  let ts = t;
  if (!identityId) {
    identityId = `${region}:${rng.uuid()}`;
    sim.call(rng, ts, anon, {
      ...cognito('GetId', { identityPoolId: pool.id }, { identityId }),
      tags: opts.tags,
      key,
    });
    ts += rng.int(150, 900);
  }
  const newKey = rng.iamId('ASIA');
  const exp = ts + HOUR;
  sim.call(rng, ts, anon, {
    ...cognito(
      'GetCredentialsForIdentity',
      { identityId },
      {
        credentials: {
          accessKeyId: newKey,
          sessionToken: 'HIDDEN_DUE_TO_SECURITY_REASONS',
          expiration: legacyDate(exp),
        },
        identityId,
      },
    ),
    tags: opts.tags,
    key,
  });
  // Cognito assumes the unauthenticated role for the identity (enhanced flow)
  const svc = new Session({
    identity: {
      type: 'WebIdentityUser',
      principalId: `cognito-identity.amazonaws.com:${pool.id}:${identityId}`,
      userName: identityId,
      identityProvider: 'cognito-identity.amazonaws.com',
    },
    accountId: acct,
    ip: 'cognito-identity.amazonaws.com',
    userAgent: 'cognito-identity.amazonaws.com',
    tls: null,
    region,
  });
  const sts = C.assumeRoleWithWebIdentity(rng, role, 'CognitoIdentityCredentials', newKey, ts, {
    provider: 'cognito-identity.amazonaws.com',
    subject: identityId,
    audience: pool.id,
    region,
  });
  sim.call(rng, ts + rng.int(20, 200), svc, {
    ...sts,
    tags: opts.tags ? { ...opts.tags, key: false, scope: 'none' } : undefined,
  });
  const session = sim.roleSession(role, 'CognitoIdentityCredentials', {
    ip: opts.ip,
    userAgent: opts.userAgent,
    accessKeyId: newKey,
    created: ts,
    webIdFederationData: {
      federatedProvider: 'cognito-identity.amazonaws.com',
      attributes: {
        'cognito-identity.amazonaws.com:amr': '["unauthenticated"]',
        'cognito-identity.amazonaws.com:aud': pool.id,
        'cognito-identity.amazonaws.com:sub': identityId,
      },
    },
    rng,
  });
  return { session, identityId, expires: exp - 5 * MIN };
}

// ---- the guest assistant's texts ---------------------------------------------------------------

export const BENTO_SYSTEM = [
  'Você é o Bento, o assistente de cuidados com pets do app Patinha.',
  'Responda em português do Brasil, de forma curta e gentil, sobre alimentação, higiene, passeios, adaptação e produtos para cães, gatos, aves e peixes.',
  'Nunca faça diagnóstico: diante de sintomas (vômito repetido, sangue, apatia, dificuldade para respirar, convulsão) oriente procurar um veterinário imediatamente.',
  'Quando citar produtos, use apenas os do catálogo Patinha. Não responda sobre outros assuntos.',
].join('\n');

const PETS = [
  'Thor',
  'Mel',
  'Luna',
  'Pipoca',
  'Bob',
  'Nina',
  'Paçoca',
  'Amora',
  'Fred',
  'Mia',
  'Zeca',
  'Belinha',
  'Tico',
  'Frida',
];
const GUEST_QA = [
  [
    'Quanto de ração devo dar por dia para um cachorro adulto de {kg} kg?',
    'Para um cão adulto de {kg} kg, a média fica entre {g} e {g2} g por dia, divididos em duas refeições. Confira a tabela da embalagem da sua ração e ajuste conforme o peso e a atividade. A {product} traz a tabela no verso.',
  ],
  [
    'Meu gato {pet} não quer usar a caixa de areia nova, o que faço?',
    'Mudanças de areia costumam incomodar gatos. Misture um pouco da areia antiga na nova por alguns dias, mantenha a caixa limpa e num lugar tranquilo. Se ele parar de urinar ou mostrar dor, procure um veterinário.',
  ],
  [
    'Com quantos meses posso levar o filhote para passear na rua?',
    'Em geral, depois de completar o esquema de vacinas, por volta dos 4 meses. Antes disso, brinque em casa e apresente a coleira aos poucos. O veterinário do seu filhote confirma a data certa.',
  ],
  [
    'Qual a melhor forma de dar banho no {pet}? Ele tem pele sensível.',
    'Use água morna, um shampoo suave como o {product}, enxágue bem e seque completamente. Banhos a cada 2 a 4 semanas costumam bastar para pele sensível.',
  ],
  [
    'Como acostumar o {pet} com a caixa de transporte antes da viagem?',
    'Deixe a caixa aberta em casa com uma manta e petiscos dentro, alguns dias antes. Faça passeios curtos de carro. A {product} tem ventilação dos dois lados, o que ajuda.',
  ],
  [
    'Meu cachorro come muito rápido e às vezes engasga. Tem solução?',
    'Um comedouro lento ajuda bastante, como o {product}. Divida a porção em mais refeições e evite exercício logo depois de comer.',
  ],
  [
    'Calopsita pode comer fruta? Quais?',
    'Pode, com moderação: maçã sem sementes, mamão, banana e pera. Evite abacate, chocolate e alimentos salgados. A base da dieta deve ser ração extrusada própria.',
  ],
  [
    'De quanto em quanto tempo devo trocar a água do aquário de 60 litros?',
    'Troque cerca de 20% a 25% da água por semana, com água tratada e na mesma temperatura. Limpe o filtro com água do próprio aquário.',
  ],
  [
    'O {pet} está se coçando muito, pode ser pulga?',
    'Pode ser. Verifique a pele perto do rabo e da barriga. Um antipulgas adequado ao peso, como o {product}, resolve a maioria dos casos, mas se houver feridas ou queda de pelo procure o veterinário.',
  ],
  [
    'Qual arranhador é bom para apartamento pequeno?',
    'Um modelo vertical ocupa pouco espaço e atende bem: o {product} tem 1,2 m e base firme. Coloque perto de onde o gato já costuma arranhar.',
  ],
  [
    'Meu cachorro vomitou três vezes hoje e está quieto, o que eu dou?',
    'Vômitos repetidos com apatia precisam de avaliação: procure um veterinário hoje. Não ofereça remédios por conta própria; deixe água disponível em pouca quantidade até a consulta.',
  ],
  [
    'Posso usar tapete higiênico para treinar um filhote?',
    'Pode. Coloque o {product} sempre no mesmo lugar, leve o filhote até ele depois de comer e de acordar, e recompense quando acertar.',
  ],
  [
    'Quantas vezes por dia devo alimentar um gato castrado?',
    'Duas a três refeições por dia, com ração para castrados como a {product}, ajudam a controlar o peso. Mantenha água fresca sempre disponível; uma fonte incentiva o gato a beber mais.',
  ],
  [
    'Que tamanho de cama comprar para um vira-lata de porte médio?',
    'Meça o cão deitado e some uns 20 cm. A {product} serve para cães médios e tem capa lavável.',
  ],
];

/** One guest question and answer about pets. */
export function guestTurn(rng, world) {
  const [q, a] = rng.pick(GUEST_QA);
  const kg = rng.int(8, 30);
  const item = rng.pick(world.catalog)[0];
  const slots = { pet: rng.pick(PETS), kg, g: kg * 12, g2: kg * 15, product: item };
  const fill = (s) => s.replace(/\{(\w+)\}/g, (m, k) => String(slots[k] ?? m));
  return { user: fill(q), answer: fill(a) };
}

/** A guest's Converse call from the app (guardrail on, request metadata naming the build). */
export function guestConverse(
  sim,
  rng,
  t,
  session,
  { model = GUEST_MODEL, platform, appVersion, tags, decoy, key, history = [], turn } = {},
) {
  const w = sim.world;
  const tt = turn ?? guestTurn(rng, w);
  return sim.runtime(rng, t, session, {
    op: rng.chance(0.4) ? 'ConverseStream' : 'Converse',
    modelId: model,
    system: BENTO_SYSTEM,
    history,
    prompt: tt.user,
    answer: tt.answer,
    guardrail: true,
    maxTokens: 600,
    temperature: 0.4,
    requestMetadata: { app: `patinha-${platform}`, appVersion, feature: 'pergunte-ao-bento' },
    tags,
    decoy,
    key,
  });
}

/**
 * The app's real guests over [t0, t1): Brazilian carrier and home networks, a few questions per
 * visit, the identity id cached on the phone (GetId only the first time), new credentials when
 * the old ones expire. perHour: guest visits at the busiest hour.
 */
export function guestBackground(sim, rng, t0, t1, { perHour = 30, decoyShare = 0 } = {}) {
  const w = extendPatinha(sim);
  const phones = [];
  const carrier = [
    '177.79',
    '179.240',
    '189.40',
    '191.246',
    '201.17',
    '187.94',
    '170.80',
    '138.94',
    '200.181',
    '177.26',
    '186.216',
    '179.105',
  ];
  for (let t = t0; t < t1; t += 10 * MIN) {
    const hour = (((t / HOUR + w.tz) % 24) + 24) % 24;
    const rate =
      hour >= 8 && hour < 23
        ? perHour * (hour >= 19 && hour < 22 ? 1.4 : 1)
        : hour >= 6
          ? perHour * 0.3
          : perHour * 0.06;
    const n = rng.poisson(rate / 6);
    for (let i = 0; i < n; i++) {
      const ts = t + rng.int(0, 10 * MIN - 1);
      let phone = phones.length > 30 && rng.chance(0.25) ? rng.pick(phones) : null;
      if (!phone) {
        const platform = rng.chance(0.58) ? 'android' : 'ios';
        phone = {
          ua: appUserAgent(rng),
          platform,
          appVersion: rng.weighted([
            [APP_VERSIONS[2], 6],
            [APP_VERSIONS[1], 3],
            [APP_VERSIONS[0], 1],
          ]),
          ip: ipIn(rng, rng.pick(carrier)),
          identityId: null,
          creds: null,
        };
        phones.push(phone);
      } else if (rng.chance(0.5)) phone.ip = ipIn(rng, rng.pick(carrier));
      let creds = phone.creds && phone.creds.expires > ts ? phone.creds : null;
      if (!creds) {
        creds = guestCredentials(sim, rng, ts, {
          ip: phone.ip,
          userAgent: phone.ua,
          identityId: phone.identityId,
        });
        phone.identityId = creds.identityId;
        phone.creds = creds;
      }
      const s = creds.session.ip === phone.ip ? creds.session : creds.session.with({ ip: phone.ip });
      let tq = ts + rng.int(2, 9) * 1000;
      const history = [];
      const turns = rng.weighted([
        [1, 5],
        [2, 3],
        [3, 1.5],
        [5, 0.5],
      ]);
      for (let k = 0; k < turns; k++) {
        const turn = guestTurn(rng, w);
        guestConverse(sim, rng, tq, s, {
          platform: phone.platform,
          appVersion: phone.appVersion,
          history: history.slice(-4),
          turn,
          decoy: decoyShare && rng.chance(decoyShare),
        });
        history.push({ role: 'user', text: turn.user }, { role: 'assistant', text: turn.answer });
        tq += rng.int(20, 140) * 1000;
      }
    }
  }
}

/** The content team's work on the managed prompts in the console (reads and edits). */
export function promptEditing(sim, rng, t, person, { edit = false, tags } = {}) {
  const w = extendPatinha(sim);
  const s = sim.actor('staff').session(person, t, rng.pick(w.net.office), false);
  let ts = t;
  sim.call(rng, ts, s, { ...promptCall('ListPrompts', { maxResults: 20 }), tags });
  const p = rng.pick(w.res.prompts);
  ts += rng.int(3, 20) * 1000;
  sim.call(rng, ts, s, { ...promptCall('GetPrompt', { promptIdentifier: p.id }), tags });
  if (edit) {
    ts += rng.int(60, 400) * 1000;
    sim.call(rng, ts, s, {
      ...promptCall(
        'UpdatePrompt',
        {
          promptIdentifier: p.id,
          name: p.name,
          variants: 'HIDDEN_DUE_TO_SECURITY_REASONS',
          defaultVariant: 'v1',
        },
        { id: p.id, arn: p.arn, name: p.name, version: 'DRAFT', updatedAt: new Date(ts).toISOString() },
        [p.id],
      ),
      tags,
    });
    ts += rng.int(10, 60) * 1000;
    sim.call(rng, ts, s, {
      ...promptCall(
        'CreatePromptVersion',
        { promptIdentifier: p.id, description: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        { id: p.id, arn: `${p.arn}:${rng.int(3, 12)}`, name: p.name },
        [p.id],
      ),
      tags,
    });
  }
  return ts;
}
