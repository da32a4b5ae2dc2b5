import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DvcPortalEmulator } from '../../connectors/dvc-portal/emulator/server.js';
import { GsoPxwebEmulator } from '../../connectors/gso-pxweb/emulator/server.js';
import { writeDepartmentWorkbook } from '../../connectors/spreadsheet/emulator/department-workbook.js';
import { PatentRegistryEmulator } from '../../connectors/patent-registry/emulator/emulator.js';
import { PaymentStatsEmulator } from '../../connectors/payment-stats/emulator/server.js';
import type { NewConnection } from '../warehouse/connections.js';

/** A running emulator and the connection the demo makes to it. */
export interface DemoSource {
  readonly connection: NewConnection;
  /** Secret values the connection's references point at (set in this process's environment). */
  readonly secrets: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

const firstMonth = '2024-01';

/**
 * Starts the bundled emulators of the source systems on free ports, each serving An Giang (91; legacy 89 and
 * Kiên Giang 91 before July 2025) and Nghệ An (40), puts a department's workbook in a spreadsheet inbox, and
 * describes one connection per source.
 */
export async function startDemoSources(): Promise<DemoSource[]> {
  const dvc = new DvcPortalEmulator();
  const payments = new PaymentStatsEmulator({ from: firstMonth });
  const patents = new PatentRegistryEmulator({ rateLimit: null });
  const gso = new GsoPxwebEmulator();
  const [dvcUrl, paymentsUrl, patentsUrl, gsoUrl] = await Promise.all([dvc.start(0), payments.start(0), patents.start(0), gso.start(0)]);
  const inbox = join(tmpdir(), 'lgsp-demo-inbox');
  await writeDepartmentWorkbook(inbox);
  return [
    {
      connection: {
        id: 'demo-dvc-portal',
        connectorId: 'dvc-portal',
        name: 'Hệ thống giải quyết TTHC (An Giang, Nghệ An) — emulator',
        config: { baseUrl: dvcUrl, clientId: dvc.clientId, fromMonth: firstMonth },
        secretRefs: { client_secret: { env: 'LGSP_DEMO_DVC_CLIENT_SECRET' } },
      },
      secrets: { LGSP_DEMO_DVC_CLIENT_SECRET: dvc.clientSecret },
      stop: () => dvc.stop(),
    },
    {
      connection: {
        id: 'demo-payment-stats',
        connectorId: 'payment-stats',
        name: 'Thống kê thanh toán không dùng tiền mặt (NHNN) — emulator',
        config: { baseUrl: paymentsUrl, fromMonth: firstMonth },
        secretRefs: { api_key: { env: 'LGSP_DEMO_PAYMENTS_API_KEY' } },
      },
      secrets: { LGSP_DEMO_PAYMENTS_API_KEY: payments.apiKey },
      stop: () => payments.stop(),
    },
    {
      connection: {
        id: 'demo-patent-registry',
        connectorId: 'patent-registry',
        name: 'Đơn đăng ký sáng chế (Cục SHTT) — emulator',
        config: { baseUrl: patentsUrl },
        secretRefs: {},
      },
      secrets: {},
      stop: () => patents.stop(),
    },
    {
      connection: {
        id: 'demo-gso-pxweb',
        connectorId: 'gso-pxweb',
        name: 'Tổng cục Thống kê, PX-Web — emulator',
        // GRDP is left out on purpose: the province's document averages the digital-economy share unweighted (6.11).
        config: {
          baseUrl: gsoUrl,
          database: 'DanSo',
          tables: [
            { table: 'V02.01.px', indicator: 'POPULATION' },
            { table: 'V02.01.2025.px', indicator: 'POPULATION' },
            { table: 'V12.01.px', database: 'KinhTeSo', indicator: 'DIGITAL_ECONOMY_SHARE' },
          ],
          provinces: ['91', '40'],
          years: { from: 2020, to: 2025 },
        },
        secretRefs: {},
      },
      secrets: {},
      stop: () => gso.stop(),
    },
    {
      connection: {
        id: 'demo-spreadsheet',
        connectorId: 'spreadsheet',
        name: 'Sổ liệu của Sở KH&CN (bảng tính) — demo inbox',
        config: { inbox },
        secretRefs: {},
      },
      secrets: {},
      stop: () => Promise.resolve(),
    },
  ];
}
