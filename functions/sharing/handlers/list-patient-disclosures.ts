import { httpHandler } from '../../shared/composition/http-handler';
import { download, ok } from '../../shared/http/responses';
import { patientDisclosures } from '../core/disclosures';
import { sharedIndex, sharingDeps } from '../deps';
import { disclosuresWorkbook, XLSX } from '../http/disclosure-workbook';
import { sharingRoutes } from '../routes';

export const handler = httpHandler(
  sharingRoutes.listPatientDisclosures,
  async ({ principal, params, query }) => {
    const disclosures = await patientDisclosures(
      { ...sharingDeps(), index: sharedIndex() },
      principal,
      params.patientId,
    );
    if (query.format === 'xlsx') {
      return download(XLSX, 'disclosures.xlsx', await disclosuresWorkbook(params.patientId, disclosures));
    }
    return ok({ patientId: params.patientId, disclosures });
  },
);
