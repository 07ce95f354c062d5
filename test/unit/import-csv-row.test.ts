import { describe, expect, it } from 'vitest';
import { FileFormatError, errorReportLine, neutraliseCell, parseRow, resolveHeader } from '../../shared/domain/csv-row';
import { csvRowSchema } from '../../shared/schemas/csv-row';

const HEADER = ['debtor_name', 'debtor_email', 'invoice_number', 'due_date', 'amount', 'currency', 'portfolio'];
const schema = csvRowSchema('EUR');
const header = resolveHeader(HEADER);

function row(cells: Partial<Record<string, string>>) {
  const base: Record<string, string> = { debtor_name: 'Jane Doe', debtor_email: 'jane@example.com', invoice_number: 'INV-1', due_date: '2025-12-31', amount: '12.34', currency: '', portfolio: '' };
  const merged = { ...base, ...cells };
  return parseRow(HEADER.map((h) => merged[h] ?? ''), header, 7, schema);
}

function errorOf(cells: Partial<Record<string, string>>) {
  const r = row(cells);
  if (r.ok) throw new Error('expected a rejection');
  return r.errors;
}

describe('header', () => {
  it('is case-insensitive, order-free, ignores unknown columns and applies the client column map', () => {
    const h = resolveHeader(['Amount', 'Customer', 'INVOICE_NUMBER', 'Due Date', 'shoe size'], { Customer: 'debtor_name' });
    expect(h.columns).toEqual(['amount', 'debtor_name', 'invoice_number', 'due_date', null]);
    expect(h.unknown).toEqual(['shoe size']);
  });

  it('names every missing required column', () => {
    expect(() => resolveHeader(['debtor_name', 'amount'])).toThrow(/missing required columns "invoice_number", "due_date"/);
  });

  it('spots a file separated by semicolons', () => {
    expect(() => resolveHeader(['debtor_name;invoice_number;due_date;amount'])).toThrow(/separated by semicolons; save the file as comma-separated CSV/);
  });

  it('refuses a column given twice', () => {
    expect(() => resolveHeader([...HEADER, 'Amount'])).toThrow(FileFormatError);
  });
});

describe('row validation', () => {
  it('parses a good row into debtor and invoice, amount in minor units, currency defaulting to the client', () => {
    const r = row({ amount: '1234.5' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.row.invoice).toMatchObject({ invoiceNumber: 'INV-1', dueDate: '2025-12-31', amountMinor: 123450, currency: 'EUR' });
    expect(r.row.debtor).toMatchObject({ type: 'person', name: 'Jane Doe', email: 'jane@example.com' });
  });

  it.each([
    ['1,234.56', /no thousands separators/],
    ['-5', /must be greater than 0/],
    ['0', /must be greater than 0/],
    ['abc', /must be a positive decimal number/],
    ['12.345', /EUR has 2 decimal places/],
  ])('rejects amount %s with the row, column and reason', (amount, reason) => {
    const [e] = errorOf({ amount });
    expect(e).toMatchObject({ row: 7, column: 'amount', value: amount });
    expect(e!.message).toMatch(reason);
  });

  it('reads amounts in the row currency (JPY has no decimals)', () => {
    const r = row({ amount: '1500', currency: 'jpy' });
    expect(r.ok && r.row.invoice).toMatchObject({ amountMinor: 1500, currency: 'JPY' });
    expect(errorOf({ amount: '15.5', currency: 'JPY' })[0]!.message).toMatch(/JPY has 0 decimal places/);
  });

  it.each([
    ['31/12/2025', /form YYYY-MM-DD, e.g. 2025-12-31/],
    ['2025-02-30', /2025-02-30 is not a real calendar date/],
    ['', /is required/],
  ])('rejects due date "%s"', (due_date, reason) => {
    const [e] = errorOf({ due_date });
    expect(e).toMatchObject({ column: 'due_date' });
    expect(e!.message).toMatch(reason);
  });

  it('rejects a currency that is not ISO 4217', () => {
    expect(errorOf({ currency: 'EURO' })[0]).toMatchObject({ column: 'currency' });
    expect(errorOf({ currency: 'XYZ' })[0]!.message).toMatch(/not an ISO 4217 currency code/);
  });

  it('rejects a 10 MB field without copying it into the error', () => {
    const [e] = errorOf({ debtor_name: 'x'.repeat(10 * 1024 * 1024) });
    expect(e).toMatchObject({ column: 'debtor_name' });
    expect(e!.message).toMatch(/longer than 200 characters/);
    expect(e!.value!.length).toBeLessThan(300);
  });

  it('rejects bytes that were not UTF-8 (decoded as U+FFFD) naming the column', () => {
    const [e] = errorOf({ debtor_name: 'M\uFFFDller' });
    expect(e).toMatchObject({ row: 7, column: 'debtor_name' });
    expect(e!.message).toMatch(/not UTF-8; save the file as UTF-8/);
  });

  it('reports every bad cell of a row, and a missing required value', () => {
    const errors = errorOf({ debtor_name: ' ', debtor_email: 'not-an-email', amount: 'x' });
    expect(errors.map((e) => e.column).sort()).toEqual(['amount', 'debtor_email', 'debtor_name']);
  });
});

describe('error report', () => {
  it('neutralises formulas so the report is safe in a spreadsheet', () => {
    for (const v of ['=1+1', '+44', '-5', '@SUM(A1)']) expect(neutraliseCell(v)).toBe(`'${v}`);
    expect(neutraliseCell('fine')).toBe('fine');
    expect(errorReportLine({ row: 3, outcome: 'rejected', column: 'amount', message: 'must be greater than 0', value: '-5' })).toBe(`3,rejected,amount,must be greater than 0,'-5\r\n`);
    expect(errorReportLine({ row: 4, outcome: 'rejected', column: 'debtor_name', message: 'a, "b"', value: '=HYPERLINK("x")' })).toBe(`4,rejected,debtor_name,"a, ""b""","'=HYPERLINK(""x"")"\r\n`);
  });
});

describe('rows that do not fit the header', () => {
  it('a row with more cells than the header (an unquoted 1,234.56) is rejected whole, naming the row and the counts', () => {
    const cells = ['Jane Doe', 'jane@example.com', 'INV-1', '2025-12-31', '1', '234.56', 'EUR', ''];
    const r = parseRow(cells, header, 7, schema);
    expect(r).toEqual({ ok: false, errors: [{ row: 7, message: expect.stringMatching(/^has 8 cells but the header has 7 columns/), value: cells.join(',') }] });
  });

  it('a row with fewer cells reads the missing ones as empty', () => {
    const r = parseRow(['Jane Doe', 'jane@example.com', 'INV-1', '2025-12-31', '12.34'], header, 7, schema);
    expect(r.ok && r.row.invoice.amountMinor).toBe(1234);
  });

  it('control characters are refused in text cells; a description may hold line breaks', () => {
    expect(errorOf({ debtor_name: 'Jane\u001bDoe' })).toEqual([expect.objectContaining({ column: 'debtor_name', message: expect.stringMatching(/control characters/) })]);
    expect(errorOf({ invoice_number: 'INV\u00001' })[0]!.column).toBe('invoice_number');
  });
});
