import { cashChannels, nonCashChannels, type Channel } from './contract.js';
import type { PaymentStatsEmulator } from './emulator/server.js';

const nonCash = new Set<Channel>(nonCashChannels);
const cash = new Set<Channel>(cashChannels);

/** Σ of a province's channel counts in a month's current file, computed from the emulator's own figures. */
export function expectedCount(emulator: PaymentStatsEmulator, ky: string, maTinh: string, kind: 'noncash' | 'cash'): number {
  const wanted = kind === 'noncash' ? nonCash : cash;
  return emulator
    .latest(ky)
    .figures.filter((f) => f.maTinh === maTinh && wanted.has(f.kenh))
    .reduce((s, f) => s + f.soLuong, 0);
}

/** The 1-based line of a file on which `text` first appears. */
export function lineOf(bytes: Buffer, text: string): number {
  return bytes.toString('utf8').split('\r\n').findIndex((l) => l.includes(text)) + 1;
}
