import type { ChainedAuditRecord } from '../../../functions/audit/core/archive';
import { archiveBacklog } from '../../../scripts/local/audit-witness';

/** A stream holding `count` records, which answers each read with at most the limit it is given. */
function streamOf(count: number) {
  const waiting = Array.from({ length: count }, (_, index) => ({ seq: index + 1 }) as ChainedAuditRecord);
  const limits: number[] = [];
  return {
    limits,
    newRecords: async (limit: number) => {
      limits.push(limit);
      return waiting.splice(0, limit);
    },
  };
}

describe("the local audit witness's batches", () => {
  it('reads and archives a backlog one batch at a time, never holding more than a batch', async () => {
    const stream = streamOf(250);
    const archived: number[][] = [];
    await archiveBacklog(
      stream,
      async (records) => archived.push(records.map(({ seq }) => seq)),
      () => false,
      100,
    );
    // Every read asks for a batch only: DynamoDB Local would answer 1,000 records of any size at once.
    expect(stream.limits).toEqual([100, 100, 100]);
    expect(archived.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(archived.flat()).toEqual(Array.from({ length: 250 }, (_, index) => index + 1));
  });

  it('reads once more after a full last batch, and archives nothing from an empty read', async () => {
    const stream = streamOf(200);
    const archive = jest.fn(async () => undefined);
    await archiveBacklog(stream, archive, () => false, 100);
    expect(stream.limits).toEqual([100, 100, 100]);
    expect(archive).toHaveBeenCalledTimes(2);
  });

  it('stops between batches once told to, leaving the rest for the next start', async () => {
    const stream = streamOf(1000);
    let stopped = false;
    const archive = jest.fn(async () => {
      stopped = true;
    });
    await archiveBacklog(stream, archive, () => stopped, 100);
    expect(archive).toHaveBeenCalledTimes(1);
    expect(stream.limits).toEqual([100]);
  });
});
