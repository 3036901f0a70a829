import { once } from '../shared/once';
import { DcmjsTranscoder } from './adapters/dcmjs-transcoder';
import { WasmFrameDecoder } from './adapters/wasm-frame-decoder';

/**
 * The pixel codecs (dcmjs-codecs WebAssembly, loaded on first use) for the functions that decode or
 * transcode on retrieval; kept apart from deps.ts so that other imaging functions do not bundle them.
 */
export const pixelCodecs = /* @__PURE__ */ once(() => ({
  transcoder: new DcmjsTranscoder(),
  decoder: new WasmFrameDecoder(),
}));
