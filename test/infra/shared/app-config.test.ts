import { AppConfigSchema } from '#infra/shared/app-config';

const origins = (value: unknown) => AppConfigSchema.safeParse({ dicomwebCorsOrigins: value });

describe('app config: dicomwebCorsOrigins', () => {
  it('defaults to the PACScribe viewer origin', () => {
    expect(AppConfigSchema.parse({}).dicomwebCorsOrigins).toEqual(['https://viewer.pacscribe.example']);
  });

  it('accepts an array, or a comma-separated string as `cdk -c` passes it', () => {
    expect(origins(['https://a.example', 'https://b.example:8443']).data?.dicomwebCorsOrigins).toEqual([
      'https://a.example',
      'https://b.example:8443',
    ]);
    expect(origins('https://a.example, https://b.example').data?.dicomwebCorsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it.each([
    ['plain http', ['http://viewer.example']],
    ['a wildcard', ['*']],
    ['a path', ['https://viewer.example/app']],
    ['a trailing slash', ['https://viewer.example/']],
    ['an empty list', []],
  ])('rejects %s', (_what, value) => {
    expect(origins(value).success).toBe(false);
  });
});
