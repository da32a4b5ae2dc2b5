import { readCatalogue } from '../../connectors/dvc-portal/catalogue-stream.js';
import dvcPortal from '../../connectors/dvc-portal/connector.js';
import { monthInVietnam } from '../../connectors/dvc-portal/months.js';
import { readReport } from '../../connectors/dvc-portal/report-stream.js';

/**
 * The dvc-portal connector with its streams' clock set to one instant: "the month of the sync" (the catalogue's
 * snapshot, the report's last month) is the test's own, whatever month Vietnam turns to while the sync runs.
 */
export function dvcPortalAt(at: Date): { readonly connector: typeof dvcPortal; readonly month: string } {
  const now = () => at;
  const connector: typeof dvcPortal = {
    ...dvcPortal,
    streams: [
      { ...streamNamed('dossier-report'), read: (ctx, options) => readReport(ctx, options, now) },
      { ...streamNamed('procedure-catalogue'), read: (ctx, options) => readCatalogue(ctx, options, now) },
    ],
  };
  return { connector, month: monthInVietnam(at) };
}

function streamNamed(name: string): (typeof dvcPortal.streams)[number] {
  const stream = dvcPortal.streams.find((s) => s.name === name);
  if (stream === undefined) throw new Error(`dvc-portal has no stream ${name}`);
  return stream;
}
