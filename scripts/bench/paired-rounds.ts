/**
 * Rounds of a benchmark row, paired: in each round every participant (PACScribe, Orthanc, the ceilings)
 * runs the row back to back, so a comparison is made within a round, seconds apart, and the drift of this
 * shared machine between rounds falls on both sides of each pair alike.
 */

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** The participants in round `round`'s order (0-based): each starts one round in turn, none is always first. */
export function rotated<T>(participants: readonly T[], round: number): T[] {
  const shift = ((round % participants.length) + participants.length) % participants.length;
  return [...participants.slice(shift), ...participants.slice(0, shift)];
}

export interface PairedFigure {
  median: number;
  min: number;
  max: number;
  /** Rounds both sides ran. */
  pairs: number;
}

function paired(
  ours: readonly number[],
  theirs: readonly number[],
  compare: (a: number, b: number) => number | null,
): PairedFigure | null {
  const figures: number[] = [];
  for (let round = 0; round < Math.min(ours.length, theirs.length); round += 1) {
    const figure = compare(ours[round] as number, theirs[round] as number);
    if (figure !== null && Number.isFinite(figure)) figures.push(figure);
  }
  if (figures.length === 0) return null;
  return {
    median: median(figures),
    min: Math.min(...figures),
    max: Math.max(...figures),
    pairs: figures.length,
  };
}

/** Each round's ours / theirs (rates: how much of theirs ours kept), summarized over the rounds. */
export const pairedRatio = (ours: readonly number[], theirs: readonly number[]) =>
  paired(ours, theirs, (a, b) => (b > 0 ? a / b : null));

/** Each round's ours − theirs (latencies: the milliseconds ours adds), summarized over the rounds. */
export const pairedDifference = (ours: readonly number[], theirs: readonly number[]) =>
  paired(ours, theirs, (a, b) => a - b);
