/** A row of a reference file that could not be used. Reported, never guessed around. */
export interface LoadProblem {
  readonly file: string;
  /** Physical line in the file, 1-based. */
  readonly line: number;
  readonly reason: string;
}

export function formatProblem(p: LoadProblem): string {
  return `${p.file}:${p.line}: ${p.reason}`;
}
