import { pairedDifference, pairedRatio, rotated } from '../../../scripts/bench/paired-rounds';

describe('paired benchmark rounds', () => {
  it('rotates who runs first, so each participant leads one round in turn', () => {
    const order = ['pacscribe', 'orthanc', 'ceiling'];
    expect(rotated(order, 0)).toEqual(['pacscribe', 'orthanc', 'ceiling']);
    expect(rotated(order, 1)).toEqual(['orthanc', 'ceiling', 'pacscribe']);
    expect(rotated(order, 2)).toEqual(['ceiling', 'pacscribe', 'orthanc']);
    expect(rotated(order, 3)).toEqual(order);
  });

  it('compares within each round, so drift between rounds does not decide the ratio', () => {
    // The machine slowed by half in the second round and sped up in the third: both sides moved with it.
    const ours = [80, 40, 160];
    const ceiling = [100, 50, 200];
    expect(pairedRatio(ours, ceiling)).toEqual({ median: 0.8, min: 0.8, max: 0.8, pairs: 3 });
  });

  it('gives the spread of the per-round figures and the median of an even count', () => {
    expect(pairedRatio([90, 70, 60, 100], [100, 100, 100, 100])).toEqual({
      median: 0.8,
      min: 0.6,
      max: 1,
      pairs: 4,
    });
  });

  it('gives latency rows as milliseconds added per round', () => {
    expect(pairedDifference([26, 30, 24], [20, 21, 19])).toEqual({ median: 6, min: 5, max: 9, pairs: 3 });
  });

  it('pairs only rounds both sides ran, and skips a round whose reference is zero', () => {
    expect(pairedRatio([50, 60, 70], [100, 0])).toEqual({ median: 0.5, min: 0.5, max: 0.5, pairs: 1 });
    expect(pairedRatio([50], [])).toBeNull();
  });
});
