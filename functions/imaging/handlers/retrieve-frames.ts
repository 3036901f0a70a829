import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { frameParts, framesToRetrieve, parseFrameList } from '../core/retrieve';
import { acceptOf, instanceIds, multipartResponse, noteRetrieved, retrieveDeps } from './wado-http';
import { negotiatePixelData } from './wado-negotiation';

/** WADO-RS frames: byte ranges recorded at ingest, read from storage without decoding anything. */
export const handler = httpHandler(routeById('retrieveFrames'), async ({ principal, params, raw, audit }) => {
  const ids = instanceIds(params);
  audit.objects.push({ type: 'study', id: ids.study });
  const numbers = parseFrameList(params.frameList ?? '');
  const deps = retrieveDeps();
  const selection = await framesToRetrieve(deps, requireCustomer(principal), ids, numbers);
  noteRetrieved(audit, [selection.instance], 'instance');
  const representation = negotiatePixelData(acceptOf(raw), {
    encapsulated: selection.pixelData.encapsulated,
    transferSyntaxUid: selection.instance.transferSyntaxUid,
  });
  return multipartResponse(representation.type, frameParts(deps, selection, representation.partContentType));
});
