import { httpHandler } from '../../shared/composition/http-handler';
import { EXPLICIT_VR_LITTLE_ENDIAN, OCTET_STREAM } from '../core/pixel-media-types';
import { bulkDataPart, bulkDataToRetrieve, frameParts } from '../core/retrieve';
import { retrieveDeps } from '../deps';
import { acceptOf, multipartResponse, noteRetrieved, singlePartResponse } from '../http/wado-http';
import { negotiateBulkData, negotiatePixelData } from '../http/wado-negotiation';
import { imagingRoutes } from '../routes';

/** WADO-RS bulk data: the values the metadata names by BulkDataURI, each checked against its digest. */
export const handler = httpHandler(
  imagingRoutes.retrieveBulkData,
  async ({ principal, params, query, raw, audit }) => {
    const deps = retrieveDeps();
    const selected = await bulkDataToRetrieve(deps, principal, params, params.tagPath);
    const accept = acceptOf(raw, query);
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
