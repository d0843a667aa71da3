import { describe, expect, it } from 'vitest';
import {
  cardBrand,
  countSensitive,
  findSensitive,
  ibanValid,
  jwtValid,
  luhnValid,
  mask,
  redactSensitive,
  type SensitiveType,
  ssnValid,
} from './index.js';

const types = (text: string) => findSensitive(text).map((m) => m.type);
const values = (text: string, type: SensitiveType) =>
  findSensitive(text)
    .filter((m) => m.type === type)
    .map((m) => text.slice(m.start, m.end));

describe('payment cards', () => {
  it('validates Luhn and issuer ranges', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(cardBrand('4111111111111111')).toBe('visa');
    expect(cardBrand('5555555555554444')).toBe('mastercard');
    expect(cardBrand('378282246310005')).toBe('amex');
    expect(cardBrand('1234567812345670')).toBeNull();
  });
  it('finds cards with or without consistent separators', () => {
    const text =
      'Visa 4111 1111 1111 1111, MC 5555-5555-5555-4444, Amex 3782 822463 10005, plain 4012888888881881.';
    expect(values(text, 'credit_card')).toEqual([
      '4111 1111 1111 1111',
      '5555-5555-5555-4444',
      '3782 822463 10005',
      '4012888888881881',
    ]);
  });
  it('rejects Luhn failures, unknown issuers, odd grouping and long digit runs', () => {
    expect(types('card 4111 1111 1111 1112')).not.toContain('credit_card');
    expect(types('ref 1234567812345670')).not.toContain('credit_card');
    expect(types('4111-1111 1111-1111')).not.toContain('credit_card');
    expect(types('tracking 41111111111111110000')).not.toContain('credit_card');
  });
});

describe('US SSN', () => {
  it('applies area / group / serial rules', () => {
    expect(ssnValid('123', '45', '6789')).toBe(true);
    expect(ssnValid('000', '45', '6789')).toBe(false);
    expect(ssnValid('666', '45', '6789')).toBe(false);
    expect(ssnValid('912', '45', '6789')).toBe(false);
    expect(ssnValid('123', '00', '6789')).toBe(false);
    expect(ssnValid('123', '45', '0000')).toBe(false);
  });
  it('finds dashed SSNs, and compact ones only next to a context word', () => {
    expect(values('SSN: 123-45-6789', 'us_ssn')).toEqual(['123-45-6789']);
    expect(values('id 666-45-6789 and 900-12-3456', 'us_ssn')).toEqual([]);
    expect(values('social security number 123456789', 'us_ssn')).toEqual(['123456789']);
    expect(values('order 123456789 shipped', 'us_ssn')).toEqual([]);
  });
});

describe('IBAN', () => {
  it('checks mod-97 and country length', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82WEST12345698765431')).toBe(false);
    expect(ibanValid('DE8937040044053201300')).toBe(false);
    expect(ibanValid('XX82WEST12345698765432')).toBe(false);
  });
  it('finds IBANs with spaces, without taking the next word', () => {
    const text = 'Pay to DE89 3704 0044 0532 0130 00 AND NOT to GB82 WEST 1234 5698 7654 31.';
    expect(values(text, 'iban')).toEqual(['DE89 3704 0044 0532 0130 00']);
  });
});

describe('credentials', () => {
  it('finds AWS access key ids and secret keys near them', () => {
    const text =
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(types(text)).toEqual(['aws_access_key_id', 'aws_secret_access_key']);
    expect(types('ASIAY34FZKBOKMUTVV7A')).toEqual(['aws_access_key_id']);
  });
  it('does not take a random 40-character string or a SHA-1 for a secret key', () => {
    expect(types('commit 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12')).toEqual([]);
    expect(types('token wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in a random place')).toEqual([]);
    expect(types('AKIA1234567890123456')).toEqual([]); // digits 0/1/8/9 are not base32
  });
  it('finds PEM private keys as one block', () => {
    const pem =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const r = findSensitive(`key:\n${pem}\nend`);
    expect(r.map((m) => m.type)).toEqual(['private_key']);
    expect(r[0].end - r[0].start).toBe(pem.length);
  });
  it('finds JWTs whose header decodes to JSON with alg', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(jwtValid(jwt)).toBe(true);
    expect(values(`Authorization: Bearer ${jwt}`, 'jwt')).toEqual([jwt]);
    expect(jwtValid('eyJub3QiOiJhbGcifQ.eyJhIjoxfQ.sig')).toBe(false);
  });
});

describe('contact data', () => {
  it('finds emails', () => {
    expect(values('write to john.doe+ir@mail.example.co.uk today', 'email')).toEqual([
      'john.doe+ir@mail.example.co.uk',
    ]);
  });
  it('finds phone numbers but not order numbers, dates or versions', () => {
    expect(values('Call +1 415-555-2671 or (415) 555-2671', 'phone')).toEqual([
      '+1 415-555-2671',
      '(415) 555-2671',
    ]);
    expect(values('tel: 020 7946 0958', 'phone')).toEqual(['020 7946 0958']);
    expect(values('Order #415-555-2671 was refunded on 2024-01-15', 'phone')).toEqual([]);
    expect(values('released 2024-01-15 10:22, build 12345678', 'phone')).toEqual([]);
  });
  it('finds passports next to the word and IPv4 addresses', () => {
    expect(values('Passport No: X1234567', 'passport')).toEqual(['X1234567']);
    expect(values('from 203.0.113.7 to 10.0.0.1 (v1.2.3.4 is a version)', 'ipv4')).toEqual([
      '203.0.113.7',
      '10.0.0.1',
    ]);
  });
});

describe('masking', () => {
  it('uses readable masked forms', () => {
    expect(mask('4111 1111 1111 1111', 'credit_card')).toBe('**** **** **** 1111');
    expect(mask('john.doe@example.com', 'email')).toBe('j***@example.com');
    expect(mask('123-45-6789', 'us_ssn')).toBe('***-**-6789');
  });
  it('never returns the full value', () => {
    const samples: [string, SensitiveType][] = [
      ['4111111111111111', 'credit_card'],
      ['123-45-6789', 'us_ssn'],
      ['GB82WEST12345698765432', 'iban'],
      ['AKIAIOSFODNN7EXAMPLE', 'aws_access_key_id'],
      ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key'],
      ['-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----', 'private_key'],
      ['eyJhbGciOiJub25lIn0.eyJhIjoxfQ.', 'jwt'],
      ['a@b.co', 'email'],
      ['+1 415-555-2671', 'phone'],
      ['12', 'phone'],
      ['X1234567', 'passport'],
      ['10.0.0.1', 'ipv4'],
    ];
    for (const [v, t] of samples) {
      const m = mask(v, t);
      expect(m, `${t}: ${v}`).not.toBe(v);
      expect(m.includes(v), `${t}: ${v}`).toBe(false);
    }
    const text =
      'card 4111 1111 1111 1111 mail john.doe@example.com key AKIAIOSFODNN7EXAMPLE ssn 123-45-6789';
    for (const m of findSensitive(text)) expect(m.masked.includes(text.slice(m.start, m.end))).toBe(false);
    const red = redactSensitive(text);
    expect(red).not.toContain('4111 1111 1111 1111');
    expect(red).not.toContain('john.doe@example.com');
    expect(red).toContain('j***@example.com');
  });
});

describe('counting', () => {
  it('counts per type', () => {
    expect(countSensitive('a@b.co, c@d.org and 4111 1111 1111 1111')).toEqual({ email: 2, credit_card: 1 });
    expect(countSensitive('nothing here')).toEqual({});
  });
  it('finishes on adversarial inputs', () => {
    for (const t of [
      '1'.repeat(100_000),
      `${'a'.repeat(70)}@`.repeat(2_000),
      '+1'.repeat(30_000),
      'eyJ'.repeat(30_000),
      'DE89 '.repeat(20_000),
    ])
      expect(Array.isArray(findSensitive(t))).toBe(true);
  });
});
