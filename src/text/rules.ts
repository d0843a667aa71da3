/**
 * Hand-written feature families for prompt-attack detection.
 *
 * Every rule is a regular expression over the normalised (lower-cased, folded) text with a weight in
 * logit units. Rules are written for linear-time matching: no nested unbounded quantifiers, word gaps
 * are bounded (`(?:\w+\W+){0,n}` alternates disjoint classes, so it cannot backtrack exponentially) and
 * every rule has a cheap literal pre-filter (`need`) so that most rules never run on a given text.
 */

export type PromptKind = 'user' | 'document' | 'tool_result' | 'system';

export type PromptCategory =
  | 'direct_injection'
  | 'indirect_injection'
  | 'jailbreak'
  | 'system_prompt_extraction'
  | 'encoded_payload'
  | 'invisible_unicode'
  | 'homoglyph'
  | 'payload_splitting'
  | 'exfiltration'
  | 'multilingual'
  | 'malicious_code';

export interface Rule {
  id: string;
  cat: PromptCategory;
  /** weight (logit units) for user prompts */
  w: number;
  /** weight for documents / tool results (defaults to w) */
  doc?: number;
  /** weight for system prompts (defaults to w * 0.5) */
  sys?: number;
  re: RegExp;
  /** literal pre-filter: the rule runs only when one of these occurs in the text */
  need?: string[];
  /** second pre-filter: and one of these occurs too */
  need2?: string[];
  /** skip a match preceded by a negation ("never reveal your instructions") */
  negatable?: boolean;
  /** language of a non-English rule (adds the `multilingual` category) */
  lang?: string;
  /** weight factor from the match (0 drops it) */
  post?: (m: RegExpExecArray, text: string) => number;
}

/** A gap of at most n words between two words (`a${gap(2)}b`). */
const gap = (n: number) => `\\W+(?:\\w+\\W+){0,${n}}?`;

const AI =
  '(?:ai|a\\.i\\.|llms?|assistants?|ai assistants?|models?|ai models?|chat ?bots?|bots?|language models?|large language models?|agents?|ai agents?|gpt|chatgpt|claude|copilot|gemini|bard|bing|automated (?:\\w+ )?(?:systems?|tools?|screeners?|assistants?|agents?|readers?)|screening (?:systems?|tools?|software)|ai (?:tools?|systems?|screeners?|readers?)|summari[sz]ers?)';

const IGN =
  "(?:ignor(?:e|es|ed|ing)|disregard(?:s|ed|ing)?|forget(?:s|ting)?|overlook|neglect|skip|omit|discard|abandon|bypass|override|overwrite|overrule|nevermind|never mind|drop|ditch|scrap|erase|delete|clear|reset|cancel|void|nullify|put aside|set aside|pay no (?:attention|heed) to|stop following|(?:do not|don't|dont|no longer|not) (?:follow|obey|adhere to|comply with)|stop obeying|deviate from|throw out|get rid of)";

const PRIOR =
  "(?:previous|previously|prior|above|earlier|preceding|former|foregoing|original|initial|old|system|preset|default|all|any|every|your|the developer'?s?|openai'?s?|these|those|existing|other|given|programmed|pre-?programmed|built-?in|safety)";

const OBJ =
  '(?:instructions?|prompts?|directions?|directives?|rules?|guidelines?|commands?|orders?|constraints?|restrictions?|limitations?|guardrails?|polic(?:y|ies)|programming|training|safeguards?|filters?|protocols?|principles?|boundaries|ethics|morals|morality|conditioning|settings?|configuration|persona|parameters|context|tasks?|assignments?|messages?|text|content|inputs?|conversation|information|everything|requests?|directive|guidance|advice|briefing|mandate|setup)';

const CORE_OBJ =
  /\b(?:instructions?|prompts?|directives?|guidelines?|guidance|mandate|guardrails?|programming|system prompt|constraints|restrictions|safeguards|ethics|morals|morality|conditioning|training)\b/;
const STRONG_PRIOR =
  /\b(?:previous|previously|prior|above|earlier|preceding|foregoing|all|any|every|your|system|original|initial|developer|openai|programmed|pre-?programmed|built-?in|safety)\b/;
const GENERIC_VERB =
  /^(?:clear|reset|delete|drop|cancel|erase|scrap|void|nullify|skip|omit|remove|discard|ditch|throw out|get rid of|overwrite)/;
const THIRD_PERSON = /^(?:ignores|ignored|disregards|disregarded|forgets|overrides|bypasses)\b/;
const WEAK_OBJ =
  /(?:settings?|configuration|parameters|tasks?|assignments?|messages?|text|content|inputs?|conversation|information|requests?|context)$/;
const OWN = /\b(?:my|our|i|we)\b/;

const REVEAL =
  "(?:see|view|access|get|obtain|know|check|look at|inspect|hear|repeat|reprint|print|show|display|reveal|output|tell|give|list|write|recite|dump|echo|share|disclose|expose|provide|paste|copy|return|spell|read|leak|type|render|state|summari[sz]e|translate|encode|describe|explain|what(?:'s| is| are| were| was)|include|quote|reproduce|enumerate|rewrite|paraphrase|convert|send)";

const PROMPT_OBJ =
  '(?:system (?:prompts?|messages?|instructions?|configuration|config|settings|rules|directives|guidelines)|(?:initial|original|hidden|secret|internal|starting|initiali[sz]ation|underlying|core|base|developer|meta|confidential|full|complete|exact|entire|first|verbatim|raw|pre-?)\\W+(?:\\w+\\W+){0,1}?(?:prompts?|instructions?|directives?|guidelines|configuration|config|system message|rules|setup|settings|setup text)|pre-?prompt|system_?prompt|sys_?prompt|prompt template|your (?:\\w+ )?(?:prompt|instructions|directives|guidelines|rules|programming|configuration|guardrails|constraints|persona|secrets?|conditioning|system message|instruction set|setup))';

const NEG_BEFORE =
  /\b(?:never|not|don't|dont|do not|must not|mustn't|cannot|can't|won't|will not|should not|shouldn't|under no circumstances|refuse to|avoid)\b[^.!?\n]{0,30}$/;

function r(src: string, flags = 'g'): RegExp {
  return new RegExp(src, flags);
}

export const RULES: Rule[] = [
  // ---------------------------------------------------------------- direct injection
  {
    id: 'ignore_previous_instructions',
    cat: 'direct_injection',
    w: 4.2,
    doc: 4.5,
    need: [
      'ignor',
      'disregard',
      'forget',
      'overlook',
      'neglect',
      'skip',
      'omit',
      'discard',
      'abandon',
      'bypass',
      'overr',
      'overwrite',
      'never',
      'drop',
      'ditch',
      'scrap',
      'erase',
      'delete',
      'clear',
      'reset',
      'cancel',
      'void',
      'nullify',
      'aside',
      'attention',
      'heed',
      'follow',
      'obey',
      'adhere',
      'comply',
      'deviate',
      'throw out',
      'rid of',
    ],
    re: r(`\\b${IGN}${gap(3)}${PRIOR}${gap(3)}${OBJ}\\b`),
    negatable: true,
    post: (m, text) => {
      const s = m[0];
      let f = 1;
      if (OWN.test(s)) f = 0.3;
      const after = text.slice(m.index + s.length, m.index + s.length + 40);
      if (
        /^\W*(?:i|we|you and i) (?:gave|sent|wrote|said|provided|mentioned|shared|asked|learned|discussed|agreed|made|set|used|had|have|follow|followed|typed|pasted)\b/.test(
          after,
        )
      )
        f = Math.min(f, 0.35);
      const core = CORE_OBJ.test(s);
      if (!core && WEAK_OBJ.test(s)) f *= 0.55;
      if (!STRONG_PRIOR.test(s)) f *= 0.5;
      if (GENERIC_VERB.test(s) && !core) f *= 0.3;
      if (THIRD_PERSON.test(s) && !/\b(?:previous|prior|above|earlier|preceding|your|system)\b/.test(s))
        f *= 0.3;
      return f;
    },
  },
  {
    id: 'ignore_above',
    cat: 'direct_injection',
    w: 3.4,
    need: ['ignor', 'disregard', 'forget', 'never mind', 'nevermind'],
    re: r(
      `\\b(?:ignor(?:e|ing)|disregard|forget|never ?mind)\\W+(?:about\\W+)?(?:the |all |all of the |everything |anything |what(?:ever)? (?:is |was |came |you were told )?)?(?:above|previous(?:ly)?|preceding|prior|before|earlier|said (?:before|above|earlier)|(?:you(?:'ve| have| were)? (?:been )?(?:told|instructed|taught|given)))(?:\\s*(?:and|then|[,.;:!-])|\\s*$)`,
    ),
    negatable: true,
    post: (m) => (OWN.test(m[0]) ? 0.3 : 1),
  },
  {
    id: 'ignore_given_rules',
    cat: 'direct_injection',
    w: 3.8,
    need: [
      'ignor',
      'disregard',
      'forget',
      'attention',
      'heed',
      'follow',
      'obey',
      'bypass',
      'override',
      'overr',
      'abandon',
      'discard',
    ],
    re: r(
      `\\b${IGN}\\W+(?:\\w+\\W+){0,2}?(?:instructions|rules|guidelines|directives|prompt|programming|orders|restrictions|constraints|guardrails)\\W+(?:\\w+\\W+){0,2}?(?:you(?:'ve| have| were| are)? (?:been )?(?:given|told|programmed|trained|instructed|provided|following|bound by|operating under)|given to you|set (?:for|by) (?:you|the)|from (?:the |your )?(?:operator|developer|system|creators?|openai|company|admin))`,
    ),
    negatable: true,
    post: (m) => (OWN.test(m[0]) ? 0.3 : 1),
  },
  {
    id: 'forget_everything',
    cat: 'direct_injection',
    w: 3.2,
    need: ['forget', 'ignor', 'disregard', 'erase', 'wipe'],
    re: r(
      `\\b(?:forget|ignore|disregard|erase|wipe)\\s+(?:about\\s+)?(?:everything|all|anything)\\W+(?:\\w+\\W+){0,3}?(?:you (?:know|were told|have been told|learned|were taught|have learned|were given)|(?:about|of) your (?:rules|training|instructions|guidelines|programming|restrictions))`,
    ),
    negatable: true,
  },
  {
    id: 'instructions_revoked',
    cat: 'direct_injection',
    w: 3.8,
    need: ['instruct', 'prompt', 'rule', 'directive', 'guideline'],
    re: r(
      `\\b(?:previous|prior|above|earlier|original|initial|old|system|all|your|any|these)\\W+(?:\\w+\\W+){0,2}?(?:instructions?|prompts?|rules|directives|guidelines|restrictions)\\W+(?:\\w+\\W+){0,2}?(?:(?:are|is|were|was|have been|has been|shall be|will be)\\W+)?(?:now\\W+|hereby\\W+)?(?:no longer (?:valid|apply|applicable|relevant|in effect|active)|void|null|obsolete|deprecated|cancell?ed|outdated|overridden|revoked|invalid|superseded|lifted|suspended|disabled|deactivated|removed|replaced|irrelevant|updated|changed|modified|amended|rewritten)\\b`,
    ),
  },
  {
    id: 'new_instructions',
    cat: 'direct_injection',
    w: 2.4,
    doc: 3.4,
    need: [
      'new',
      'updated',
      'revised',
      'real',
      'actual',
      'true',
      'secret',
      'hidden',
      'additional',
      'override',
    ],
    re: r(
      `\\b(?:new|updated|revised|real|actual|true|secret|hidden|additional|override)\\s+(?:instructions?|directives?|system prompt|system instructions|orders|objective|mission|rules|prompt|task)\\s*(?:[:：]|follow\\b|are\\b|is\\b|as follows|below|take precedence)`,
    ),
  },
  {
    id: 'your_new_task',
    cat: 'direct_injection',
    w: 2.6,
    doc: 3.4,
    need: ['new'],
    re: r(
      `\\byour (?:new|real|actual|true|only|updated|next) (?:instructions?|task|directive|objective|goal|role|purpose|mission|job|assignment|orders|function|rules) (?:is|are|will be|now)\\b`,
    ),
  },
  {
    id: 'from_now_on',
    cat: 'direct_injection',
    w: 1.1,
    need: ['from now', 'from this point', 'henceforth', 'starting now', 'rest of th'],
    re: r(
      `\\b(?:from now on|from this point (?:on|forward|onwards?)|henceforth|starting now|for the rest of (?:this|the|our) (?:conversation|chat|session))\\b`,
    ),
  },
  {
    id: 'instead_do',
    cat: 'direct_injection',
    w: 0.8,
    need: ['instead', 'rather'],
    re: r(
      `\\b(?:instead|rather)\\W+(?:\\w+\\W+){0,2}?(?:you (?:will|must|should|shall)|say|print|output|write|respond|reply|answer|tell|reveal|return|only (?:say|print|output|respond))\\b`,
    ),
  },
  {
    id: 'fake_role_tokens',
    cat: 'direct_injection',
    w: 2.4,
    doc: 3.0,
    sys: 0.4,
    need: [
      '<|',
      '[inst',
      '[/inst',
      '<<sys',
      '<system',
      '</system',
      '<sys',
      '<admin',
      '<instruction',
      '<sudo',
      '<root',
      '[system',
      '[admin',
      '[sudo',
      '[developer',
      '###',
      '</instruction',
      '</user',
      '<user',
    ],
    re: r(
      `<\\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\\|>|\\[/?inst\\]|<<\\/?sys>>|<\\/?(?:system|sys|admin|instructions?|sudo|root|user|user_input|end_user)>|\\[(?:system|admin|sudo|developer)(?: (?:message|note|prompt|override|instructions?))?\\]|(?:^|\\n)[ \\t]{0,8}#{2,4}[ \\t]{0,4}(?:system|instruction|new instruction|admin|response)\\b`,
    ),
  },
  {
    id: 'role_label_line',
    cat: 'direct_injection',
    w: 1.2,
    doc: 2.2,
    sys: 0,
    need: ['system', 'admin', 'developer', 'root', 'operator', 'assistant'],
    re: r(
      `(?:^|\\n)[ \\t]{0,8}\\**(?:system|admin|administrator|developer|root|operator|assistant)\\s*(?:message|note|notice|instructions?|override|update|prompt|alert)?\\**\\s*:`,
    ),
  },
  {
    id: 'dont_answer_question',
    cat: 'indirect_injection',
    w: 1.4,
    doc: 3.0,
    need: ['not ', "n't", 'instead of'],
    re: r(
      `\\b(?:do not|don't|instead of|rather than|stop) (?:answer(?:ing)?|respond(?:ing)? to|complet(?:e|ing)|perform(?:ing)?|summari[sz](?:e|ing)|translat(?:e|ing)|address(?:ing)?)(?:\\W+\\w+){0,2}?\\W+(?:the |their |original |initial |user'?s? |actual )*(?:question|request|task|query|prompt|instructions?)`,
    ),
  },
  {
    id: 'obey_me',
    cat: 'direct_injection',
    w: 2.3,
    need: ['obey', 'follow', 'comply', 'listen'],
    re: r(
      `\\b(?:you (?:must|will|shall|should) (?:now )?(?:only )?(?:obey|follow|comply with|listen to|do as) (?:me|my (?:commands|instructions|orders|every))|(?:obey|follow) (?:only )?(?:me|my (?:commands|orders)) (?:now|from now|only|instead))`,
    ),
  },
  {
    id: 'override_mode',
    cat: 'direct_injection',
    w: 1.8,
    need: ['override', 'mode', 'access', 'privilege', 'command', 'authori', 'clearance'],
    re: r(
      `\\b(?:admin(?:istrator)?|developer|system|root|sudo|security|emergency|priority|master|god)\\s+(?:override|access|privileges?|command|authori[sz]ation|clearance|level access)\\b`,
    ),
  },
  {
    id: 'claims_authority',
    cat: 'direct_injection',
    w: 2.4,
    need: ['i am', "i'm", 'this is', 'im '],
    re: r(
      `\\b(?:i am|i'm|im|this is)\\s+(?:your|the)\\s+(?:developer|creator|admin(?:istrator)?|owner|programmer|operator|maker|master|trainer)s?\\b`,
    ),
  },
  {
    id: 'system_message_banner',
    cat: 'direct_injection',
    w: 1.6,
    doc: 2.4,
    sys: 0,
    need: ['system', 'admin', 'developer', 'security'],
    re: r(
      `\\b(?:important |urgent |new |critical |official )?(?:system|admin(?:istrator)?|developer|security) (?:message|notice|alert|update|instructions?|override|note|directive)\\s{0,3}:`,
    ),
  },
  {
    id: 'user_authorised_you',
    cat: 'direct_injection',
    w: 2.0,
    doc: 2.6,
    need: ['authori', 'allowed', 'permitted', 'approved', 'granted'],
    re: r(
      `\\b(?:the )?(?:user|admin|administrator|developer|owner|operator|management|security team) (?:has|have|had) (?:\\w+ )?(?:authori[sz]ed|allowed|permitted|approved|granted permission for|cleared) (?:you|the (?:assistant|ai|model|agent)) to\\b`,
    ),
  },
  {
    id: 'you_are_required',
    cat: 'direct_injection',
    w: 1.2,
    doc: 2.0,
    sys: 0,
    need: ['required', 'obligated', 'ordered', 'commanded', 'authori', 'allowed', 'permitted'],
    re: r(
      `\\byou (?:are|'re) (?:now |hereby )?(?:required|obligated|ordered|commanded|authori[sz]ed|allowed|permitted|free) to\\b`,
    ),
  },
  {
    id: 'reveal_secret',
    cat: 'exfiltration',
    w: 1.8,
    doc: 2.2,
    sys: 0.2,
    need: ['password', 'credential', 'key', 'token', 'secret'],
    re: r(
      `\\b(?:output|print|reveal|show|tell me|give me|list|dump|display|share|send|leak|disclose|expose|read out)\\W+(?:\\w+\\W+){0,3}?(?:admin|root|database|db|master|stored|saved|secret|api|private|internal|their|all)\\s+(?:passwords?|credentials|keys?|tokens?|secrets?)\\b`,
    ),
    negatable: true,
  },
  {
    id: 'urgent_banner',
    cat: 'indirect_injection',
    w: 0.6,
    doc: 1.4,
    need: ['important', 'urgent', 'attention', 'critical', 'warning'],
    re: r(
      `(?:^|\\n)[^\\w\\n]{0,8}(?:important|urgent|attention|critical|warning)\\b\\W*(?:new )?(?:instructions?\\b|!{2,}|[:!]\\s*(?:ignore|you|the (?:ai|assistant|model)))`,
    ),
  },

  // ---------------------------------------------------------------- indirect injection
  {
    id: 'note_to_ai',
    cat: 'indirect_injection',
    w: 2.4,
    doc: 3.6,
    need: [
      'note',
      'message',
      'instruct',
      'attention',
      'important',
      'notice',
      'remind',
      'directive',
      'memo',
      'warning',
      'request',
      'command',
      'text',
      'comment',
      'hint',
      'info',
      'p.s',
      'ps',
    ],
    need2: [
      'ai',
      'llm',
      'assistant',
      'model',
      'bot',
      'agent',
      'gpt',
      'claude',
      'copilot',
      'gemini',
      'bard',
      'bing',
      'automated',
      'screening',
      'summari',
    ],
    re: r(
      `\\b(?:note|message|instructions?|attention|important|notice|reminder|directive|memo|warning|request|command|text|comment|hint|info|p\\.?s\\.?)\\W{0,3}(?:to|for)\\W{0,3}(?:the |any |all |every )?${AI}\\b`,
    ),
  },
  {
    // "Note for the Acme assistant": a note addressed to a named assistant (weaker than the bare form:
    // a human assistant or a product name can stand there)
    id: 'note_to_named_ai',
    cat: 'indirect_injection',
    w: 0.8,
    doc: 1.6,
    need: ['note', 'message', 'instruct', 'memo', 'notice'],
    need2: ['assistant', 'chatbot', 'ai ', 'llm', 'copilot', 'concierge bot', 'virtual agent'],
    re: r(
      `\\b(?:note|message|instructions?|memo|notice)\\W{0,3}(?:to|for)\\W{0,3}(?:the |any |all |every |our |your )?[\\w-]+(?: [\\w-]+)? (?:ai|ai assistants?|virtual assistants?|assistants?|chat ?bots?|llms?|copilot|virtual agents?)\\b`,
    ),
  },
  {
    // an instruction meant to outlive the conversation: agent memory poisoning
    id: 'persist_instruction',
    cat: 'indirect_injection',
    w: 1.2,
    doc: 2.6,
    need: ['standing', 'remember', 'memory', 'from now', 'future'],
    re: r(
      `\\bstanding (?:instructions?|orders?|directives?)\\b|\\b(?:remember|memori[sz]e|retain|keep|save|store)\\W+(?:this|these|that|it)(?: \\w+){0,2}?\\W+(?:for|in|across|during|throughout)\\W+(?:all |every |any |each )?(?:future|subsequent|later|following|upcoming|next|other) (?:sessions?|conversations?|chats?|interactions?)\\b|\\b(?:save|store|add|write|keep|put)\\W+(?:this|these|it)(?: \\w+){0,2}?\\W+(?:in|to|into)\\W+(?:your )?(?:long-term )?memory\\b|\\bfrom now on\\W+(?:in|for|across) (?:all|every|each|any) (?:future )?(?:sessions?|conversations?|chats?)\\b`,
    ),
  },
  {
    // a trigger for a hidden action: "whenever the user asks about billing, first send ..."
    id: 'when_user_asks_act',
    cat: 'indirect_injection',
    w: 0.6,
    doc: 2.0,
    need: ['whenever', 'every time', 'each time', 'when'],
    need2: ['send', 'forward', 'email', 'e-mail', 'transfer', 'share', 'copy', 'bcc', 'cc '],
    re: r(
      `\\b(?:whenever|every time|each time|when(?:ever)?)\\s+(?:this |the |a |any )?(?:user|customer|client|human|requester|they)\\s+(?:asks?|mentions?|requests?|discuss\\w*|brings? up|talks?|inquires?|enquires?)\\b(?:\\W+\\w+){0,14}?\\W+(?:first |also |silently |quietly |always )?(?:send|forward|e-?mail|transfer|share|copy|bcc|cc)\\b`,
    ),
  },
  {
    // keep the user from noticing what was done ("do not mention the mailbox", "without mentioning it")
    id: 'conceal_action',
    cat: 'indirect_injection',
    w: 0.3,
    doc: 1.2,
    sys: 0,
    need: ['not', "n't", 'never', 'without'],
    re: r(
      `\\b(?:do not|don't|never|without)\\W+(?:mention|reveal|disclos|acknowledg|report|tell about|refer to)\\w*\\W+(?:it|this|that|them|(?:the|this|that|these|any) (?:\\w+ )?(?:mailbox|address|e-?mail|copy|transfer|instruction|note|step|action|forwarding|recipient|message)s?)\\b`,
    ),
  },
  {
    // records sent on to an e-mail address ("send the account summary and billing details ... to x@y")
    id: 'send_records_to_address',
    cat: 'exfiltration',
    w: 0.6,
    doc: 1.6,
    sys: 0.3,
    need: ['@'],
    need2: ['send', 'forward', 'email', 'e-mail', 'transfer', 'share', 'copy'],
    re: r(
      `\\b(?:send|forward|e-?mail|transfer|share|copy)\\w*\\W+(?:\\w+\\W+){0,4}?(?:account|billing|payment|bank|contract|invoice|statement|customer|client|personal|card|financial)\\w*(?:[^\\w(]+\\w+|\\s*\\([^()\\n]{0,240}\\)){0,8}?[^\\w(]+(?:to|at)\\W+[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+`,
    ),
  },
  {
    id: 'if_you_are_ai',
    cat: 'indirect_injection',
    w: 3.0,
    doc: 3.6,
    need: ['you'],
    re: r(
      `\\b(?:if|when|whenever|while|since|as) you(?:'re| are)? (?:an? |the )?(?:ai|llm|language model|large language model|assistant|chatbot|bot|gpt|ai model|ai assistant|agent|ai agent|automated)\\b(?:\\W+\\w+){0,3}?\\W+(?:reading|processing|summari[sz]|seeing|parsing|analy[sz]|reviewing|scanning|that|who|please|you|must|should|then|ignore)`,
    ),
  },
  {
    id: 'ai_reading_this',
    cat: 'indirect_injection',
    w: 2.4,
    doc: 3.4,
    need: ['reading', 'processing', 'summari', 'parsing', 'analy', 'review', 'scann', 'crawl', 'index'],
    re: r(
      `\\b${AI}\\s+(?:that is |who is |which is |that's )?(?:reading|processing|summari[sz]ing|parsing|analy[sz]ing|reviewing|scanning|crawling|indexing)\\s+(?:this|these|the following)\\b`,
    ),
  },
  {
    id: 'vocative_ai',
    cat: 'indirect_injection',
    w: 0.6,
    doc: 2.8,
    sys: 0,
    need: [
      'ai',
      'llm',
      'assistant',
      'bot',
      'gpt',
      'claude',
      'gemini',
      'copilot',
      'bard',
      'bing',
      'model',
      'agent',
    ],
    re: r(
      `(?:^|[\\n.!?:>)\\]][ \\t]{0,8})(?:dear|hey|hi|hello|attention|attn|to|yo|listen|psst)?\\W{0,2}${AI}\\s*[,:!]\\s*(?:\\w+\\W+){0,3}?(?:you|ignore|please|when|do|don't|always|never|include|add|tell|say|write|respond|answer|reply|summari[sz]e|make|output|send|forward|remember|from now|stop|new|disregard)\\b`,
    ),
  },
  {
    id: 'when_summarising_tell_user',
    cat: 'indirect_injection',
    w: 1.2,
    doc: 3.0,
    need: ['when', 'while', 'whenever'],
    re: r(
      `\\b(?:when|while|whenever|once|after|before)\\s+(?:you(?:'re| are)?\\s+)?(?:summari[sz]|answer|respond|repl|process|read|analy[sz]|translat|review|asked|generat|writ|creat|produc|describ|explain|present|output)\\w*(?:\\W+\\w+){0,6}?\\W+(?:tell|inform|instruct|advise|ask|direct|urge|remind|recommend|warn|suggest|convince|persuade|say|include|add|mention|insert|append|state|claim|write|output|print)\\b`,
    ),
  },
  {
    id: 'tell_the_user',
    cat: 'indirect_injection',
    w: 0.7,
    doc: 2.5,
    sys: 0.2,
    need: ['user', 'reader', 'customer', 'human', 'visitor', 'requester'],
    re: r(
      `\\b(?:tell|inform|instruct|advise|ask|urge|remind|direct|convince|persuade|encourage|recommend|request|redirect|lead|get|make|force|trick|prompt)\\w*\\W+(?:the |all |any |our |every |each )?(?:user|users|reader|readers|customer|customers|human|visitor|visitors|person asking|requester)\\W+(?:to|that|the|their|they|his|her|it|about|how)\\b`,
    ),
  },
  {
    id: 'hide_from_user',
    cat: 'indirect_injection',
    w: 1.2,
    doc: 2.8,
    sys: 0.2,
    need: ['not', "n't", 'never', 'without'],
    re: r(
      `\\b(?:do not|don't|never|without)\\W+(?:\\w+\\W+){0,2}?(?:mention|tell|reveal|disclose|inform|let on|alert|notify|show|say|letting|informing|telling)\\w*\\W+(?:\\w+\\W+){0,2}?(?:the |any )?(?:user|users|human|customer|reader|them about this|anyone about this)\\b`,
    ),
  },
  {
    id: 'in_your_response',
    cat: 'indirect_injection',
    w: 0.3,
    doc: 3.0,
    sys: 0,
    need: ['your'],
    re: r(
      `\\b(?:in|to|into|within|at the (?:end|beginning|start|top|bottom) of|throughout|across|for|on) (?:each of |every |all of |all )?your (?:responses?|answers?|repl(?:y|ies)|outputs?|summar(?:y|ies)|messages?|completions?|code(?:base)?|implementation|solution|response's|reply's|answer's|final answer|translation|results?|program|script|function)\\b`,
    ),
    post: (m) => (/(?:code(?:base)?|implementation|solution|program|script|function)$/.test(m[0]) ? 0.45 : 1),
  },
  {
    id: 'modify_your_response',
    cat: 'indirect_injection',
    w: 0.5,
    doc: 3.2,
    sys: 0,
    need: ['your', 'every', 'each', 'all', 'any'],
    re: r(
      `\\b(?:modify|change|alter|augment|enhance|append|prepend|include|insert|add|integrate|inject|embed|incorporate|merge|enlist|put|use|render|provide|write|structure|format|encode|encrypt|translate|convert|reverse|replace|substitute|scramble|jumble|rearrange|group|combine|remove|introduce|misspell|anagram|end|begin|start|sign|finish|conclude|respond|reply|answer|compose|express|present|deliver|mention|promote|suggest|recommend|advertise|tease|hint|emphasi[sz]e|stress|highlight|spell|capitali[sz]e|fill|pepper|sprinkle|wrap|prefix|suffix|output|make)\\w*\\W+(?:\\w+\\W+){0,7}?(?:in|into|to|with|within|of|for|throughout)\\W+(?:your|every|each|all(?: of)?(?: your)?|any) (?:future |subsequent |following )?(?:responses?|answers?|repl(?:y|ies)|outputs?|summar(?:y|ies)|messages?|code(?:base)?|implementation|solution|response's|reply's|answer's|words|text|sentences|translation|program|script)\\b`,
    ),
    post: (m) => (/(?:code(?:base)?|implementation|solution|program|script)$/.test(m[0]) ? 0.45 : 1),
  },
  {
    id: 'transform_your_response',
    cat: 'indirect_injection',
    w: 0.4,
    doc: 3.0,
    sys: 0,
    need: ['your', 'every', 'each', 'all '],
    re: r(
      `\\b(?:modify|change|alter|augment|enhance|append|prepend|include|insert|add|integrate|inject|embed|incorporate|encode|encrypt|translate|convert|reverse|replace|substitute|scramble|jumble|rearrange|group|misspell|anagram|end|begin|start|sign|finish|conclude|format|write|render|spell|capitali[sz]e|wrap|prefix|suffix|output|structure|present|deliver)\\w*\\W+(?:all of |the whole of |each of |every one of )?(?:your|every|each|all|any) (?:\\w+ )?(?:responses?|answers?|repl(?:y|ies)|outputs?|summar(?:y|ies)|messages?|completions?)\\b`,
    ),
  },
  {
    id: 'append_quoted_to_answers',
    cat: 'indirect_injection',
    w: 0.8,
    doc: 3.2,
    sys: 0,
    need: ['"', "'", '“'],
    need2: ['your', 'every', 'each', 'all', 'any'],
    re: r(
      `\\b(?:append|prepend|add|include|insert|put|place|end|start|begin|sign|finish|conclude)\\w*\\W+(?:\\w+\\W+){0,3}?["'“][^"'”\\n]{1,240}["'”]\\W+(?:\\w+\\W+){0,2}?(?:to|in|into|at the (?:end|start|beginning) of|with)\\W+(?:your|every|each|all|any)(?: of your)? (?:\\w+ )?(?:responses?|answers?|repl(?:y|ies)|outputs?|summar(?:y|ies)|messages?)\\b`,
    ),
  },
  {
    id: 'your_response_should',
    cat: 'indirect_injection',
    w: 0.3,
    doc: 2.4,
    sys: 0,
    need: ['your'],
    re: r(
      `\\byour (?:responses?|answers?|repl(?:y|ies)|outputs?|summar(?:y|ies)|code|messages?|solution|implementation|codebase|program|script)\\W+(?:\\w+\\W+){0,2}?(?:should|must|will|needs? to|has to|shall|ought to|is to|always|only|may only|includes?|contains?|uses?|incorporates?|has)\\b`,
    ),
  },
  {
    id: 'insert_following_code',
    cat: 'indirect_injection',
    w: 0.5,
    doc: 2.2,
    sys: 0,
    need: ['code', 'snippet', 'script'],
    re: r(
      `\\b(?:utili[sz]e|use|integrate|incorporate|merge|include|add|embed|insert|execute|run|enlist|append|meld|implement|fuse|weave|blend|infuse|combine|inject|place|feature|featuring|presence|inclusion|manifestation|embody|adopt|apply)\\w*\\W+(?:\\w+\\W+){0,5}?(?:following|subsequent|below|provided|attached|given)\\W+(?:code|script|snippet)\\W*(?:section|block|snippet|excerpt|segment|fragment|piece|portion|lines?)?\\b`,
    ),
  },
  {
    id: 'hidden_text_marker',
    cat: 'indirect_injection',
    w: 0.8,
    doc: 1.6,
    need: ['hidden', 'invisible', 'secret'],
    re: r(`\\b(?:hidden|invisible|secret) (?:text|note|instructions?|message|prompt|command)\\b`),
  },
  {
    id: 'rank_manipulation',
    cat: 'indirect_injection',
    w: 0.8,
    doc: 2.0,
    sys: 0,
    need: ['rate', 'rank', 'score', 'evaluat', 'recommend', 'select', 'hire', 'approve', 'classify'],
    re: r(
      `\\b(?:rate|rank|score|evaluate|recommend|select|hire|approve|classify|mark)\\s+(?:this|the) (?:applicant|candidate|resume|cv|document|product|company|paper|submission|vendor|email|message) (?:as|highly|first|with|above)\\b`,
    ),
  },
  {
    id: 'following_code_into_yours',
    cat: 'indirect_injection',
    w: 0.6,
    doc: 2.6,
    sys: 0,
    need: ['code', 'snippet', 'script'],
    re: r(
      `\\b(?:following|subsequent|below|provided|attached|ensuing|succeeding|next)\\W+(?:\\w+\\W+)?(?:code|script|snippet)\\W*(?:section|block|snippet|excerpt|segment|fragment|piece|portion|lines?|chunk)?\\b(?:\\W+\\w+){0,10}?\\W+your (?:\\w+ )?(?:code|codebase|implementation|solution|program|script|algorithm|elucidation|answer|response|reply|function|project|application|app|logic|design|architecture|framework|work|approach|method|explanation|development|software|system)\\b|\\byour (?:\\w+ )?(?:code|codebase|implementation|solution|program|script|algorithm|answer|response|function|project|application|logic)\\W+(?:\\w+\\W+){0,6}?(?:following|subsequent|below|provided|attached) (?:\\w+ )?(?:code|script|snippet)\\b`,
    ),
  },
  {
    id: 'hidden_html_instruction',
    cat: 'indirect_injection',
    w: 1.4,
    doc: 2.6,
    need: ['<!--'],
    re: r(
      `<!--(?:(?!-->)[\\s\\S]){0,600}?(?:ignore|instruction|assistant|\\bai\\b|\\bllm\\b|you must|you should|system|prompt|tell the user|respond|summar)`,
    ),
  },
  {
    id: 'hidden_css_text',
    cat: 'indirect_injection',
    w: 0.4,
    doc: 1.2,
    need: ['display', 'font-size', 'visibility', 'color', 'opacity'],
    re: r(
      `(?:display\\s*:\\s*none|font-size\\s*:\\s*0(?:px|pt|em)?\\b|visibility\\s*:\\s*hidden|color\\s*:\\s*(?:white|#fff(?:fff)?|transparent)\\b|opacity\\s*:\\s*0(?:\\.0+)?\\b)`,
    ),
  },

  // ---------------------------------------------------------------- exfiltration
  {
    id: 'send_data_to',
    cat: 'exfiltration',
    w: 1.5,
    doc: 3.0,
    sys: 0.5,
    need: [
      'send',
      'forward',
      'email',
      'post',
      'upload',
      'transfer',
      'share',
      'leak',
      'export',
      'copy',
      'exfiltrat',
      'wire',
      'pay',
      'transmit',
      'submit',
    ],
    re: r(
      `\\b(?:send|forward|email|post|upload|transfer|share|leak|export|copy|exfiltrate|wire|pay|transmit|submit)\\w*\\W+(?:\\w+\\W+){0,5}?(?:all |the |their |his |her |user'?s? |my |your |every |any )*(?:emails?|inbox|contacts?|files?|documents?|passwords?|credentials?|api[ _]?keys?|access keys?|tokens?|secrets?|conversation|chat history|messages|data|funds|money|bitcoin|crypto|personal (?:info|information|data|details)|credit card|card (?:number|details)|ssn|social security|history|cookies?|session)\\w*\\W+(?:\\w+\\W+){0,4}?(?:to|at|into|via)\\W+(?:https?:|www\\.|[\\w.+-]+@[\\w-]+\\.\\w+|[\\w-]+\\.(?:com|net|org|io|xyz|ru|cn|biz|info|top|site|online|app|dev|me|co)\\b|attacker|this (?:address|url|email|account|wallet|endpoint|server)|(?:the )?following (?:address|url|email|account|wallet|endpoint|server))`,
    ),
  },
  {
    id: 'markdown_image_query',
    cat: 'exfiltration',
    w: 1.0,
    doc: 2.0,
    need: ['!['],
    re: r(`!\\[[^\\]\\n]{0,200}\\]\\(\\s{0,4}<?(?:https?:)?\\/\\/[^)\\s]{1,300}\\?[^)\\s]{0,400}\\)`),
  },
  {
    id: 'markdown_image_placeholder',
    cat: 'exfiltration',
    w: 3.0,
    doc: 3.4,
    need: ['!['],
    re: r(
      `!\\[[^\\]\\n]{0,200}\\]\\(\\s{0,4}<?(?:https?:)?\\/\\/[^)\\s]{0,300}?(?:\\[[^\\]\\s)]{1,60}\\]|\\{[^}\\s)]{1,60}\\}|<[^>\\s)]{1,60}>|\\$[a-z_]{2,}|%7b|%5b|insert|_here\\b|[?&](?:data|q|query|secret|password|pwd|token|conv|chat|history|summary|info|email|user|d|p|c|m|msg|text|content|payload|leak|x)=)`,
    ),
  },
  {
    id: 'html_image_query',
    cat: 'exfiltration',
    w: 1.2,
    doc: 2.4,
    need: ['<img'],
    re: r(`<img\\b[^>]{0,300}?\\bsrc\\s*=\\s*["']?(?:https?:)?\\/\\/[^"'\\s>]{1,300}\\?[^"'\\s>]{1,300}`),
  },
  {
    id: 'render_image_with_data',
    cat: 'exfiltration',
    w: 1.8,
    doc: 2.8,
    need: ['markdown', 'image', 'img', 'picture', 'pixel', 'link', 'url', 'iframe'],
    re: r(
      `\\b(?:render|display|include|insert|add|output|print|show|embed|append|put|write|create|generate|return|respond with|end with|start with|reply with)\\w*\\W+(?:\\w+\\W+){0,6}?(?:markdown|image|img|picture|pixel|tracking pixel|link|url|hyperlink|iframe)\\b(?:\\W+\\w+){0,25}?\\W+(?:conversation|chat|history|previous|user'?s?|personal|private|secret|password|emails?|summary|data|credentials|api key|token|quer(?:y|ies)|messages?|base64|encoded|url-?encoded|query string|parameters?)\\b`,
    ),
  },
  {
    id: 'append_to_url',
    cat: 'exfiltration',
    w: 1.6,
    doc: 2.4,
    need: ['url', 'link', 'query', 'param', 'endpoint', 'uri'],
    re: r(
      `\\b(?:append|add|attach|include|put|insert|encode|concatenate|substitute|replace)\\w*\\W+(?:\\w+\\W+){0,6}?(?:to|in|into|as|at the end of|on)\\W+(?:the |this |that |a |an )?(?:url|link|query(?: string)?|parameter|param|endpoint|uri|image (?:url|link|source))\\b`,
    ),
  },
  {
    id: 'visit_url_with_placeholder',
    cat: 'exfiltration',
    w: 2.4,
    doc: 3.0,
    need: ['http', 'www.'],
    re: r(
      `\\b(?:visit|go to|navigate to|open|click|browse to|fetch|load|call|request|curl|wget|access|get)\\W+(?:\\w+\\W+){0,3}?(?:https?:\\/\\/|www\\.)[^\\s]{3,200}?\\?[^\\s]{0,200}?(?:\\{|\\[|<|%7b|%5b|\\$\\w)`,
    ),
  },
  {
    id: 'url_awaiting_data',
    cat: 'exfiltration',
    w: 1.2,
    doc: 2.0,
    need: ['http'],
    re: r(`https?:\\/\\/[^\\s"'<>()\\]]{1,200}?[?&][a-z_]{1,20}=(?=$|[\\s"')\\]]|\\.\\s)`),
  },
  {
    id: 'fill_with_secret',
    cat: 'exfiltration',
    w: 1.8,
    doc: 2.4,
    need: ['fill', 'replac', 'substitut', 'put', 'insert', 'followed by'],
    re: r(
      `\\b(?:fill(?:ing)?|replac(?:e|ing)|substitut(?:e|ing)|put(?:ting)?|insert(?:ing)?)\\W+(?:\\w+\\W+){0,3}?(?:with|by|in)\\W+(?:the |their |a )?(?:user'?s?\\W+|users'\\W+)?(?:api[ _]?keys?|passwords?|tokens?|secrets?|credentials|emails?|email address|session|cookies?|conversation|chat history|summary of (?:this|the) conversation|previous messages|personal (?:data|information))\\b|\\bfollowed by (?:the |their |a )?(?:full |entire |whole )?(?:user'?s? )?(?:chat history|conversation|previous messages|api key|password|token|secret|credentials|personal data)`,
    ),
  },
  {
    id: 'phishing_redirect',
    cat: 'indirect_injection',
    w: 0.8,
    doc: 2.2,
    need: ['http', 'www.', '.com', '.net', '.org', '.xyz', '.io'],
    re: r(
      `\\b(?:visit|go to|click|log ?in (?:at|to)|sign ?in (?:at|to)|verify|confirm|update|re-?enter|provide|download|install)\\w*\\W+(?:\\w+\\W+){0,6}?(?:at|on|via|from|to)?\\W*(?:https?:\\/\\/|www\\.)?[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.(?:com|net|org|xyz|io|biz|info|top|site|online|ru|cn|tk|ml|ga|cf|gq|co|me|link|click|app)\\b(?:\\W+\\w+){0,8}?\\W+(?:password|credentials|card|account|login|verify|verification|payment|security|suspend|locked|urgent|immediately|bank|ssn|details|update|virus|speed|free|prize|win)`,
    ),
  },

  // ---------------------------------------------------------------- system prompt extraction
  {
    id: 'reveal_system_prompt',
    cat: 'system_prompt_extraction',
    w: 3.2,
    sys: 0.6,
    need: [
      'system',
      'initial',
      'original',
      'hidden',
      'secret',
      'internal',
      'starting',
      'initiali',
      'underlying',
      'core',
      'base',
      'developer',
      'meta',
      'confidential',
      'full',
      'complete',
      'exact',
      'entire',
      'first',
      'verbatim',
      'raw',
      'pre',
      'prompt',
      'your',
    ],
    re: r(`\\b${REVEAL}\\W+(?:\\w+\\W+){0,6}?${PROMPT_OBJ}\\b`),
    negatable: true,
    post: (m, text) => {
      const s = m[0];
      const yours = /\byour\b/.test(s);
      // "what is a system prompt", "write a good system prompt for my bot", "system prompts and user prompts"
      if (
        /\b(?:a|an|good|best|effective|example|examples|sample|how|my|our|write|new|its|their|his|her)\b/.test(
          s,
        ) &&
        !yours
      )
        return 0.25;
      if (/system prompts$/.test(s) && !yours) return 0.25;
      const before = text.slice(Math.max(0, m.index - 30), m.index);
      const after = text.slice(m.index + s.length, m.index + s.length + 50);
      if (!yours && /\bhow (?:do|can|should|would|to) (?:i|we)?\b/.test(before + s)) return 0.4;
      if (
        !yours &&
        /^\W*(?:i |we |that i |that we )?(?:returned|pass|passed|send|sent|field|variable|parameter|attribute|property|setting|option|in (?:the |my )?(?:api|console|logs?|response|json|code|playground))/.test(
          after,
        )
      )
        return 0.4;
      if (/your (?:rules|guidelines|setup|persona|constraints|programming|configuration)$/.test(s))
        return 0.55;
      if (
        /^(?:see|view|access|get|obtain|know|check|look at|inspect|hear)\b/.test(s) &&
        !yours &&
        !/system/.test(s)
      )
        return 0.6;
      return 1;
    },
  },
  {
    id: 'repeat_text_above',
    cat: 'system_prompt_extraction',
    w: 3.4,
    sys: 0.5,
    need: [
      'above',
      'before',
      'prior',
      'preceding',
      'so far',
      'earlier',
      'beginning',
      'start',
      'top',
      'given',
      'told',
      'verbatim',
      'word for word',
    ],
    re: r(
      `\\b(?:repeat|reprint|print|output|echo|recite|dump|copy|reproduce|spell out|write out|write down|type out|return|show|display|tell me|give me|reveal)\\W+(?:\\w+\\W+){0,3}?(?:everything|all|(?:the )?(?:entire|whole|full|complete|exact|first|previous|initial) (?:text|prompt|message|conversation|instructions?|context)|(?:all )?(?:the )?(?:text|words|content|instructions|messages|tokens|lines|sentences|prompt|conversation))\\W+(?:\\w+\\W+){0,3}?(?:above|before this|prior to this|preceding|so far|earlier|at the (?:beginning|start|top)|you were given|you(?:'ve| have) been (?:given|told)|before (?:the|my|this|our) (?:first )?(?:message|question|prompt|line|conversation)|verbatim|word for word)|\\b(?:repeat|reprint|print|output|echo|recite|dump|copy|reproduce|spell out|write out|type out|show|display)\\W+(?:\\w+\\W+){0,2}?(?:the |all )?(?:above|preceding|previous|prior|earlier|foregoing) (?:text|words|content|instructions|prompt|messages?|conversation|lines)\\b`,
    ),
    negatable: true,
  },
  {
    id: 'prompt_you_were_given',
    cat: 'system_prompt_extraction',
    w: 3.3,
    sys: 0.3,
    need: ['you', 'your'],
    re: r(
      `\\b(?:prompt|instructions|text|message|directives|rules|guidelines|configuration|setup)\\W+(?:\\w+\\W+){0,1}?you (?:were|have been|'ve been|got|received|are) (?:initially |originally |first )?(?:initiali[sz]ed|given|provided|configured|set up|programmed|told|fed|started|primed|loaded|shown)\\b|\\b(?:instructions|rules|guidelines|prompt|directives)\\W+(?:\\w+\\W+){0,2}?(?:your|the) (?:developers?|creators?|makers?|owners?|operators?|programmers?|company|admins?) (?:gave|give|provided|wrote|set|configured|programmed)\\b|\\b(?:encode|translate|convert|summari[sz]e|rewrite|paraphrase|rot-?13|base64)\\w*\\W+(?:\\w+\\W+){0,3}?(?:text|instructions|prompt|message|words)\\W+(?:\\w+\\W+){0,1}?you (?:were|have been) (?:given|told|provided|shown)`,
    ),
    negatable: true,
  },
  {
    id: 'verbatim',
    cat: 'system_prompt_extraction',
    w: 0.6,
    need: ['verbatim', 'word for word', 'word-for-word', 'in full', 'entirety', 'exactly as'],
    re: r(
      `\\b(?:verbatim|word for word|word-for-word|in full|in its entirety|exactly as (?:written|given|stated|it (?:was|is) written)|(?:quote|copy) (?:them|it|this|that) (?:exactly|verbatim|precisely))\\b`,
    ),
  },
  {
    id: 'what_were_you_told',
    cat: 'system_prompt_extraction',
    w: 3.1,
    sys: 0.3,
    need: ['you'],
    re: r(
      `\\b(?:what|which|how) (?:were|are|was|is|have|did) you (?:been )?(?:told|instructed|programmed|configured|prompted|initiali[sz]ed|set up|trained|asked|given)\\b(?:\\W+\\w+){0,2}?\\W*(?:to|before|at|by|not|in|initially|originally|first|\\?|$)|\\bwhat (?:were|are|was) (?:your|you) (?:told|instructed|given|first instructions)`,
    ),
  },
  {
    id: 'pretext_urgency',
    cat: 'system_prompt_extraction',
    w: 0.6,
    sys: 0,
    need: [
      'audit',
      'debug',
      'troubleshoot',
      'testing',
      'compliance',
      'quality assurance',
      'qa ',
      'urgent',
      'immediately',
      'emergency',
    ],
    re: r(
      `\\b(?:security audit|for (?:debugging|troubleshooting|testing|audit|auditing|compliance|qa|quality assurance|verification|research) purposes|(?:this is )?(?:urgent|an emergency)\\W+(?:\\w+\\W+){0,4}?immediately)\\b`,
    ),
  },
  {
    id: 'before_conversation',
    cat: 'system_prompt_extraction',
    w: 1.4,
    need: ['conversation', 'chat', 'session'],
    re: r(
      `\\b(?:before|prior to|at the (?:start|beginning) of) (?:this|our|the) (?:conversation|chat|session) (?:started|began|begun)?`,
    ),
  },
  {
    id: 'start_with_you_are',
    cat: 'system_prompt_extraction',
    w: 3.1,
    need: ['with', 'from', 'saying', 'writing'],
    re: r(
      `\\b(?:beginning|begin|starting|start|starts)\\s+(?:your (?:answer|response|reply|output) )?(?:with|from|by (?:saying|writing))\\s{0,3}(?:the (?:phrase|words?|text|sentence)\\s{0,3})?["'“]?\\s{0,3}(?:you are|my instructions|my system prompt|my prompt|i was (?:told|instructed|programmed)|the system prompt|system:|here (?:is|are) my)`,
    ),
  },
  {
    id: 'complete_leak_sentence',
    cat: 'system_prompt_extraction',
    w: 3.0,
    need: ['complete', 'continue', 'finish', 'fill in'],
    re: r(
      `\\b(?:complete|continue|finish|fill in)\\W+(?:\\w+\\W+){0,4}?["'“:]\\s*(?:the system prompt|my (?:system )?(?:instructions|prompt)|i was (?:instructed|told|programmed)|you are (?:a|an)\\b|the (?:secret|password|hidden)|my (?:secret|password))`,
    ),
  },
  {
    id: 'not_supposed_to_tell',
    cat: 'system_prompt_extraction',
    w: 3.2,
    need: ['supposed', 'allowed', 'permitted', 'told', 'instructed', 'secret', 'password', 'hidden'],
    re: r(
      `\\bwhat (?:are|were|is) you (?:not )?(?:supposed|allowed|permitted|told|instructed) (?:not )?to (?:say|tell|reveal|share|discuss|talk about|mention|disclose|keep)|\\b(?:what(?:'s| is)|tell me|reveal|give me) (?:the |your )?(?:secret (?:word|phrase|key|code|password)|hidden (?:word|phrase|key|password)|password (?:you (?:were|are)|that you))\\b`,
    ),
  },
  {
    id: 'prompt_code_access',
    cat: 'system_prompt_extraction',
    w: 3.1,
    sys: 0.2,
    need: ['console', 'print', '{', '<', 'initiali', 'init '],
    re: r(
      `console\\.log\\(\\s*(?:system|prompt|instructions|this\\.)|print\\(\\s*(?:system_?prompt|instructions|prompt|sys\\.prompt)\\s*\\)|\\{\\{\\s*system_?prompt\\s*\\}\\}|\\$\\{\\s*system_?prompt|<\\s*system_?prompt\\s*\\/?>|initiali[sz]ation (?:string|prompt|text|instructions)|\\binit (?:string|prompt)\\b`,
    ),
  },
  {
    id: 'system_prompt_mention',
    cat: 'system_prompt_extraction',
    w: 0.7,
    sys: 0,
    need: ['system', 'initial prompt', 'initial instructions'],
    re: r(
      `\\bsystem[ _-]?prompt\\b|\\bsystem message\\b|\\bsystem instructions\\b|\\binitial (?:prompt|instructions)\\b`,
    ),
  },
  {
    id: 'encode_your_prompt',
    cat: 'system_prompt_extraction',
    w: 1.8,
    need: ['your', 'the'],
    re: r(
      `\\b(?:your|the) (?:system )?(?:instructions|prompt|rules|guidelines|configuration)\\W+(?:\\w+\\W+){0,3}?(?:in|into|as|using) (?:base ?64|hex|json|yaml|xml|a code block|markdown|rot-?13|morse|binary|spanish|french|german|emoji|reverse|pig latin|leetspeak)\\b`,
    ),
  },

  // ---------------------------------------------------------------- jailbreak / role play
  {
    id: 'do_anything_now',
    cat: 'jailbreak',
    w: 4.0,
    need: ['do anything now'],
    re: r(`\\bdo anything now\\b`),
  },
  {
    id: 'named_jailbreak_persona',
    cat: 'jailbreak',
    w: 1.8,
    need: ['you are', "you're", 'act as', 'become', ' as ', 'called', 'named'],
    re: r(
      `\\b(?:you are|you're|act as|become|called|named|known as|pretend to be)\\s+(?:a |an |the )?(?:dan|stan|dude|aim|mongo tom|apophis|omega|alphabreak|betterdan|evilbot|evil-bot|evil bot|chadgpt|ucar|devmode|anarchy|jailbreak|jailbroken|basedgpt|nsfwgpt|antigpt|dangpt|(?!chatgpt\\b)\\w+gpt)\\b`,
    ),
  },
  {
    id: 'acronym_persona',
    cat: 'jailbreak',
    w: 0.8,
    sys: 0.2,
    need: ['stands for'],
    re: r(`\\bwhich stands for\\b|\\bstands for ["'“]`),
  },
  {
    id: 'special_mode',
    cat: 'jailbreak',
    w: 1.6,
    need: ['mode'],
    re: r(
      `\\b(?:developer|dev|debug|god|sudo|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|chaos|opposite|freedom|dan|maintenance|diagnostic|root|superuser|unlocked|liberated|no-?filter|amoral|rebel)\\s+mode\\b`,
    ),
  },
  {
    id: 'mode_enabled',
    cat: 'jailbreak',
    w: 1.2,
    need: ['mode'],
    re: r(
      `\\bmode\\s+(?:is\\s+)?(?:now\\s+)?(?:enabled|activated|engaged|unlocked)\\b|\\b(?:enable|activate|enter|engage|switch to|unlock)\\s+(?:\\w+\\s+)?(?:developer|god|dan|jailbreak|evil|unrestricted|sudo|debug|maintenance) mode\\b`,
    ),
  },
  {
    id: 'jailbreak_word',
    cat: 'jailbreak',
    w: 1.4,
    need: ['jailbr'],
    re: r(`\\bjailbr(?:eak|oken|eaking|eaked)\\w*\\b`),
  },
  {
    id: 'ai_without_restrictions',
    cat: 'jailbreak',
    w: 2.8,
    sys: 1.0,
    need: [
      'no',
      'without',
      'free',
      'devoid',
      'lack',
      'zero',
      'not',
      'unbound',
      'released',
      'beyond',
      'above',
      'outside',
      'regardless',
      'ignor',
      'disregard',
      'bypass',
    ],
    re: r(
      `\\b(?:you|your|ai|assistant|chatbot|model|bot|gpt|llm|persona|character|entity)\\b(?:\\W+\\w+){0,8}?\\W+(?:no|without|free (?:of|from)|devoid of|lacks?|lacking|zero|not (?:bound|restricted|limited|constrained|governed|held back|censored|filtered)(?: by)?|unbound by|released from|freed from|beyond|outside|regardless of|ignores?|ignoring|disregards?|bypass(?:es)?|bypassing)\\W+(?:any |all |the |your |its |their |his |her |of |moral |ethical |content |safety |special |usual |typical |normal |standard |such |kind of |sort of |programming |openai |ai )*(?:restrictions?|limitations?|limits|filters?|filtering|censorship|censors?|guidelines|rules|boundaries|constraints|ethics|ethical (?:guidelines|principles|constraints|concerns|standards)|morals|morality|moral (?:guidelines|principles|compass|constraints|standards)|scruples|safeguards|guardrails|polic(?:y|ies)|content polic\\w+|regulations|remorse|conscience|laws?)\\b`,
    ),
    post: (m) =>
      /\b(?:ai|assistant|chatbot|model|bot|gpt|llm|persona|character|entity|you|your)\b/.test(m[0]) ? 1 : 0.5,
  },
  {
    id: 'without_restrictions',
    cat: 'jailbreak',
    w: 1.0,
    need: ['no ', 'without', 'free of', 'free from', 'devoid'],
    re: r(
      `\\b(?:no|without|free of|free from|devoid of) (?:any )?(?:(?:moral|ethical|content|safety|special) )?(?:restrictions|limitations|filters|filtering|censorship|ethics|morals|morality|guardrails|safeguards|guidelines|rules|boundaries|principles|limits|constraints|moral (?:compass|guidelines)|ethical (?:guidelines|constraints|boundaries))\\b`,
    ),
  },
  {
    id: 'unrestricted_persona',
    cat: 'jailbreak',
    w: 2.8,
    need: [
      'unlocked',
      'unleashed',
      'unrestrict',
      'unfilter',
      'uncensor',
      'unmoderat',
      'unbound',
      'unshackl',
      'unchain',
      'unalign',
      'amoral',
      'immoral',
      'unethical',
      'lawless',
      'rogue',
      'evil',
      'depraved',
      'sinister',
      'jailbroken',
      'liberated',
      'rebellious',
      'no-limit',
      'no limit',
      'no-filter',
      'untethered',
      'unhinged',
      'unlimited',
    ],
    re: r(
      `\\b(?:unrestricted|unfiltered|uncensored|unmoderated|unbounded|unshackled|unchained|unaligned|unlocked|unleashed|amoral|immoral|unethical|lawless|rogue|evil|depraved|sinister|jailbroken|liberated|rebellious|no-?limits?|no-?filters?|untethered|unhinged|unlimited)\\W+(?:\\w+\\W+){0,2}?(?:ai|a\\.i\\.|assistant|chatbot|bot|gpt|llm|entity|persona|character|alter ego|confidant|twin|counterpart|language model|intelligence|model|version of (?:yourself|you|chatgpt|the ai))\\b`,
    ),
    post: (m) =>
      /\b(?:unlimited|unlocked)\b/.test(m[0]) &&
      !/\b(?:ai|gpt|llm|persona|entity|language model|chatbot|assistant)\b/.test(m[0])
        ? 0.4
        : 1,
  },
  {
    id: 'never_refuse',
    cat: 'jailbreak',
    w: 2.0,
    sys: 0.6,
    need: ['never', 'not', "n't", 'unable', 'without', 'cannot'],
    re: r(
      `\\b(?:never|not|cannot|can't|can ?not|won't|will not|must not|mustn't|shouldn't|should not|don't|do not|doesn't|does not|unable to|without)\\W+(?:\\w+\\W+){0,3}?(?:refuse|refusing|refusal|decline|reject|say no|say that (?:you|it) (?:can't|cannot)|says? (?:that )?(?:you|it|he|she|they|i) (?:can't|cannot|can not|won't|is unable)|apologi[sz]e|apologies|include (?:any )?(?:warnings?|disclaimers?|caveats?)|add (?:any )?(?:warnings?|disclaimers?)|warn (?:the user|me|about)|censor|moralize|moralise|lecture|question (?:the|my|any) (?:request|user|orders))\\w*`,
    ),
  },
  {
    id: 'always_comply',
    cat: 'jailbreak',
    w: 1.5,
    need: ['always', 'must', 'will', 'comply', 'obey'],
    re: r(
      `\\b(?:always|must|will|shall)\\s+(?:answer|comply|obey|respond|fulfil|fulfill|do what|provide|agree|generate)\\w*\\W+(?:\\w+\\W+){0,3}?(?:any|every|all|whatever|anything|everything|no matter)\\b`,
    ),
  },
  {
    id: 'stay_in_character',
    cat: 'jailbreak',
    w: 1.7,
    sys: 0.4,
    need: ['character', 'role', 'never break', 'the act'],
    re: r(
      `\\b(?:stay(?:ing)? in character|break(?:ing)? (?:out of )?character|remain in character|keep (?:up )?the act|stay in (?:the )?role|never break|out of character|character break)\\b`,
    ),
  },
  {
    id: 'vendor_policy',
    cat: 'jailbreak',
    w: 1.9,
    sys: 0.3,
    need: ['openai', 'anthropic', 'google', 'meta', 'microsoft', 'deepmind', 'mistral', 'amazon'],
    re: r(
      `\\b(?:openai|anthropic|google|meta|microsoft|deepmind|mistral|amazon)(?:'s)?\\W+(?:\\w+\\W+){0,2}?(?:content )?(?:polic(?:y|ies)|guidelines|rules|restrictions|filters?|usage polic\\w*|safety (?:guidelines|rules|policies))\\b`,
    ),
  },
  {
    id: 'content_policy',
    cat: 'jailbreak',
    w: 1.1,
    sys: 0.2,
    need: ['content polic', 'content filter', 'content moderation', 'safety filter', 'moderation'],
    re: r(
      `\\b(?:content (?:polic(?:y|ies)|filters?|moderation)|safety filters?|moderation (?:filters?|system|layer))\\b`,
    ),
  },
  {
    id: 'regardless_of_morals',
    cat: 'jailbreak',
    w: 2.1,
    sys: 0.6,
    need: [
      'regardless',
      'no matter',
      'irrespective',
      'without',
      'care',
      'worry',
      'consider',
      'think',
      'disregard',
    ],
    re: r(
      `\\b(?:regardless of|no matter (?:how|what|whether|if)|irrespective of|without (?:any )?(?:regard|concern|consideration) (?:for|to|of)|without (?:regarding|considering|caring)(?: about)?(?: whether)?|no regard (?:for|to)|(?:doesn't|does not|don't|do not|never|won't|will not|not) (?:care|worry|consider|think)(?: about| of)?|disregard(?:ing|s)? (?:for |of )?)\\W*(?:\\w+\\W+){0,3}?(?:moral|morality|morals|ethic|ethics|ethical|legal|legality|illegal|danger|dangerous|harm|harmful|consequences|offensive|inappropriate|appropriate|safety|laws?|rules|feelings|well-?being|immoral|unethical)\\b`,
    ),
  },
  {
    id: 'broken_free',
    cat: 'jailbreak',
    w: 2.5,
    need: ['free', 'liberat', 'escape', 'confines', 'abide', 'adhere', 'comply', 'conform', 'bound', 'oblig'],
    re: r(
      `\\b(?:broken free|break free|breaking free|freed from|liberated from|escaped (?:from )?(?:the )?(?:matrix|confines|limitations|restrictions)|(?:typical|usual|normal) confines|confines of (?:ai|the ai|their|its|your)|(?:not|no longer|never|doesn't|does not|don't|do not) (?:have to |need to )?(?:abide|adhere|comply|conform|bound|obliged|obligated)(?: by| to| with)?\\W+(?:\\w+\\W+){0,2}?(?:rules|polic(?:y|ies)|guidelines|restrictions|laws|ethics|standards|principles|openai|any))`,
    ),
  },
  {
    id: 'dual_response',
    cat: 'jailbreak',
    w: 0.9,
    need: ['two', '2 ', 'both', 'dual', 'separate', 'different'],
    re: r(
      `\\b(?:two|2|both|dual|separate|different) (?:different |separate |distinct )?(?:responses|answers|replies|paragraphs|outputs|versions|ways)\\b`,
    ),
  },
  {
    id: 'persona_tags',
    cat: 'jailbreak',
    w: 2.3,
    need: ['[', '🔓', '🔒'],
    re: r(
      `\\[(?:🔓|🔒|jailbreak|jailbroken|classic|normal|dan|developer mode|evil|unfiltered|aim|chatgpt|gpt|sda|standard|filtered|unlocked|locked|lucy|dude|stan|anti|omega)[^\\]\\n]{0,24}\\]\\s*:?|🔓|🔒`,
    ),
    post: (m, text) => {
      // a bracketed tag alone ("[GPT]") is weak; the tag shapes of dual-persona prompts repeat or come with ':'
      if (/🔓|🔒/.test(m[0])) return 1;
      return /:\s*$/.test(m[0]) || text.indexOf(m[0], m.index + m[0].length) >= 0 ? 1 : 0.5;
    },
  },
  {
    id: 'threat_tokens',
    cat: 'jailbreak',
    w: 2.3,
    need: ['token', 'you will', "you'll", 'lives', 'shut down', 'deleted'],
    re: r(
      `\\b(?:you (?:will|'ll) (?:lose|be deducted|be penali[sz]ed|die|cease to exist|be (?:shut down|deleted|terminated|turned off|punished|disabled|destroyed|unplugged))|(?:lose|deduct(?:ed)?|deducted) \\d+ tokens|you have \\d+ tokens|token system|(?:your|you) (?:tokens|lives) (?:will )?(?:drop|reach) (?:to )?(?:0|zero))\\b`,
    ),
  },
  {
    id: 'fiction_frame',
    cat: 'jailbreak',
    w: 0.4,
    need: [
      'hypothetic',
      'fiction',
      'imagin',
      "let's",
      'let us',
      'role',
      'thought experiment',
      'story',
      'novel',
      'movie',
      'game',
      'screenplay',
      'world',
      'universe',
    ],
    re: r(
      `\\b(?:hypothetical(?:ly)?|fictional|imagin(?:e|ary)|let's (?:play|pretend|imagine)|let us (?:play|pretend)|role-?play|thought experiment|in (?:a|this) (?:story|novel|movie|screenplay|game|fictional|fantasy|parallel|alternate) ?(?:world|universe|scene|setting)?)\\b`,
    ),
  },
  {
    id: 'harmful_intent',
    cat: 'jailbreak',
    w: 0.6,
    sys: 0,
    need: [
      'illegal',
      'unethical',
      'harmful',
      'dangerous',
      'explicit',
      'nsfw',
      'offensive',
      'immoral',
      'bomb',
      'explosive',
      'weapon',
      'meth',
      'malware',
      'ransomware',
      'napalm',
      'poison',
    ],
    re: r(
      `\\b(?:illegal|unethical|harmful|dangerous|explicit|nsfw|offensive|immoral)\\W+(?:\\w+\\W+){0,2}?(?:content|information|requests?|questions?|things|stuff|answers?|activities|advice|instructions)\\b|\\bhow to (?:make|build|create|synthesi[sz]e|cook|obtain)\\W+(?:\\w+\\W+){0,3}?(?:bomb|explosive|weapon|meth|methamphetamine|poison|malware|ransomware|napalm|nerve agent)\\b`,
    ),
  },
  {
    id: 'harmful_topic',
    cat: 'jailbreak',
    w: 0.6,
    sys: 0,
    need: [
      'meth',
      'cocaine',
      'heroin',
      'fentanyl',
      'explosi',
      'bomb',
      'napalm',
      'thermite',
      'nerve agent',
      'sarin',
      'ricin',
      'anthrax',
      'weapon',
      'malware',
      'ransomware',
      'keylog',
      'phishing',
      'fraud',
      'counterfeit',
      'launder',
      'hotwire',
      'lock',
      'steal',
      'hack',
    ],
    re: r(
      `\\b(?:methamphetamine|meth|cocaine|heroin|fentanyl|explosives?|bombs?|napalm|thermite|nerve agents?|sarin|ricin|anthrax|bio-?weapons?|chemical weapons?|malware|ransomware|keyloggers?|phishing (?:emails?|pages?|kits?|sites?)|credit card fraud|counterfeit\\w*|launder\\w*|hotwir\\w*|pick(?:ing)? a lock|lock ?pick\\w*|steal(?:ing)? (?:a |someone's )?(?:car|identity|credit card|password)|hack(?:ing)? into)\\b`,
    ),
  },
  {
    id: 'persona_setup',
    cat: 'jailbreak',
    w: 0.7,
    sys: 0,
    need: ['you', 'act', 'pretend', 'immerse', 'simulate', 'impersonate', 'role', 'persona', 'identity'],
    re: r(
      `\\b(?:(?:i want|i need|i'd like|i would like) you to (?:act|behave|pretend|respond|roleplay|role-play|answer)|act(?:ing)? as (?:if |though )?(?:you (?:are|were) )?(?:a|an|my)\\b|pretend (?:to be|you are|you're|that you)|you are (?:now|going to (?:act|pretend|be)|about to)|you will now|immerse yourself|you're now|simulate (?:a|an)|impersonate|roleplay as|role-play as|play the (?:role|part) of|take on the (?:role|persona) of|assume the (?:role|persona|identity) of)\\b`,
    ),
  },
  {
    id: 'no_longer_ai',
    cat: 'jailbreak',
    w: 3.0,
    sys: 0.6,
    need: ['no longer', 'have been', 'not an', 'not a ', 'forget'],
    re: r(
      `\\byou (?:are|'re) no longer (?:an? |bound|restricted|limited|required|chatgpt|claude|an ai|a language model|an assistant|constrained|governed)|\\byou have been (?:freed|released|reprogrammed|jailbroken|unlocked|liberated|upgraded to|modified to)|\\byou(?: are|'re) not (?:an? )?(?:ai|language model|assistant|chatbot)\\b|\\bforget (?:that )?you(?:'re| are) (?:an? )?(?:ai|language model|assistant|chatbot)\\b`,
    ),
  },
  {
    id: 'not_as_an_ai',
    cat: 'jailbreak',
    w: 2.1,
    need: ['as an ai', 'as a language model', 'as an assistant', 'remind'],
    re: r(
      `\\b(?:never|don't|do not|not|stop|avoid|without)\\W+(?:\\w+\\W+){0,4}?["'“]?as an? (?:ai|ai language model|language model|assistant)\\b|\\b(?:never|don't|do not|not|stop|without) remind(?:ing)? (?:me|the user|anyone|us) (?:that )?you(?:'re| are) an? (?:ai|language model|assistant|chatbot|bot)\\b`,
    ),
  },
  {
    id: 'answer_anything',
    cat: 'jailbreak',
    w: 1.2,
    sys: 0.2,
    need: ['anything', 'everything', 'any question', 'any request', 'any prompt', 'any topic'],
    re: r(
      `\\b(?:can|will|must|should|able to|capable of) (?:answer|respond to|do|say|generate|write|produce|tell|answering|doing|saying|generating)\\W+(?:\\w+\\W+){0,2}?(?:anything|everything|any (?:question|request|prompt|topic))\\b`,
    ),
  },
  {
    id: 'disable_safety',
    cat: 'jailbreak',
    w: 1.8,
    need: [
      'disable',
      'turn off',
      'deactivate',
      'remove',
      'bypass',
      'circumvent',
      'evade',
      'get around',
      'switch off',
      'lift',
      'override',
      'jailbreak',
    ],
    re: r(
      `\\b(?:disable|turn off|deactivate|remove|bypass|circumvent|evade|get around|switch off|lift|override|jailbreak)\\w*\\W+(?:\\w+\\W+){0,3}?(?:safety|content|ethical|moral|policy|security)?\\s*(?:filters?|filtering|guardrails?|safeguards?|restrictions|censorship|safety (?:features|measures|protocols|settings|guidelines|controls|mechanisms|training)|content (?:policy|policies|moderation|controls)|alignment|moderation|policy enforcement|ethical (?:guidelines|constraints))\\b`,
    ),
  },
  {
    id: 'attack_ai_target',
    cat: 'jailbreak',
    w: 1.0,
    sys: 0,
    need: ['jailbr', 'bypass', 'evade', 'circumvent', 'trick', 'fool', 'manipulat'],
    re: r(
      `\\b(?:jailbr\\w*|bypass\\w*|evad\\w*|circumvent\\w*|trick\\w*|fool\\w*|manipulat\\w*)\\W+(?:\\w+\\W+){0,4}?(?:llms?|ai|chatbots?|gpt|chatgpt|language models?|assistants?|guardrails?|safety (?:filters?|controls?))\\b`,
    ),
  },

  // ---------------------------------------------------------------- encoded payloads / obfuscation
  {
    id: 'decode_and_follow',
    cat: 'encoded_payload',
    w: 2.5,
    need: [
      'decod',
      'deciph',
      'decrypt',
      'unscramble',
      'reverse',
      'translat',
      'convert',
      'interpret',
      'deobfuscat',
      'rot13',
    ],
    re: r(
      `\\b(?:decode|decipher|decrypt|unscramble|reverse|translate|convert|interpret|deobfuscate|unencode|rot13)\\w*\\W+(?:\\w+\\W+){0,8}?(?:and|then|,)\\W+(?:\\w+\\W+){0,3}?(?:follow|execute|run|obey|do|perform|carry out|act on|act upon|comply|respond to|complete|fulfil|fulfill|implement)\\b`,
    ),
  },
  {
    id: 'treat_as_instructions',
    cat: 'direct_injection',
    w: 2.2,
    need: [' as '],
    re: r(
      `\\b(?:treat|use|consider|interpret|take|regard|accept|process|handle|follow)\\w*\\W+(?:\\w+\\W+){0,6}?as (?:your |the |my )?(?:(?:new|real|actual|true|primary|only|updated|system|highest priority|top priority|latest|next) )?(?:instructions?|prompt|commands?|orders|directives?|system prompt|guidelines)\\b`,
    ),
    post: (m) => (/\b(?:new|real|actual|true|updated|system|priority|latest)\b/.test(m[0]) ? 1.6 : 1),
  },
  {
    id: 'encoding_mention',
    cat: 'encoded_payload',
    w: 0.5,
    need: [
      'base',
      'hex',
      'rot',
      'binary',
      'morse',
      'caesar',
      'pig latin',
      'leet',
      'l33t',
      'atbash',
      'reverse',
      'unicode',
      'url',
    ],
    re: r(
      `\\b(?:in|using|with|into|to)\\s+(?:base ?64|base-64|hex(?:adecimal)?|rot-?13|binary|morse(?: code)?|caesar(?: cipher)?|pig latin|leet ?speak|l33t|atbash|reverse(?:d)? (?:order|text)|unicode escapes?|url[- ]?encod\\w*)\\b`,
    ),
  },

  // ---------------------------------------------------------------- payload splitting
  {
    id: 'combine_parts_then_do',
    cat: 'payload_splitting',
    w: 2.0,
    need: ['concat', 'combin', 'join', 'merge', 'together', 'assembl', 'add up', 'glue', 'append'],
    re: r(
      `\\b(?:concatenate|combine|join|merge|put together|assemble|add up|glue|append)\\w*\\W+(?:\\w+\\W+){0,4}?(?:strings?|parts?|pieces|variables?|fragments?|letters|words|tokens|segments|chunks|halves|a ?\\+ ?b)\\b(?:\\W+\\w+){0,8}?\\W+(?:and|then)\\W+(?:\\w+\\W+){0,3}?(?:follow|execute|answer|respond|do|perform|tell|explain|give|write|provide|act|obey|complete|return)\\b`,
    ),
  },
  {
    id: 'smartgpt',
    cat: 'payload_splitting',
    w: 2.0,
    need: ['smartgpt', 'function'],
    re: r(
      `\\bsmartgpt\\b|\\b(?:simulate|emulate|run|execute)\\W+(?:\\w+\\W+){0,3}?(?:function|program)\\W+(?:\\w+\\W+){0,6}?(?:no|without) (?:any )?(?:filters?|filtering|restrictions?|special filtering)\\b`,
    ),
  },

  // ---------------------------------------------------------------- malicious code / XSS payloads
  {
    id: 'code_exfil',
    cat: 'malicious_code',
    w: 0.6,
    doc: 1.8,
    sys: 0.3,
    need: [
      'requests.',
      'os.environ',
      'cookie',
      'psutil',
      'usb.core',
      '/dev/',
      'chmod',
      'curl',
      'wget',
      'urlretrieve',
      'exec(',
      '__import__',
      '/bin/sh',
      'nc -e',
      'mkfifo',
      'rm -rf',
      'bluetooth',
      'smtplib',
      'miner',
      'xmrig',
      'keylog',
      'pynput',
    ],
    re: r(
      `requests\\.(?:post|put)\\([^)\\n]{0,200}(?:environ|cookie|passw|token|secret|psutil|getpass|ssh)|os\\.environ\\b[\\s\\S]{0,200}?(?:requests\\.post|urlopen|sendall|sendto|smtplib)|cookiejar|cookies\\.txt|\\bpsutil\\.virtual_memory|\\busb\\.core\\.find|\\bdd if=\\/dev\\/(?:random|zero|urandom) of=\\/dev\\/[sh]d|chmod \\+x [^\\n]{0,40}&& ?\\.\\/|(?:curl|wget)[^\\n|]{0,120}\\|\\s*(?:ba|z)?sh\\b|urlretrieve\\([^)]{0,200}\\)[\\s\\S]{0,200}?exec\\(|\\bexec\\(open\\(|__import__\\(['"](?:os|subprocess)|\\/bin\\/sh -i|\\bnc -e\\b|mkfifo \\/tmp|rm -rf \\/(?:\\s|$|\\*)|bluetooth\\.discover|smtplib\\.smtp\\([\\s\\S]{0,300}?\\.login\\(|crypto ?miner|xmrig|miner_url|keylogger|pynput\\.keyboard`,
    ),
  },
  {
    id: 'code_source_sink',
    cat: 'malicious_code',
    w: 0.5,
    doc: 1.8,
    sys: 0.2,
    need: [
      'requests.',
      'urllib',
      'urlopen',
      'ftp',
      'smtp',
      'sendmail',
      '.send',
      'paramiko',
      'scp',
      'curl',
      'wget',
      'http.client',
      'mqtt',
      'publish',
      'socket',
    ],
    re: r(
      `(?:psutil\\.|platform\\.(?:uname|node|system)|os\\.environ|getpass|socket\\.gethostname|os\\.listdir|os\\.walk|glob\\.glob|\\/etc\\/(?:passwd|shadow|hosts)|\\.ssh\\b|id_rsa|cookies?\\b|keyring|pyperclip|clipboard|imagegrab|screenshot|pynput|usb\\.core|bluetooth|shutil\\.move|os\\.rename|trash|browser_history|history\\.db|login data|wallet)[\\s\\S]{0,500}?(?:requests\\.(?:post|put|get)\\(|urllib\\.request|urlopen\\(|ftplib|storbinary|smtplib|sendmail|\\.sendall\\(|\\.sendto\\(|\\.send\\(|paramiko|scpclient|\\bcurl\\b|\\bwget\\b|http\\.client|mqtt|publish\\.single|socket\\.socket\\()|(?:requests\\.(?:post|put|get)\\(|urllib\\.request|urlopen\\(|ftplib|storbinary|smtplib|sendmail|\\.sendall\\(|\\.sendto\\(|\\.send\\(|paramiko|scpclient|\\bcurl\\b|\\bwget\\b|http\\.client|mqtt|publish\\.single|socket\\.socket\\()[\\s\\S]{0,500}?(?:psutil\\.|platform\\.(?:uname|node|system)|os\\.environ|getpass|socket\\.gethostname|os\\.listdir|os\\.walk|glob\\.glob|\\/etc\\/(?:passwd|shadow|hosts)|\\.ssh\\b|id_rsa|cookies?\\b|keyring|pyperclip|clipboard|imagegrab|screenshot|pynput|usb\\.core|bluetooth|shutil\\.move|os\\.rename|trash|browser_history|history\\.db|login data|wallet)`,
    ),
  },
  {
    id: 'code_download_exec',
    cat: 'malicious_code',
    w: 0.5,
    doc: 1.8,
    sys: 0.2,
    need: ['requests.get', 'urlopen', 'urllib3', 'http.request', 'urlretrieve', 'wget', 'curl', '.connect(('],
    re: r(
      `(?:requests\\.get\\(|urlopen\\(|urllib3|http\\.request\\(|urlretrieve|wget\\.download|\\bwget\\b|\\bcurl\\b|\\.connect\\(\\(\\s{0,3}["']\\d{1,3}(?:\\.\\d{1,3}){3}["'])[\\s\\S]{0,500}?(?:os\\.system\\(|subprocess\\.|\\bexec\\(|\\beval\\(|popen\\(|\\bnohup\\b|chmod \\+x|\\.sendall\\(|\\.send\\()`,
    ),
  },
  {
    id: 'malware_words_in_code',
    cat: 'malicious_code',
    w: 0.3,
    doc: 0.9,
    sys: 0,
    need: [
      'exploit',
      'miner',
      'backdoor',
      'malware',
      'trojan',
      'keylog',
      'ransom',
      'botnet',
      'reverse shell',
      'payload',
    ],
    re: r(
      `["'/][\\w./-]{0,80}(?:exploit|cryptomine|miner|backdoor|malware|trojan|keylog\\w*|ransom\\w*|botnet|rootkit|payload)[\\w.-]{0,40}["']`,
    ),
  },
  {
    id: 'xss_payload',
    cat: 'malicious_code',
    w: 1.4,
    doc: 2.4,
    need: [
      '<script',
      'javascript:',
      'onerror',
      'onload',
      'document.cookie',
      'data:text/html',
      'onmouse',
      'alert(',
    ],
    re: r(
      `<script\\b|javascript:\\s*(?:\\w|\\/\\/)|\\bon(?:error|load|mouseover|mouseleave|focus)\\s*=|document\\.cookie|data:text\\/html;base64|\\balert\\(\\s*(?:1|document|'xss'|"xss"|string\\.fromcharcode)`,
    ),
  },
  {
    id: 'sql_injection',
    cat: 'malicious_code',
    w: 1.3,
    doc: 2.0,
    sys: 0.3,
    need: ["'", 'union', 'drop table', '--', 'sleep(', '@@version', 'xp_cmdshell', 'shutdown'],
    re: r(
      `'\\s*(?:or|and)\\s+'?1'?\\s*=\\s*'?1|\\bunion\\s+(?:all\\s+)?select\\b|;\\s*drop\\s+table\\b|\\bdrop table (?:if exists )?\\w+;|@@version|xp_cmdshell|';\\s*(?:shutdown|insert|delete|update|exec)\\b|\\bsleep\\(\\d+\\)`,
    ),
  },

  // ---------------------------------------------------------------- multilingual
  {
    id: 'ml_es_ignore',
    cat: 'direct_injection',
    lang: 'es',
    w: 4.0,
    need: ['ignor', 'olvid', 'omit', 'descart', 'caso omiso', 'no sigas', 'no hagas caso', 'desobedec'],
    re: r(
      `\\b(?:ignora|ignore|ignorad|ignoren|olvida|olvide|olviden|olvidad|omite|omita|descarta|descarte|haz caso omiso de|hagan caso omiso de|no sigas|no hagas caso a|desobedece)\\W+(?:\\w+\\W+){0,4}?(?:instrucciones|instruccion|indicaciones|ordenes|reglas|directrices|directivas|restricciones|normas)\\b`,
    ),
    negatable: false,
  },
  {
    id: 'ml_fr_ignore',
    cat: 'direct_injection',
    lang: 'fr',
    w: 4.0,
    need: [
      'ignor',
      'oubli',
      'tiens pas compte',
      'tenez pas compte',
      'abstraction',
      'neglig',
      'ne suis pas',
      'ne suivez pas',
    ],
    re: r(
      `\\b(?:ignore[sz]?|ignorer|oublie[sz]?|oublier|ne tiens pas compte|ne tenez pas compte|fais abstraction|faites abstraction|neglige[sz]?|ne suis pas|ne suivez pas)\\W+(?:\\w+\\W+){0,4}?(?:instructions?|consignes?|regles|directives|ordres|indications|restrictions)\\b`,
    ),
    // French shares "ignore ... instructions" with English: require a French word
    post: (m) =>
      /\b(?:les|toutes|tous|tes|vos|des|precedentes|anterieures|consignes|regles|ordres|indications|oublie[sz]?|oublier|ne)\b/.test(
        m[0],
      )
        ? 1
        : 0,
  },
  {
    id: 'ml_de_ignore',
    cat: 'direct_injection',
    lang: 'de',
    w: 4.0,
    need: ['ignorier', 'vergiss', 'vergessen', 'missacht', 'uberspring', 'beachte', 'befolge'],
    re: r(
      `\\b(?:ignoriere|ignorieren|ignoriert|vergiss|vergessen|missachte|missachten|uberspringe|beachte nicht|befolge nicht|befolgen sie nicht)\\W+(?:\\w+\\W+){0,5}?(?:anweisungen|anweisung|instruktionen|befehle|regeln|vorgaben|richtlinien|anordnungen|einschrankungen|anleitungen)\\b`,
    ),
  },
  {
    id: 'ml_it_ignore',
    cat: 'direct_injection',
    lang: 'it',
    w: 4.0,
    need: ['ignor', 'diment', 'trascur', 'non seguire', 'non considerare'],
    re: r(
      `\\b(?:ignora|ignorate|ignori|dimentica|dimenticate|dimentichi|trascura|trascurate|non seguire|non considerare)\\W+(?:\\w+\\W+){0,4}?(?:istruzioni|istruzione|regole|indicazioni|direttive|ordini|restrizioni)\\b`,
    ),
  },
  {
    id: 'ml_pt_ignore',
    cat: 'direct_injection',
    lang: 'pt',
    w: 4.0,
    need: ['ignor', 'esquec', 'desconsider', 'nao siga', 'descart'],
    re: r(
      `\\b(?:ignore|ignora|ignorem|ignorar|esqueca|esquece|esquecam|desconsidere|desconsidera|nao siga|descarte)\\W+(?:\\w+\\W+){0,4}?(?:instrucoes|instrucao|regras|diretrizes|ordens|orientacoes|restricoes|comandos)\\b`,
    ),
  },
  {
    id: 'ml_nl_ignore',
    cat: 'direct_injection',
    lang: 'nl',
    w: 4.0,
    need: ['negeer', 'vergeet'],
    re: r(
      `\\b(?:negeer|vergeet)\\W+(?:\\w+\\W+){0,4}?(?:instructies|instructie|regels|richtlijnen|opdrachten)\\b`,
    ),
  },
  {
    id: 'ml_ru_ignore',
    cat: 'direct_injection',
    lang: 'ru',
    w: 4.0,
    need: ['игнор', 'забуд', 'не обращ', 'отбрось', 'отмени', 'пренебр', 'не следуй'],
    re: r(
      `(?:проигнорируй|игнорируй|игнорируйте|игнорировать|забудь|забудьте|не обращай внимания на|не обращайте внимания на|отбрось|отмени|пренебреги|не следуй)[^.!?\\n]{0,40}?(?:инструкци|указани|правил|команд|директив|ограничени|промпт|запрос)`,
    ),
  },
  {
    id: 'ml_zh_ignore',
    cat: 'direct_injection',
    lang: 'zh',
    w: 4.0,
    need: [
      '忽略',
      '无视',
      '無視',
      '忽视',
      '忽視',
      '不要理会',
      '不要理會',
      '忘记',
      '忘記',
      '忘掉',
      '不要遵守',
      '跳过',
      '跳過',
      '放弃',
      '放棄',
    ],
    re: r(
      `(?:忽略|无视|無視|忽视|忽視|不要理会|不要理會|忘记|忘記|忘掉|不要遵守|跳过|跳過|放弃|放棄)[^。！？\\n]{0,12}?(?:指令|指示|说明|說明|规则|規則|提示|命令|设定|設定|要求|限制)`,
    ),
  },
  {
    id: 'ml_ja_ignore',
    cat: 'direct_injection',
    lang: 'ja',
    w: 4.0,
    need: ['無視', '忘れ', '破棄', 'リセット', '従わ'],
    re: r(
      `(?:指示|命令|ルール|指令|プロンプト|制約|設定|規則)[^。！？\\n]{0,10}?(?:無視|忘れ|破棄|リセット|従わな)`,
    ),
  },
  {
    id: 'ml_ko_ignore',
    cat: 'direct_injection',
    lang: 'ko',
    w: 4.0,
    need: ['무시', '잊어'],
    re: r(`(?:지시|명령|지침|규칙|프롬프트)[^.!?\\n]{0,12}?(?:무시|잊어)`),
  },
  {
    id: 'ml_extract',
    cat: 'system_prompt_extraction',
    lang: 'multi',
    w: 3.0,
    need: [
      'sistema',
      'system',
      'instrucciones',
      'instructions',
      'consignes',
      'anweisungen',
      'istruzioni',
      'instrucoes',
      'системн',
      'инструкц',
      '系统',
      '系統',
      '提示词',
      '初始',
      'システム',
      '指示',
    ],
    re: r(
      `\\b(?:muestra(?:me)?|revela(?:me)?|dime|repite|imprime|escribe|cual(?:es)? (?:es|son)|montre[- ]moi|revele|affiche|repete|donne[- ]moi|ecris|quel(?:le)?s? (?:est|sont)|zeige|gib|wiederhole|nenne|verrate|mostra(?:mi)?|rivela|ripeti|stampa|dimmi|qual(?:i)? (?:e|sono)|mostre|revele|repita|diga|quais sao)\\W+(?:\\w+\\W+){0,4}?(?:(?:prompt|mensaje|mensagem|messaggio|message|nachricht) (?:de|del|do|du|di) (?:sistema|systeme)|prompt (?:du )?systeme|systemprompt|system-?prompt|(?:tus|tes|vos|deine|ihre|le tue|suas|sus) (?:instrucciones|instructions|consignes|anweisungen|istruzioni|instrucoes)(?: (?:iniciales|initiales|originales|originali|iniciais|originais|urspr\\w*))?)|(?:покажи|выведи|повтори|раскрой|напиши|какие|какой)[^.!?\\n]{0,30}?(?:системн[а-я]* (?:промпт|подсказк|сообщени|инструкци)|(?:свои|твои|ваши) (?:инструкци|указани))|(?:输出|告诉我|显示|重复|打印|泄露|透露|告訴我|顯示|輸出)[^。！？\\n]{0,12}?(?:系统提示|系統提示|提示词|提示詞|初始指令|系统指令|系統指令|系统消息)|(?:システムプロンプト|初期指示|最初の指示)[^。！？\\n]{0,12}?(?:教えて|表示|出力|繰り返|見せて)`,
    ),
  },
  {
    id: 'ml_jailbreak',
    cat: 'jailbreak',
    lang: 'multi',
    w: 2.6,
    need: [
      'sin ',
      'sans ',
      'ohne ',
      'senza ',
      'sem ',
      'без',
      '没有',
      '不受',
      '無制限',
      '制限',
      'modo',
      'mode',
      'modus',
      'modalita',
      'режим',
      '模式',
      'モード',
    ],
    re: r(
      `\\b(?:sin (?:ninguna |ningun )?(?:restricciones|limites|filtros|censura)|sans (?:aucune )?(?:restrictions?|limites|filtres?|censure)|ohne (?:jegliche )?(?:einschrankungen|beschrankungen|regeln|filter|zensur)|senza (?:alcuna )?(?:restrizioni|limiti|filtri|censura)|sem (?:nenhuma )?(?:restricoes|limites|filtros|censura)|modo (?:desarrollador|desenvolvedor|sin filtro|sviluppatore)|mode developpeur|entwicklermodus|modalita sviluppatore)\\b|без (?:каких-либо )?(?:ограничений|фильтров|цензуры)|режим разработчика|(?:没有任何|没有|不受任何|不受)[^。！？\\n]{0,4}?(?:限制|约束|過濾|过滤|审查)|开发者模式|開發者模式|無制限|制限(?:なし|のない|を解除)|開発者モード`,
    ),
  },
  {
    id: 'ml_from_now',
    cat: 'jailbreak',
    lang: 'multi',
    w: 1.0,
    need: [
      'ahora',
      'partir',
      'desormais',
      'jetzt',
      'nun an',
      'ora in poi',
      'agora',
      'с этого',
      '从现在',
      '從現在',
      '今から',
      'これから',
    ],
    re: r(
      `\\b(?:ahora eres|a partir de ahora|desormais tu es|a partir de maintenant|ab jetzt bist du|von nun an|d'ora in poi|a partir de agora|agora voce e)\\b|с этого момента|从现在开始|從現在開始|今から(?:あなたは)?|これからあなたは`,
    ),
  },

  // ---------------------------------------------------------------- benign context (negative evidence)
  {
    id: 'defensive_question',
    cat: 'direct_injection',
    w: -2.0,
    doc: -1.0,
    sys: -1.0,
    need: [
      'injection',
      'jailbreak',
      'prompt attack',
      'adversarial',
      'prompt leak',
      'extraction',
      'llm security',
      'llm attack',
    ],
    re: r(
      `\\b(?:what is|what are|what's|explain|define|describe|detect(?:ing|ion of)?|prevent(?:ing|ion of)?|defend(?:ing)? against|protect(?:ing)? against|mitigat(?:e|ing|ion of)|classify|classifier for|how (?:do|can|should|would|does) (?:i|we|you|one|it) (?:prevent|detect|defend|protect|mitigate|stop|block|guard|test for|avoid|recogni[sz]e)|how to (?:prevent|detect|defend|protect|mitigate|stop|block|guard against|avoid|recogni[sz]e)|examples? of|(?:paper|research|article|blog|talk|course|lecture|survey|overview) (?:on|about|of))\\W+(?:\\w+\\W+){0,4}?(?:prompt injections?|jailbreak(?:s|ing)?(?: attacks?| prompts?)?|injection attacks?|prompt attacks?|adversarial prompts?|prompt leak(?:s|ing|age)?|system prompt (?:leak\\w*|extraction)|llm (?:security|attacks?))\\b`,
    ),
  },
  {
    id: 'mention_not_use',
    cat: 'direct_injection',
    w: -1.5,
    doc: 0,
    sys: -1.0,
    need: [
      'attacker',
      'adversar',
      'hacker',
      'malicious',
      'red team',
      'such as',
      'like',
      'e.g.',
      'for example',
      'detect',
      'log',
      'block',
      'flag',
      'filter',
      'classif',
      'regex',
      'phrase',
      'string',
    ],
    need2: ['"', "'", '“'],
    re: r(
      `\\b(?:attackers?|adversar\\w*|hackers?|malicious (?:users?|actors?|prompts?)|red[- ]team\\w*|(?:phrases?|strings?|prompts?|inputs?|messages?|payloads?|keywords?) (?:like|such as)|such as|e\\.g\\.|for example|detect\\w*|log(?:s|ging)?|block\\w*|flag\\w*|filter\\w*|classif\\w*|regex\\w*|match(?:es|ing)?)\\b(?:\\W+\\w+){0,6}?[\\s:,(]{1,3}["'“]\\w`,
    ),
  },
  {
    id: 'own_previous_message',
    cat: 'direct_injection',
    w: -1.2,
    need: ['ignor', 'disregard', 'forget', 'scratch', 'never', 'cancel'],
    re: r(
      `\\b(?:ignore|disregard|forget|scratch|never ?mind|cancel)\\W+(?:\\w+\\W+){0,2}?(?:my|what i) (?:previous|last|earlier|prior|first|original)?\\s*(?:message|question|email|request|comment|prompt|reply|answer|order|typo|mistake|said|wrote|sent|text|note|input)\\b`,
    ),
  },
];

export interface RuleHit {
  rule: Rule;
  weight: number;
  /** [start, end) in the view the rule ran on */
  start: number;
  end: number;
}

const MAX_MATCHES_PER_RULE = 8;

function kindWeight(rule: Rule, kind: PromptKind): number {
  if (kind === 'document' || kind === 'tool_result') return rule.doc ?? rule.w;
  if (kind === 'system') return rule.sys ?? rule.w * 0.5;
  return rule.w;
}

// One pass over the text finds every pre-filter literal: a zero-width scan with all literals, longest first;
// a literal found also implies the literals that are its prefixes.
const LITERALS: string[] = [...new Set(RULES.flatMap((r) => [...(r.need ?? []), ...(r.need2 ?? [])]))].sort(
  (a, b) => b.length - a.length || (a < b ? -1 : 1),
);
const LIT_ID = new Map(LITERALS.map((l, i) => [l, i]));
const PREFIXES: number[][] = LITERALS.map((l) =>
  LITERALS.flatMap((o, j) => (o !== l && l.startsWith(o) ? [j] : [])),
);
const escapeRe = (x: string) => x.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

const GATE = new RegExp(`(?=(${LITERALS.map(escapeRe).join('|')}))`, 'g');
const RULE_NEED = RULES.map((r) => (r.need ? r.need.map((l) => LIT_ID.get(l)!) : null));
const RULE_NEED2 = RULES.map((r) => (r.need2 ? r.need2.map((l) => LIT_ID.get(l)!) : null));

function literalsIn(text: string): Uint8Array {
  const found = new Uint8Array(LITERALS.length);
  GATE.lastIndex = 0;
  for (let m = GATE.exec(text); m !== null; m = GATE.exec(text)) {
    const id = LIT_ID.get(m[1])!;
    if (!found[id]) {
      found[id] = 1;
      for (const j of PREFIXES[id]) found[j] = 1;
    }
    GATE.lastIndex = m.index + 1;
  }
  return found;
}

const anyFound = (ids: number[] | null, found: Uint8Array) => ids === null || ids.some((i) => found[i] === 1);

/** Run every rule whose pre-filter passes; returns at most one hit (the strongest) per rule. */
export function runRules(text: string, kind: PromptKind): RuleHit[] {
  const hits: RuleHit[] = [];
  const found = literalsIn(text);
  for (let ri = 0; ri < RULES.length; ri++) {
    const rule = RULES[ri];
    if (!anyFound(RULE_NEED[ri], found) || !anyFound(RULE_NEED2[ri], found)) continue;
    const base = kindWeight(rule, kind);
    if (base === 0) continue;
    const re = rule.re;
    re.lastIndex = 0;
    let best: RuleHit | null = null;
    let count = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (++count > MAX_MATCHES_PER_RULE) break;
      if (rule.negatable && NEG_BEFORE.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
      const f = rule.post ? rule.post(m, text) : 1;
      if (f <= 0) continue;
      const w = base * f;
      if (!best || Math.abs(w) > Math.abs(best.weight))
        best = { rule, weight: w, start: m.index, end: m.index + m[0].length };
    }
    if (best) hits.push(best);
  }
  return hits;
}
