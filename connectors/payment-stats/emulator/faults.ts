import type { TransportFaults } from '../../../src/connector-sdk/emulator/transport-faults.js';

/** Faults an emulator instance injects, each consumed as it fires; a reset cuts a file download. */
export interface EmulatorFaults extends TransportFaults {
  /** Serve corrupted bytes for the next N downloads (of `tep` only, when given): the sha256 no longer matches. */
  corruptFiles?: { count: number; tep?: string };
}

/** Whether this download of `tep` is served corrupted, consuming the fault. */
export function takeCorruption(f: EmulatorFaults, tep: string): boolean {
  const c = f.corruptFiles;
  if (!c || c.count <= 0 || (c.tep !== undefined && c.tep !== tep)) return false;
  c.count--;
  return true;
}

/** The bytes with one digit of the first data row changed: still a valid-looking file, but not the published one. */
export function corrupt(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const firstRow = copy.indexOf(0x0a) + 1;
  const lastSeparator = copy.lastIndexOf(0x3b, copy.indexOf(0x0a, firstRow));
  for (let i = lastSeparator - 1; i > firstRow; i--) {
    const b = copy[i];
    if (b !== undefined && b >= 0x30 && b <= 0x39) {
      copy[i] = 0x30 + ((b - 0x30 + 1) % 10);
      return copy;
    }
  }
  return copy;
}
