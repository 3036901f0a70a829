import { ChainedUploadAudit } from '../../../../functions/imaging/adapters/chained-upload-audit';
import type { UploadSession } from '../../../../functions/imaging/core/upload-ports';
import { fixedClock, InMemoryAuditLog, sequentialIds } from '../../../support/fakes';

const session = {
  orgId: 'org-a',
  sessionId: 'session-1',
  createdBy: { userId: 'u1', role: 'technologist' },
} as UploadSession;

describe('ingest audit records', () => {
  it('[PP-18] records a stored instance as instances-stored in the organization trail, acting for the uploader', async () => {
    const log = new InMemoryAuditLog();
    const audit = new ChainedUploadAudit(log, fixedClock(), sequentialIds('rec'));

    await audit.instanceProcessed(session, {
      status: 'stored',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      sopInstanceUid: '1.2.3.4',
      studyInstanceUid: '1.2.3',
      seriesInstanceUid: '1.2.3.9',
      patientId: 'PID-42',
      created: true,
    });

    expect(log.records).toEqual([
      expect.objectContaining({
        orgId: 'org-a',
        event: 'instances-stored',
        eventId: expect.objectContaining({ code: '110104' }),
        action: 'C',
        outcome: 0,
        actor: { kind: 'customer', userId: 'u1', role: 'technologist' },
        requestId: 'upload-session-1',
        objects: [
          { type: 'upload', id: 'session-1' },
          { type: 'study', id: '1.2.3' },
          { type: 'series', id: '1.2.3.9' },
          { type: 'instance', id: '1.2.3.4' },
          { type: 'patient', id: 'PID-42' },
        ],
      }),
    ]);
  });

  it('[PP-18] records a refused file as a minor failure, and a processing failure as a serious one', async () => {
    const log = new InMemoryAuditLog();
    const audit = new ChainedUploadAudit(log, fixedClock(), sequentialIds('rec'));
    const refused = { status: 'failed', sopClassUid: null, sopInstanceUid: null, message: 'no' } as const;

    await audit.instanceProcessed(session, { ...refused, failureReason: 0xc000 });
    await audit.instanceProcessed(session, { ...refused, failureReason: 0x0110 });

    expect(log.records.map((record) => [record.event, record.outcome, record.objects])).toEqual([
      ['instances-stored', 4, [{ type: 'upload', id: 'session-1' }]],
      ['instances-stored', 8, [{ type: 'upload', id: 'session-1' }]],
    ]);
  });
});
