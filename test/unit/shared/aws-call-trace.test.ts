import { sequentialRoundTrips } from '../../../scripts/local/aws-call-trace';

describe('sequential round trips of one request (critical path)', () => {
  it('counts calls that follow one another, and overlapping calls once', () => {
    expect(sequentialRoundTrips([])).toBe(0);
    // membership read, then index read and an S3 read together, then the audit write
    expect(
      sequentialRoundTrips([
        { start: 0, end: 5 },
        { start: 6, end: 10 },
        { start: 6, end: 12 },
        { start: 13, end: 20 },
      ]),
    ).toBe(3);
    expect(
      sequentialRoundTrips([
        { start: 0, end: 10 },
        { start: 1, end: 3 },
        { start: 4, end: 6 },
        { start: 7, end: 9 },
      ]),
    ).toBe(3);
    expect(
      sequentialRoundTrips([
        { start: 0, end: 10 },
        { start: 2, end: 8 },
      ]),
    ).toBe(1);
  });
});
