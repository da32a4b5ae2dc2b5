/** Exit codes scripts can rely on (README "Exit codes", docs/errors.md). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** Some input rows were rejected; everything else was done. */
  partial: 3,
  unavailable: 69,
  config: 78,
  /** Ctrl-C while following a run: the run carries on in the worker. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What each exit code means, for `lgsp --help` and docs/errors.md. */
export const exitCodeMeanings: Readonly<Record<ExitCode, string>> = {
  0: 'done',
  1: 'failed: the reason is printed with its code',
  2: 'bad usage or invalid input: nothing was written',
  3: 'done, but some input rows were rejected (listed)',
  69: 'PostgreSQL or Redis unreachable',
  78: 'invalid configuration',
  130: 'interrupted while following a run: the run carries on in the worker',
};

/** The exit codes an error can end a command with (0, 3 and 130 are outcomes, not errors). */
export type ErrorExitCode = typeof ExitCode.failure | typeof ExitCode.usage | typeof ExitCode.unavailable | typeof ExitCode.config;
