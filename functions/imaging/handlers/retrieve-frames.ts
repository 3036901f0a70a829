import { readingHttpHandler } from '../../shared/composition/http-handler';
import { pixelCodecs } from '../codec-deps';
import { decodedFrameModule, decodedFrames } from '../core/decoded-frames';
import { frameParts, framesToRetrieve, parseFrameList } from '../core/retrieve';
import { retrieveDeps } from '../deps';
import { acceptOf, multipartResponse, noteRetrieved } from '../http/wado-http';
import { negotiatePixelData } from '../http/wado-negotiation';
import { imagingRoutes } from '../routes';

/**
 * WADO-RS frames: byte ranges recorded at ingest, read from storage and sent as stored, or decoded to
 * native little endian when the client asks for application/octet-stream in Explicit VR Little Endian.
 * The instance's record is read beside the membership read, and the audit record is written beside the
 * first frame's storage read: two round trips in sequence, the response still waiting for the audit.
 */
export const handler = readingHttpHandler(
  imagingRoutes.retrieveFrames,
  ({ reader, params }) => framesToRetrieve(retrieveDeps(), reader, params, parseFrameList(params.frameList)),
  async ({ query, raw, audit, read, startAuditRecord }) => {
    const deps = retrieveDeps();
    const selection = await read();
    noteRetrieved(audit, [selection.instance], 'instance');
    const syntax = selection.instance.transferSyntaxUid;
    const { decoder } = pixelCodecs();
    const representation = negotiatePixelData(acceptOf(raw, query), {
      encapsulated: selection.pixelData.encapsulated,
      transferSyntaxUid: syntax,
      decodable: decoder.decodes(syntax),
    });
    startAuditRecord(200);
    const parts = frameParts(deps, selection, representation.partContentType);
    if (!representation.decode) return multipartResponse(representation.type, parts);
    const module = await decodedFrameModule(deps.index, selection);
    return multipartResponse(representation.type, parts.map(decodedFrames(decoder, module, syntax)));
  },
);
