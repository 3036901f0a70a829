import { NotAcceptableError } from '../../shared/errors';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { parseContentType } from '../core/multipart-related';
import { retrieveInstance } from '../core/retrieve';
import { imagingIndex, imagingObjects } from '../deps';
import { multipartDicom, pathUid } from './dicomweb-http';

/**
 * Offered: multipart/related; type="application/dicom" in the stored transfer syntax (or transfer-syntax=*).
 * Anything else the client insists on gets 406 rather than a silent substitute.
 */
function acceptable(accept: string | undefined, storedSyntax: string): boolean {
  if (!accept) return true;
  return accept.split(',').some((range) => {
    const { mediaType, parameters } = parseContentType(range);
    if (mediaType === '*/*') return true;
    if (mediaType !== 'multipart/related') return false;
    const type = (parameters.type ?? 'application/dicom').toLowerCase();
    const syntax = parameters['transfer-syntax'];
    return type === 'application/dicom' && (!syntax || syntax === '*' || syntax === storedSyntax);
  });
}

export const handler = httpHandler(
  routeById('retrieveInstance'),
  async ({ principal, params, raw, audit }) => {
    const ids = {
      study: pathUid(params, 'study'),
      series: pathUid(params, 'series'),
      instance: pathUid(params, 'instance'),
    };
    audit.objects.push({ type: 'study', id: ids.study }, { type: 'instance', id: ids.instance });
    const deps = { index: imagingIndex(), objects: imagingObjects() };
    const { instance, bytes } = await retrieveInstance(deps, requireCustomer(principal), ids);
    if (!acceptable(raw.header('accept'), instance.transferSyntaxUid)) {
      throw new NotAcceptableError(
        `Offered: multipart/related; type="application/dicom"; transfer-syntax=${instance.transferSyntaxUid}`,
      );
    }
    return multipartDicom([{ bytes, transferSyntaxUid: instance.transferSyntaxUid }]);
  },
);
