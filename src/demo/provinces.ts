/** A province the demo connects every source for. */
export interface DemoProvince {
  /** Current GSO code (since 2025-07-01): the connection covers the legacy provinces merged into it too. */
  readonly code: string;
  readonly name: string;
}

export const demoProvinces: readonly DemoProvince[] = [
  { code: '91', name: 'An Giang' },
  { code: '40', name: 'Nghệ An' },
];
