import type { TransportFaults } from '../../../src/connector-sdk/emulator/transport-faults.js';

/** Faults an emulator instance injects, each consumed as it fires; a reset cuts a query answer (POST). */
export type EmulatorFaults = TransportFaults;
