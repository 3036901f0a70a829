import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { EXPLICIT_VR_LITTLE_ENDIAN, OCTET_STREAM } from '../core/pixel-media-types';
import { bulkDataPart, bulkDataToRetrieve, frameParts } from '../core/retrieve';
import {
  acceptOf,
  instanceIds,
  multipartResponse,
  noteRetrieved,
  retrieveDeps,
  singlePartResponse,
} from './wado-http';
import { negotiateBulkData, negotiatePixelData } from './wado-negotiation';

/** WADO-RS bulk data: the values the metadata names by BulkDataURI, each checked against its digest. */
export const handler = httpHandler(
  routeById('retrieveBulkData'),
  async ({ principal, params, raw, audit }) => {
    const ids = instanceIds(params);
    audit.objects.push({ type: 'study', id: ids.study });
    const deps = retrieveDeps();
    const selected = await bulkDataToRetrieve(deps, requireCustomer(principal), ids, params.tagPath ?? '');
    const accept = acceptOf(raw);
    if (selected.kind === 'frames') {
      const { selection } = selected;
      noteRetrieved(audit, [selection.instance], 'instance');
      const representation = negotiatePixelData(accept, {
        encapsulated: true,
        transferSyntaxUid: selection.instance.transferSyntaxUid,
      });
      return multipartResponse(
        representation.type,
        frameParts(deps, selection, representation.partContentType),
      );
    }
    noteRetrieved(audit, [selected.instance], 'instance');
    // Stored values are little endian, which Explicit VR Little Endian names.
    const part = bulkDataPart(
      deps,
      selected,
      `${OCTET_STREAM}; transfer-syntax=${EXPLICIT_VR_LITTLE_ENDIAN}`,
    );
    return negotiateBulkData(accept) === 'single-part'
      ? singlePartResponse({ ...part, contentType: OCTET_STREAM })
      : multipartResponse(OCTET_STREAM, [part]);
  },
);
