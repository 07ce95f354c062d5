import { describe, expect, it } from 'vitest';
import { matchKeys } from '../../shared/domain/matching';
import { normaliseEmail, normaliseName, normalisePhone, normalisePostcode } from '../../shared/domain/normalise';

const debtor = (d: Partial<{ name: string; email: string; phone: string; postcode: string; country: string }>) => ({
  clientCaseNumber: undefined as string | undefined,
  debtor: { type: 'person' as const, name: d.name ?? 'Jane Doe', email: d.email, phone: d.phone, address: { line1: undefined, line2: undefined, city: undefined, country: undefined, postcode: d.postcode }, country: d.country, timezone: undefined },
});

describe('normalisation', () => {
  it('emails: trimmed, lower-case', () => {
    expect(normaliseEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
    expect(normaliseEmail('')).toBeUndefined();
  });

  it('phones: E.164 from national formats with the country, 00 prefixes and punctuation', () => {
    expect(normalisePhone('07700 900123', 'GB')).toBe('+447700900123');
    expect(normalisePhone('+44 (0)7700-900-123', 'GB')).toBe('+447700900123');
    expect(normalisePhone('0044 7700 900123')).toBe('+447700900123');
    expect(normalisePhone('06 12345678', 'NL')).toBe('+31612345678');
    expect(normalisePhone('12')).toBeUndefined();
  });

  it('names: no case, accents or punctuation; postcodes: no case or spaces', () => {
    expect(normaliseName('  Müller-Lüdenscheidt,  J. ')).toBe('muller ludenscheidt j');
    expect(normalisePostcode('sw1a 1aa')).toBe('SW1A1AA');
  });
});

describe('match keys', () => {
  const opts = { matchOnClientCaseNumber: false, defaultCountry: 'GB' };

  it('email rule: the same email written differently gives the same key', () => {
    expect(matchKeys(debtor({ email: 'JANE@x.com' }), opts).debtor).toContain('email:jane@x.com');
    expect(matchKeys(debtor({ email: ' jane@X.com' }), opts).debtor).toContain('email:jane@x.com');
  });

  it('phone rule: national and international forms meet (country from the row, else the client)', () => {
    expect(matchKeys(debtor({ phone: '07700 900123' }), opts).debtor).toEqual(['phone:+447700900123']);
    expect(matchKeys(debtor({ phone: '+447700900123', country: 'FR' }), opts).debtor).toEqual(['phone:+447700900123']);
  });

  it('name + postcode rule: both needed, a name alone never matches', () => {
    expect(matchKeys(debtor({ name: 'JANE  doe', postcode: 'sw1a1aa' }), opts).debtor).toEqual(['np:jane doe|SW1A1AA']);
    expect(matchKeys(debtor({ name: 'Jane Doe' }), opts).debtor).toEqual([]);
  });

  it('keys come strongest first; the client case number only when the client matches on it', () => {
    const row = { ...debtor({ email: 'a@b.c', phone: '07700900123', postcode: 'N1 1AA' }), clientCaseNumber: ' k-9 ' };
    expect(matchKeys(row, opts)).toEqual({ caseNumber: undefined, debtor: ['email:a@b.c', 'phone:+447700900123', 'np:jane doe|N11AA'] });
    expect(matchKeys(row, { ...opts, matchOnClientCaseNumber: true }).caseNumber).toBe('ccn:K-9');
  });
});
