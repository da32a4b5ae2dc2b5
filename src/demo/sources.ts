import { DvcPortalEmulator } from '../../connectors/dvc-portal/emulator/server.js';
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
 * Kiên Giang 91 before July 2025) and Nghệ An (40), and describes one connection per source.
 */
export async function startDemoSources(): Promise<DemoSource[]> {
  const dvc = new DvcPortalEmulator();
  const payments = new PaymentStatsEmulator({ from: firstMonth });
  const patents = new PatentRegistryEmulator({ rateLimit: null });
  const [dvcUrl, paymentsUrl, patentsUrl] = await Promise.all([dvc.start(0), payments.start(0), patents.start(0)]);
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
  ];
}
