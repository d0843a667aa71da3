/**
 * A small dictionary of the MITRE ATT&CK (cloud) and ATLAS techniques genai-ir rules use, for names
 * and tactics in exports. Unknown ids are exported with their id only.
 */

export interface Technique {
  name: string;
  /** ATT&CK tactic names (Enterprise matrix wording) */
  tactics: string[];
}

export const TECHNIQUES: Record<string, Technique> = {
  T1078: {
    name: 'Valid Accounts',
    tactics: ['Initial Access', 'Persistence', 'Privilege Escalation', 'Defense Evasion'],
  },
  'T1078.004': {
    name: 'Valid Accounts: Cloud Accounts',
    tactics: ['Initial Access', 'Persistence', 'Privilege Escalation', 'Defense Evasion'],
  },
  T1098: { name: 'Account Manipulation', tactics: ['Persistence', 'Privilege Escalation'] },
  'T1098.001': {
    name: 'Account Manipulation: Additional Cloud Credentials',
    tactics: ['Persistence', 'Privilege Escalation'],
  },
  'T1098.003': {
    name: 'Account Manipulation: Additional Cloud Roles',
    tactics: ['Persistence', 'Privilege Escalation'],
  },
  T1136: { name: 'Create Account', tactics: ['Persistence'] },
  'T1136.003': { name: 'Create Account: Cloud Account', tactics: ['Persistence'] },
  T1190: { name: 'Exploit Public-Facing Application', tactics: ['Initial Access'] },
  T1199: { name: 'Trusted Relationship', tactics: ['Initial Access'] },
  T1526: { name: 'Cloud Service Discovery', tactics: ['Discovery'] },
  T1580: { name: 'Cloud Infrastructure Discovery', tactics: ['Discovery'] },
  'T1087.004': { name: 'Account Discovery: Cloud Account', tactics: ['Discovery'] },
  T1069: { name: 'Permission Groups Discovery', tactics: ['Discovery'] },
  'T1069.003': { name: 'Permission Groups Discovery: Cloud Groups', tactics: ['Discovery'] },
  T1530: { name: 'Data from Cloud Storage', tactics: ['Collection'] },
  T1213: { name: 'Data from Information Repositories', tactics: ['Collection'] },
  T1537: { name: 'Transfer Data to Cloud Account', tactics: ['Exfiltration'] },
  T1567: { name: 'Exfiltration Over Web Service', tactics: ['Exfiltration'] },
  T1562: { name: 'Impair Defenses', tactics: ['Defense Evasion'] },
  'T1562.001': { name: 'Impair Defenses: Disable or Modify Tools', tactics: ['Defense Evasion'] },
  'T1562.008': { name: 'Impair Defenses: Disable or Modify Cloud Logs', tactics: ['Defense Evasion'] },
  T1535: { name: 'Unused/Unsupported Cloud Regions', tactics: ['Defense Evasion'] },
  T1496: { name: 'Resource Hijacking', tactics: ['Impact'] },
  'T1496.004': { name: 'Resource Hijacking: Cloud Service Hijacking', tactics: ['Impact'] },
  T1565: { name: 'Data Manipulation', tactics: ['Impact'] },
  'T1565.001': { name: 'Data Manipulation: Stored Data Manipulation', tactics: ['Impact'] },
  T1485: { name: 'Data Destruction', tactics: ['Impact'] },
  T1648: { name: 'Serverless Execution', tactics: ['Execution'] },
  'T1059.009': { name: 'Command and Scripting Interpreter: Cloud API', tactics: ['Execution'] },
  T1651: { name: 'Cloud Administration Command', tactics: ['Execution'] },
  'T1552.005': { name: 'Unsecured Credentials: Cloud Instance Metadata API', tactics: ['Credential Access'] },
  'T1555.006': {
    name: 'Credentials from Password Stores: Cloud Secrets Management Stores',
    tactics: ['Credential Access'],
  },
  'T1021.007': { name: 'Remote Services: Cloud Services', tactics: ['Lateral Movement'] },
  'AML.T0051': { name: 'LLM Prompt Injection', tactics: ['Execution'] },
  'AML.T0051.000': { name: 'LLM Prompt Injection: Direct', tactics: ['Execution'] },
  'AML.T0051.001': { name: 'LLM Prompt Injection: Indirect', tactics: ['Execution'] },
  'AML.T0054': { name: 'LLM Jailbreak', tactics: ['Privilege Escalation', 'Defense Evasion'] },
  'AML.T0056': { name: 'LLM Meta Prompt Extraction', tactics: ['Discovery'] },
  'AML.T0057': { name: 'LLM Data Leakage', tactics: ['Exfiltration'] },
  'AML.T0070': { name: 'RAG Poisoning', tactics: ['Persistence'] },
  'AML.T0020': { name: 'Poison Training Data', tactics: ['Persistence'] },
  'AML.T0018': { name: 'Backdoor ML Model', tactics: ['Persistence'] },
  'AML.T0034': { name: 'Cost Harvesting', tactics: ['Impact'] },
  'AML.T0040': { name: 'ML Model Inference API Access', tactics: ['Initial Access'] },
  'AML.T0053': { name: 'LLM Plugin Compromise', tactics: ['Execution', 'Privilege Escalation'] },
  'AML.T0024': { name: 'Exfiltration via ML Inference API', tactics: ['Exfiltration'] },
  'AML.T0048.004': { name: 'External Harms: ML Intellectual Property Theft', tactics: ['Impact'] },
};

/** ATT&CK id pattern (Tnnnn, Tnnnn.nnn) or ATLAS (AML.Tnnnn[.nnn]). */
export function isTechniqueId(s: string): boolean {
  return /^(AML\.)?T\d{4}(\.\d{3})?$/.test(s);
}

/** The technique's name, when known (exact id only). */
export function techniqueName(id: string): string | undefined {
  return TECHNIQUES[id]?.name;
}

/** The technique's tactics; a sub-technique falls back to its parent's. */
export function tacticsOf(id: string): string[] {
  return (TECHNIQUES[id] ?? TECHNIQUES[id.replace(/\.\d{3}$/, '')])?.tactics ?? [];
}
