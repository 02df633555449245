import { describe, expect, it } from 'vitest';
import { tableToCsv } from '../../../src/ui/export/viewExport.ts';

describe('CSV export', () => {
  it('quotes per RFC 4180 and leaves missing values empty', () => {
    const csv = tableToCsv({
      columns: ['name', 'value'],
      rows: [
        ['plain', 1.5],
        ['with, comma', null],
        ['say "hi"', Number.NaN],
        ['two\nlines', -2],
      ],
    });
    expect(csv).toBe('name,value\nplain,1.5\n"with, comma",\n"say ""hi""",\n"two\nlines",-2\n');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const csv = tableToCsv({ columns: ['=SUM(A1)'], rows: [['+cmd'], ['@x'], ['-1+1'], ['ok']] });
    expect(csv).toBe("'=SUM(A1)\n'+cmd\n'@x\n'-1+1\nok\n");
  });
});
