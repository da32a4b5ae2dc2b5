import { join } from 'node:path';
import type { BoundaryConfig } from '../config/env.js';
import { DvcPortalEmulator } from '../../connectors/dvc-portal/emulator/server.js';
import { GsoPxwebEmulator } from '../../connectors/gso-pxweb/emulator/server.js';
import { writeDepartmentWorkbook } from '../../connectors/spreadsheet/emulator/department-workbook.js';
import { PatentRegistryEmulator } from '../../connectors/patent-registry/emulator/emulator.js';
import { PaymentStatsEmulator } from '../../connectors/payment-stats/emulator/server.js';
import type { NewConnection } from '../warehouse/connections.js';
import type { DemoProvince } from './provinces.js';

/** A running emulator of a source system, and how the demo connects to it for one province. */
export interface DemoSource {
  readonly connectorId: string;
  /** Where its connections reach it: the emulator's URL, or the spreadsheet inbox. */
  readonly endpoint: string;
  /** Secret values the connections' references point at (set in this process's environment, published: `LGSP_SECRET_…`). */
  readonly secrets: Readonly<Record<string, string>>;
  /** The connection covering one province: id `<connector>-<code>`, config `provinces: [code]`. */
  connectionFor(province: DemoProvince): NewConnection;
  stop(): Promise<void>;
}

const firstMonth = '2024-01';

/** The connection of a source for one province: every source connected once per province, keyed alike. */
function provinceConnection(connectorId: string, province: DemoProvince, name: string, config: Readonly<Record<string, unknown>>, secretRefs: NewConnection['secretRefs'] = {}): NewConnection {
  return { id: `${connectorId}-${province.code}`, connectorId, name: `${name} — ${province.name} (${province.code}), emulator`, config: { ...config, provinces: [province.code] }, secretRefs };
}

/**
 * Starts the bundled emulators of the source systems on free ports, each serving An Giang (91; legacy 89 and
 * Kiên Giang 91 before July 2025) and Nghệ An (40), and puts a department's workbook for both in a spreadsheet
 * inbox under `boundary.inboxRoot`. Each source is then connected once per province: every connection keeps to its
 * province's records. Secrets go in variables named with the host's published prefix (`boundary.secretEnvPrefix`).
 */
export async function startDemoSources(boundary: BoundaryConfig): Promise<DemoSource[]> {
  const dvcSecret = `${boundary.secretEnvPrefix}DEMO_DVC_CLIENT`;
  const paymentsKey = `${boundary.secretEnvPrefix}DEMO_PAYMENTS_API_KEY`;
  const dvc = new DvcPortalEmulator();
  const payments = new PaymentStatsEmulator({ from: firstMonth });
  const patents = new PatentRegistryEmulator({ rateLimit: null });
  const gso = new GsoPxwebEmulator();
  const [dvcUrl, paymentsUrl, patentsUrl, gsoUrl] = await Promise.all([dvc.start(0), payments.start(0), patents.start(0), gso.start(0)]);
  const inbox = 'so-khcn';
  await writeDepartmentWorkbook(join(boundary.inboxRoot, inbox));
  return [
    {
      connectorId: 'dvc-portal',
      endpoint: dvcUrl,
      secrets: { [dvcSecret]: dvc.clientSecret },
      connectionFor: (p) =>
        provinceConnection('dvc-portal', p, 'Hệ thống giải quyết TTHC', { baseUrl: dvcUrl, clientId: dvc.clientId, fromMonth: firstMonth }, { client_secret: { env: dvcSecret } }),
      stop: () => dvc.stop(),
    },
    {
      connectorId: 'payment-stats',
      endpoint: paymentsUrl,
      secrets: { [paymentsKey]: payments.apiKey },
      connectionFor: (p) =>
        provinceConnection('payment-stats', p, 'Thống kê thanh toán không dùng tiền mặt (NHNN)', { baseUrl: paymentsUrl, fromMonth: firstMonth }, { api_key: { env: paymentsKey } }),
      stop: () => payments.stop(),
    },
    {
      connectorId: 'patent-registry',
      endpoint: patentsUrl,
      secrets: {},
      connectionFor: (p) => provinceConnection('patent-registry', p, 'Đơn đăng ký sáng chế (Cục SHTT)', { baseUrl: patentsUrl }),
      stop: () => patents.stop(),
    },
    {
      connectorId: 'gso-pxweb',
      endpoint: gsoUrl,
      secrets: {},
      // GRDP is left out on purpose: the province's document averages the digital-economy share unweighted (6.11).
      connectionFor: (p) =>
        provinceConnection('gso-pxweb', p, 'Tổng cục Thống kê, PX-Web', {
          baseUrl: gsoUrl,
          database: 'DanSo',
          tables: [
            { table: 'V02.01.px', indicator: 'POPULATION' },
            { table: 'V02.01.2025.px', indicator: 'POPULATION' },
            { table: 'V12.01.px', database: 'KinhTeSo', indicator: 'DIGITAL_ECONOMY_SHARE' },
          ],
          years: { from: 2020, to: 2025 },
        }),
      stop: () => gso.stop(),
    },
    {
      connectorId: 'spreadsheet',
      endpoint: join(boundary.inboxRoot, inbox),
      secrets: {},
      connectionFor: (p) => provinceConnection('spreadsheet', p, 'Sổ liệu của Sở KH&CN (bảng tính)', { inbox }),
      stop: () => Promise.resolve(),
    },
  ];
}
