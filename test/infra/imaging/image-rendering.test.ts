import { routes } from '#functions/shared/routes';
import { propertyAt, resourcesOf, synthesizedApp } from '../app-fixture';

const api = () => synthesizedApp().stacks.api;
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) =>
  api().resolve(api().getLogicalId(construct.node.defaultChild as never)) as string;

const rendering = routes.filter((route) => route.imageRendering);
const others = routes.filter((route) => !route.imageRendering);

describe('image rendering functions', () => {
  beforeAll(() => synthesizedApp());

  it('covers the eight rendered and thumbnail routes, and the share recipient’s image', () => {
    expect(rendering.map((route) => route.path.split('/').pop()).sort()).toEqual([
      ...Array(4).fill('rendered'),
      ...Array(4).fill('thumbnail'),
      '{image}',
    ]);
    expect(rendering.find((route) => route.path.endsWith('{image}'))?.id).toBe('viewSharedImage');
  });

  it('publishes one sharp layer for Node.js 24 on x86_64, the build npm installs here', () => {
    const layers = Object.values(resourcesOf(api(), 'AWS::Lambda::LayerVersion')).filter((layer) =>
      String(propertyAt(layer, 'Description')).startsWith('sharp'),
    );
    expect(layers).toHaveLength(1);
    expect(propertyAt(layers[0], 'CompatibleArchitectures')).toEqual(['x86_64']);
    expect(propertyAt(layers[0], 'CompatibleRuntimes')).toEqual(['nodejs24.x']);
  });

  it('publishes one DICOM layer (dcmjs, dcmjs-codecs: plain JavaScript) for both architectures', () => {
    const layers = Object.values(resourcesOf(api(), 'AWS::Lambda::LayerVersion')).filter((layer) =>
      String(propertyAt(layer, 'Description')).startsWith('dcmjs'),
    );
    expect(layers).toHaveLength(1);
    expect(propertyAt(layers[0], 'CompatibleArchitectures')).toEqual(['arm64', 'x86_64']);
  });

  it('runs each rendering function on x86_64 with the sharp and DICOM layers and 1 GiB', () => {
    const functions = resourcesOf(api(), 'AWS::Lambda::Function');
    // The functions sit in the imaging context's nested stack: the parent's layer reaches them as a parameter.
    for (const route of rendering) {
      const fn = functions[logicalIdOf(api().routeApi.functions[route.id]?.function as never)];
      expect(propertyAt(fn, 'Architectures')).toEqual(['x86_64']);
      const layers = propertyAt(fn, 'Layers') as unknown[];
      // The sharing context's functions also get the vendor layer (its ZIP and workbook libraries).
      expect(layers).toHaveLength(route.context === 'sharing' ? 3 : 2);
      expect(layers).toEqual(
        expect.arrayContaining([
          { Ref: expect.stringContaining('SharpLayer') },
          { Ref: expect.stringContaining('DicomLayer') },
        ]),
      );
      expect(propertyAt(fn, 'MemorySize')).toBe(1024);
    }
  });

  it('gives the transcoding retrievals (study, series, instance, frames) 1 GiB on arm64, the DICOM layer without sharp', () => {
    const functions = resourcesOf(api(), 'AWS::Lambda::Function');
    const codecs = routes.filter((route) => route.pixelCodecs);
    expect(codecs.map((route) => route.id).sort()).toEqual([
      'retrieveFrames',
      'retrieveInstance',
      'retrieveSeries',
      'retrieveStudy',
    ]);
    for (const route of codecs) {
      const fn = functions[logicalIdOf(api().routeApi.functions[route.id]?.function as never)];
      expect(propertyAt(fn, 'Architectures')).toEqual(['arm64']);
      expect(propertyAt(fn, 'MemorySize')).toBe(1024);
      expect(fn?.Properties?.Layers).toEqual([{ Ref: expect.stringContaining('DicomLayer') }]);
    }
  });

  it('leaves every other function on arm64 without the sharp layer', () => {
    const functions = resourcesOf(api(), 'AWS::Lambda::Function');
    for (const route of others) {
      const fn = functions[logicalIdOf(api().routeApi.functions[route.id]?.function as never)];
      expect(propertyAt(fn, 'Architectures')).toEqual(['arm64']);
      expect(JSON.stringify(fn?.Properties?.Layers ?? [])).not.toContain('SharpLayer');
    }
  });
});
