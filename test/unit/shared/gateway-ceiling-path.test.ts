import { gatewayCeilingPath, objectSink } from '../../../scripts/bench/gateway-ceiling';

describe("the gateway ceiling's request path", () => {
  const asked = (path: string) => new URL(path, 'https://localhost');
  const response = { answer: 'the response' };

  it("streams a row's object reads as the answer unless told to drop them", () => {
    expect(objectSink(asked(gatewayCeilingPath('WADO frame (native)', 3, 0)), response)).toBe(response);
    expect(
      objectSink(asked(gatewayCeilingPath('WADO frame (native)', 3, 0, 'stream-objects')), response),
    ).toBe(response);
  });

  it('drops the frame a rendered row reads and answers with as many bytes as PACScribe did', () => {
    const url = asked(gatewayCeilingPath('Thumbnail (JPEG, 128×128)', 7, 4321.4, 'drop-objects'));
    expect(objectSink(url, response)).toBeUndefined();
    expect(decodeURIComponent(url.pathname.slice(1))).toBe('Thumbnail (JPEG, 128×128)');
    expect(url.searchParams.get('i')).toBe('7');
    expect(url.searchParams.get('bytes')).toBe('4321');
  });
});
