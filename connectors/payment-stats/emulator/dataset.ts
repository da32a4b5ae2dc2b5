import { cashChannels, channels, type Channel } from '../contract.js';

/** One province's figure for one channel and month, as the branch reports it. */
export interface ChannelFigure {
  readonly maTinh: string;
  readonly tenTinh: string;
  readonly kenh: Channel;
  readonly soLuong: number;
  /** Giá trị giao dịch in millions of đồng, in hundredths (two decimals kept exactly). */
  readonly giaTriPhanTram: number;
}

interface Profile {
  /** Transactions in January 2024 for a province of scale 1 (legacy An Giang). */
  readonly base: number;
  /** Growth per month. */
  readonly growth: number;
  /** Average amount per transaction, millions of đồng. */
  readonly ticket: number;
}

const profiles: Readonly<Record<Channel, Profile>> = {
  'Internet Banking': { base: 1_200_000, growth: -0.006, ticket: 4.2 },
  'Mobile Banking': { base: 7_500_000, growth: 0.021, ticket: 0.85 },
  POS: { base: 900_000, growth: 0.006, ticket: 0.95 },
  'QR code': { base: 1_100_000, growth: 0.038, ticket: 0.21 },
  'Ví điện tử': { base: 1_800_000, growth: 0.017, ticket: 0.15 },
  'Chuyển khoản qua quầy': { base: 210_000, growth: -0.01, ticket: 120 },
  'Rút tiền mặt tại ATM': { base: 4_600_000, growth: -0.009, ticket: 2.3 },
  'Rút tiền mặt tại quầy': { base: 1_100_000, growth: -0.012, ticket: 45 },
};

/** The provinces a file lists in a month: legacy codes and names before the 2025-07-01 reform, the merged ones after. */
export function provincesOf(ky: string): readonly { readonly maTinh: string; readonly tenTinh: string; readonly scale: number }[] {
  return ky < '2025-07'
    ? [
        { maTinh: '89', tenTinh: 'Tỉnh An Giang', scale: 1 },
        { maTinh: '91', tenTinh: 'Tỉnh Kiên Giang', scale: 0.88 },
        { maTinh: '40', tenTinh: 'Tỉnh Nghệ An', scale: 1.45 },
      ]
    : [
        { maTinh: '91', tenTinh: 'Tỉnh An Giang', scale: 1.9 },
        { maTinh: '40', tenTinh: 'Tỉnh Nghệ An', scale: 1.45 },
      ];
}

/** Months of Tết (Lunar New Year): cash withdrawals jump, payments too; the month after is quieter. */
const tetMonths = new Set(['2024-02', '2025-01', '2026-02', '2027-02']);

function seasonality(ky: string, cash: boolean): number {
  if (tetMonths.has(ky)) return cash ? 1.45 : 1.18;
  if (tetMonths.has(previousMonth(ky))) return 0.92;
  return ky.endsWith('-12') ? 1.06 : 1;
}

/** A deterministic number in [-1, 1) for a text (FNV-1a, then a xorshift round). */
function noise(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return ((h >>> 0) / 0x100000000) * 2 - 1;
}

/** Every figure of a month, generated the same way on every run. */
export function generateMonth(ky: string): ChannelFigure[] {
  const t = monthsBetween('2024-01', ky);
  const cash = new Set<string>(cashChannels);
  return provincesOf(ky).flatMap((p) =>
    channels.map((kenh) => {
      const profile = profiles[kenh];
      const soLuong = Math.round(profile.base * p.scale * (1 + profile.growth) ** t * seasonality(ky, cash.has(kenh)) * (1 + 0.03 * noise(`${ky}|${p.maTinh}|${kenh}`)));
      const giaTriPhanTram = Math.round(soLuong * profile.ticket * (1 + 0.05 * noise(`${kenh}|${p.maTinh}|${ky}`)) * 100);
      return { maTinh: p.maTinh, tenTinh: p.tenTinh, kenh, soLuong, giaTriPhanTram };
    }),
  );
}

export function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5)) - Number(from.slice(5));
}

export function addMonths(ky: string, n: number): string {
  const index = Number(ky.slice(0, 4)) * 12 + Number(ky.slice(5)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export const previousMonth = (ky: string): string => addMonths(ky, -1);

export function monthRange(from: string, to: string): string[] {
  return Array.from({ length: monthsBetween(from, to) + 1 }, (_, i) => addMonths(from, i));
}
