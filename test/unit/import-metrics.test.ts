import { afterEach, describe, expect, it, vi } from 'vitest';
import { countImportRows } from '../../shared/adapters/metrics';

/** The dashboard's import graphs read RowsImported and RowsRejected (Count, namespace Recoup) from these EMF lines. */
describe('import metrics', () => {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  afterEach(() => {
    vi.restoreAllMocks();
    if (saved === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = saved;
  });

  function emitted(run: () => void): Record<string, any>[] {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    run();
    write.mockRestore();
    return lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
  }

  it('emits RowsImported and RowsRejected as counts in namespace Recoup', () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const lines = emitted(() => countImportRows(1998, 2));
    const byName = Object.fromEntries(lines.flatMap((l) => l._aws.CloudWatchMetrics.map((m: any) => [m.Metrics[0].Name, { ns: m.Namespace, unit: m.Metrics[0].Unit, value: l[m.Metrics[0].Name] }])));
    expect(byName).toEqual({
      RowsImported: { ns: 'Recoup', unit: 'Count', value: 1998 },
      RowsRejected: { ns: 'Recoup', unit: 'Count', value: 2 },
    });
  });

  it('is silent where metrics are turned off (the local runtime)', () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    expect(emitted(() => countImportRows(5, 0))).toEqual([]);
  });
});
