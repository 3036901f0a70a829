import { httpHandler } from '../../shared/composition/http-handler';
import { frameParts, framesToRetrieve, parseFrameList } from '../core/retrieve';
import { retrieveDeps } from '../deps';
import { acceptOf, multipartResponse, noteRetrieved } from '../http/wado-http';
import { negotiatePixelData } from '../http/wado-negotiation';
import { imagingRoutes } from '../routes';

/** WADO-RS frames: byte ranges recorded at ingest, read from storage without decoding anything. */
export const handler = httpHandler(
  imagingRoutes.retrieveFrames,
  async ({ principal, params, query, raw, audit }) => {
    const numbers = parseFrameList(params.frameList);
    const deps = retrieveDeps();
    const selection = await framesToRetrieve(deps, principal, params, numbers);
    noteRetrieved(audit, [selection.instance], 'instance');
    const representation = negotiatePixelData(acceptOf(raw, query), {
      encapsulated: selection.pixelData.encapsulated,
      transferSyntaxUid: selection.instance.transferSyntaxUid,
    });
    return multipartResponse(
      representation.type,
      frameParts(deps, selection, representation.partContentType),
    );
  },
);
