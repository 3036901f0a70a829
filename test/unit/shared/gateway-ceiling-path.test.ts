import { readPart10 } from '../../../functions/imaging/core/part10';
import { renderFrame } from '../../../functions/imaging/core/rendering/render';
import { RENDERED_OPTIONS } from '../../../scripts/bench/dicomweb';
import {
  bundledImageRenderer,
  ceilingAnswerOf,
  ceilingRenderer,
  gatewayCeilingPath,
} from '../../../scripts/bench/gateway-ceiling';
import { ctInstance } from '../../support/dicom-files';
import { memoryRendering } from '../../support/rendering-fakes';

describe("the gateway ceiling's request path", () => {
  const asked = (path: string) => new URL(path, 'https://localhost');

  it("streams a row's object reads as the answer unless asked to render them", () => {
    const url = asked(gatewayCeilingPath('WADO frame (native)', 3, 0));
    expect(ceilingAnswerOf(url)).toBe('stream-objects');
    expect(decodeURIComponent(url.pathname.slice(1))).toBe('WADO frame (native)');
    expect(url.searchParams.get('i')).toBe('3');
    expect(ceilingAnswerOf(asked(gatewayCeilingPath('QIDO by PatientID', 1, 4321.4, 'stream-objects')))).toBe(
      'stream-objects',
    );
    expect(asked(gatewayCeilingPath('QIDO by PatientID', 1, 4321.4)).searchParams.get('bytes')).toBe('4321');
  });

  it('carries the options a rendered row renders with', () => {
    const render = RENDERED_OPTIONS['Thumbnail (JPEG, 128×128)'];
    expect(render.viewport).toEqual({ width: 128, height: 128, region: null });
    expect(ceilingAnswerOf(asked(gatewayCeilingPath('Thumbnail (JPEG, 128×128)', 7, 0, { render })))).toEqual(
      {
        render,
      },
    );
  });
});

describe("the gateway ceiling's rendering", () => {
  const { imaging, deps } = memoryRendering();

  it.each(Object.entries(RENDERED_OPTIONS))(
    '%s: the image PACScribe renders from the same stored frame, byte for byte',
    async (_label, options) => {
      const file = ctInstance({ rows: 64, columns: 48 });
      const instance = imaging.store(file);
      const range = instance.layout?.pixelData?.frames?.[0];
      if (!range) throw new Error('the test file has no frame table');

      const ours = await renderFrame(deps, { instance, frame: 1 }, options);
      // The frame's bytes as the ceiling's range read gets them from the stored object.
      const stored = readPart10(file).sanitized;
      const frame = stored.subarray(range.offset, range.offset + range.length);
      // As the gateway server loads it (bundled), and as this test's own import.
      const bundled = await ceilingRenderer(file, await bundledImageRenderer())(frame, options);
      const imported = await ceilingRenderer(file)(frame, options);

      expect(Buffer.from(bundled).equals(Buffer.from(ours))).toBe(true);
      expect(Buffer.from(imported).equals(Buffer.from(ours))).toBe(true);
    },
  );

  it('refuses a data set it would not render as PACScribe does', () => {
    // 32×32 RGB at 8 bits: the 32×48 16-bit words' bytes.
    const colour = ctInstance({
      rows: 32,
      columns: 48,
      extra: {
        Rows: 32,
        Columns: 32,
        SamplesPerPixel: 3,
        PhotometricInterpretation: 'RGB',
        PlanarConfiguration: 0,
        BitsAllocated: 8,
        BitsStored: 8,
        HighBit: 7,
      },
    });
    expect(() => ceilingRenderer(colour)).toThrow(/native greyscale frames only/);
    expect(() => ceilingRenderer(ctInstance())).not.toThrow();
  });
});
