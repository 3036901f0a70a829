import { SharpImageEncoder } from '../../functions/imaging/adapters/sharp-image-encoder';
import { WasmFrameDecoder } from '../../functions/imaging/adapters/wasm-frame-decoder';
import type { RenderDeps } from '../../functions/imaging/core/rendering/ports';
import { MemoryImaging } from './imaging-fakes';

/** An in-memory archive with PACScribe's own decoder and encoder: renders what `imaging.store` holds. */
export function memoryRendering(): { imaging: MemoryImaging; deps: RenderDeps } {
  const imaging = new MemoryImaging();
  return {
    imaging,
    deps: { ...imaging.deps, decoder: new WasmFrameDecoder(), encoder: new SharpImageEncoder() },
  };
}
