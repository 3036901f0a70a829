import { routes } from '../../../functions/shared/routes';
import { type ApiResponse, callApi } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { storedStudyAndSession } from '../../support/stow';

/**
 * Every route that returns patient data can be found by patient: after each one is called, the
 * organization's trail queried by that PatientID holds the call's record.
 */
const PATIENT_ID = `PID-TRACE-${Date.now()}`;

let org: TestOrganization;
let ids: Record<string, string>;
beforeAll(async () => {
  org = await freshOrganization('audit-by-patient');
  const stored = await storedStudyAndSession(org.users.administrator.accessToken, {
    patientId: PATIENT_ID,
    patientName: 'Trace^Patient',
  });
  ids = { ...stored, frameList: '1', tagPath: '7FE00010' };
});

const readsPatientData = routes.filter(
  (route) =>
    route.method === 'GET' &&
    ['studies-queried', 'metadata-retrieved', 'instances-retrieved'].includes(route.audit ?? ''),
);

describe('reads of patient data are found by patient', () => {
  it.each(readsPatientData.map((route) => [route.id, route] as const))(
    '[PP-18] %s records the patient it returned',
    async (_id, route) => {
      const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => ids[name] ?? '');
      // No PatientID key: the record must name the patient from the data returned, not from the question.
      const response: ApiResponse = await callApi(route.method, path, {
        token: org.users.clinician.accessToken,
        headers: { accept: route.response === 'stream' ? '*/*' : 'application/dicom+json' },
      });
      expect(response.status).toBe(200);
      const requestId = String(response.headers['x-request-id']);

      const found = await callApi('GET', `/v1/audit-events?patientId=${PATIENT_ID}&limit=200`, {
        token: org.users.administrator.accessToken,
      });
      expect(found.status).toBe(200);
      const record = found
        .json()
        .events.find((event: { requestId: string }) => event.requestId === requestId);
      expect(record?.objects).toEqual(expect.arrayContaining([{ type: 'patient', id: PATIENT_ID }]));
    },
  );
});
