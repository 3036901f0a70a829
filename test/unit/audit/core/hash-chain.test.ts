import type { ChainedAuditRecord } from '../../../../functions/audit/core/archive';
import { buildAuditRecord, ChainedAuditLog } from '../../../../functions/audit/core/audit-trail';
import { chainRecord, recordHash, verifyChain } from '../../../../functions/audit/core/hash-chain';
import type { AuditRecord } from '../../../../schemas/audit/audit-event';

/** A small deterministic PRNG so a failure can be replayed from its seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  return (below: number) => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return state % below;
  };
}

function record(orgId: string, n: number): AuditRecord {
  return buildAuditRecord(
    {
      event: n % 3 === 0 ? 'user-read' : 'account-read',
      orgId,
      actor: { kind: 'customer', userId: `user-${n % 7}`, role: 'radiologist' },
      source: { ip: `203.0.113.${n % 250}`, userAgent: 'viewer/1.0' },
      requestId: `req-${orgId}-${n}`,
      route: 'GET /v1/users/{userId}',
      httpStatus: n % 11 === 0 ? 403 : 200,
      objects: [{ type: 'user', id: `user-${n}` }],
      reason: null,
    },
    `rec-${orgId}-${n}`,
    new Date(Date.UTC(2026, 10, 24, 12, 0, 0, n)),
  );
}

function chain(orgId: string, length: number): ChainedAuditRecord[] {
  const records: ChainedAuditRecord[] = [];
  for (let n = 0; n < length; n += 1) {
    const head = records.at(-1);
    records.push(chainRecord(record(orgId, n), 3, head ? { seq: head.seq, hash: head.hash } : null));
  }
  return records;
}

const ORGS = ['org-a', 'org-b', 'org-c', 'org-d', 'org-e'];

describe('the audit hash chain', () => {
  const chains = new Map(ORGS.map((orgId, index) => [orgId, chain(orgId, 240 + index * 20)]));

  it('[PP-18] verifies intact chains of 1,400 records across five organizations', () => {
    let total = 0;
    for (const [orgId, records] of chains) {
      expect(verifyChain({ orgId, chain: 3 }, records)).toMatchObject({ ok: true, records: records.length });
      total += records.length;
    }
    expect(total).toBe(1400);
  });

  it('[PP-18] detects 1,000 random alterations, removals, insertions, reorderings and truncations at the first bad position', () => {
    const random = prng(20261124);
    const tally = { altered: 0, removed: 0, inserted: 0, reordered: 0, truncated: 0 };
    let detected = 0;
    for (let trial = 0; trial < 1000; trial += 1) {
      const orgId = ORGS[random(ORGS.length)] ?? 'org-a';
      const original = chains.get(orgId) ?? [];
      const records = structuredClone(original);
      const at = random(records.length - 1);
      let expectedPosition = at;
      const last = original.at(-1) as ChainedAuditRecord;
      switch (trial % 5) {
        case 0: {
          const target = records[at] as ChainedAuditRecord;
          const field = (['actor', 'httpStatus', 'eventTime', 'objects', 'outcome'] as const)[random(5)];
          if (field === 'actor') target.actor = { ...target.actor, userId: 'someone-else' };
          if (field === 'httpStatus') target.httpStatus = target.httpStatus === 200 ? 204 : 200;
          if (field === 'eventTime') target.eventTime = '2020-01-01T00:00:00.000Z';
          if (field === 'objects') target.objects = [];
          if (field === 'outcome') target.outcome = target.outcome === 0 ? 8 : 0;
          tally.altered += 1;
          break;
        }
        case 1:
          records.splice(at, 1);
          tally.removed += 1;
          break;
        case 2: {
          // A forger who links the record perfectly still displaces the next one.
          const previous = records[at - 1];
          const forged = chainRecord(
            record(orgId, 99_999),
            3,
            previous ? { seq: previous.seq, hash: previous.hash } : null,
          );
          records.splice(at, 0, forged);
          expectedPosition = at + 1;
          tally.inserted += 1;
          break;
        }
        case 3: {
          const other = at + 1 + random(records.length - at - 1);
          [records[at], records[other]] = [
            records[other] as ChainedAuditRecord,
            records[at] as ChainedAuditRecord,
          ];
          tally.reordered += 1;
          break;
        }
        default:
          records.splice(records.length - 1 - random(3));
          expectedPosition = records.length;
          tally.truncated += 1;
      }
      const verdict = verifyChain({ orgId, chain: 3 }, records, { seq: last.seq, hash: last.hash });
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) {
        expect(verdict.position).toBe(expectedPosition);
        detected += 1;
      }
    }
    console.log(`tamper cases detected: ${detected}/1000`, tally);
    expect(detected).toBe(1000);
  });

  it('refuses a record of another organization inside a chain', () => {
    const records = structuredClone(chains.get('org-a') ?? []);
    records[10] = structuredClone(chains.get('org-b')?.[10] as ChainedAuditRecord);

    expect(verifyChain({ orgId: 'org-a', chain: 3 }, records)).toMatchObject({
      ok: false,
      position: 10,
      problem: 'foreign-record',
    });
  });

  it("refuses a record of the organization's other chain, even correctly linked", () => {
    const records = structuredClone(chains.get('org-a') ?? []);
    const previous = records[9] as ChainedAuditRecord;
    records[10] = chainRecord(record('org-a', 10), 4, { seq: previous.seq, hash: previous.hash });

    expect(verifyChain({ orgId: 'org-a', chain: 3 }, records)).toMatchObject({
      ok: false,
      position: 10,
      problem: 'foreign-record',
    });
  });

  it('hashes canonical JSON: key order does not matter, every value does', () => {
    const { hash, ...content } = chain('org-a', 1)[0] as ChainedAuditRecord;
    const reordered = Object.fromEntries(Object.entries(content).reverse()) as typeof content;

    expect(recordHash(reordered)).toBe(hash);
    expect(recordHash({ ...content, reason: 'x' })).not.toBe(hash);
  });
});

describe('ChainedAuditLog', () => {
  /** An in-memory store with one array per chain and a conditional insert, like DynamoDB's. */
  function memoryStore() {
    const chains = new Map<number, ChainedAuditRecord[]>();
    const chainOf = (chain: number) => {
      const records = chains.get(chain) ?? [];
      chains.set(chain, records);
      return records;
    };
    const headOf = (chain: number) => {
      const last = chainOf(chain).at(-1);
      return last ? { seq: last.seq, hash: last.hash } : null;
    };
    const calls = { head: 0, insert: 0 };
    return {
      chains,
      chainOf,
      headOf,
      calls,
      store: {
        head: async ({ chain }: { chain: number }) => {
          calls.head += 1;
          return headOf(chain);
        },
        insert: async (chained: ChainedAuditRecord) => {
          calls.insert += 1;
          await new Promise((resolve) => setImmediate(resolve));
          const records = chainOf(chained.chain);
          if (chained.seq !== records.length + 1) return 'conflict' as const;
          records.push(chained);
          return 'inserted' as const;
        },
      },
    };
  }

  it('[PP-18] retries after a lost race, so concurrent writers never fork a chain', async () => {
    const memory = memoryStore();
    let rivals = 2;
    const log = new ChainedAuditLog({
      head: memory.store.head,
      insert: async (chained) => {
        if (rivals > 0) {
          rivals -= 1;
          // Another container takes the position first.
          memory
            .chainOf(chained.chain)
            .push(chainRecord(record('org-a', 500 + rivals), chained.chain, memory.headOf(chained.chain)));
          return 'conflict';
        }
        return memory.store.insert(chained);
      },
    });

    await log.append(record('org-a', 1));

    const all = [...memory.chains.values()].flat();
    expect(all).toHaveLength(3);
    for (const [chain, records] of memory.chains) {
      expect(verifyChain({ orgId: 'org-a', chain }, records)).toMatchObject({ ok: true });
    }
  });

  it('[PP-18] appends 400 concurrent records without a conflict, each chain intact, one write per append once heads are known', async () => {
    const memory = memoryStore();
    const log = new ChainedAuditLog(memory.store);

    await Promise.all(Array.from({ length: 16 }, (_, n) => log.append(record('org-a', n))));
    const warm = { ...memory.calls };
    for (let round = 0; round < 24; round += 1) {
      await Promise.all(
        Array.from({ length: 16 }, (_, n) => log.append(record('org-a', 100 + round * 16 + n))),
      );
    }

    const all = [...memory.chains.values()].flat();
    expect(all).toHaveLength(400);
    expect(new Set(all.map((chained) => chained.recordId)).size).toBe(400);
    for (const [chain, records] of memory.chains) {
      expect(verifyChain({ orgId: 'org-a', chain }, records)).toMatchObject({ ok: true });
    }
    expect(memory.calls.insert - warm.insert).toBe(384);
    expect(memory.calls.head - warm.head).toBe(0);
  });

  it('[PP-18] gives up after repeated contention, so the request fails closed', async () => {
    const log = new ChainedAuditLog({ head: async () => null, insert: async () => 'conflict' });

    await expect(log.append(record('org-a', 1))).rejects.toThrow(/contended/);
  });
});
