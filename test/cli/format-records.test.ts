import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, recordsToCsv, recordToJsonLine, summaryRow, SUMMARY_HEADERS } from '../../src/cli/format-records.js';
import { makeRecord } from '../audit/audit-store.contract.js';

/** A small RFC 4180 reader, to check that what we write reads back cell for cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('')).toBe('');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('a=b')).toBe('a=b');
  });
});

describe('recordsToCsv', () => {
  it('writes a header and one row per record that read back exactly', () => {
    const hostile = makeRecord({ requestMessage: '=cmd|"/c calc"!A1, and\r\nmore', reasons: ['first, reason', 'second "quoted"'], ipAddresses: ['10.0.0.4', '10.0.0.5'] });
    const plain = makeRecord({ policy: null, decision: 'ignore' });
    const csv = recordsToCsv([hostile, plain]);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const cell = (row: number, column: (typeof CSV_COLUMNS)[number]): string | undefined => rows[row]?.[CSV_COLUMNS.indexOf(column)];
    expect(cell(1, 'requestMessage')).toBe(`'${hostile.requestMessage}`);
    expect(cell(1, 'reasons')).toBe('first, reason\nsecond "quoted"');
    expect(cell(1, 'ipAddresses')).toBe('10.0.0.4 10.0.0.5');
    expect(cell(1, 'trigger')).toBe(`event:Microsoft.Resources.ResourceWriteSuccess:${(hostile.trigger as { eventId: string }).eventId}`);
    expect(cell(2, 'policy')).toBe('');
    expect(cell(2, 'decision')).toBe('ignore');
    expect(cell(2, 'actionStatus')).toBe('skipped');
  });
});

describe('recordToJsonLine', () => {
  it('is one line that parses back to the record', () => {
    const record = makeRecord({ requestMessage: 'line\nbreak\u2028sep' });
    const line = recordToJsonLine(record);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual(record);
  });
});

describe('summaryRow', () => {
  it('has one cell per header with short names', () => {
    const row = summaryRow(makeRecord({ time: '2024-05-01T10:00:00.123Z' }));
    expect(row).toHaveLength(SUMMARY_HEADERS.length);
    expect(row[0]).toBe('2024-05-01T10:00:00Z');
    expect(row[6]).toBe('PLS-One');
  });
});
