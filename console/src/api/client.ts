import { ApiError } from './errors';

export type TokenSource = () => Promise<string | null>;

interface RequestOptions {
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
}

/** Every call the console makes: the bearer token from memory, JSON in and out, errors as ApiError. */
export class ApiClient {
  constructor(
    private readonly apiUrl: string,
    private readonly token: TokenSource,
    private readonly onUnauthenticated: () => void,
  ) {}

  url(path: string, query?: RequestOptions['query']): string {
    const url = new URL(path, this.apiUrl);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  async raw(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const token = await this.token();
    const headers: Record<string, string> = { ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      response = await fetch(this.url(path, options.query), { method, headers, body, cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'network', '', undefined);
    }
    if (!response.ok) {
      const payload = (await response.json().catch(() => ({}))) as {
        error?: { code?: string; message?: string; requestId?: string };
      };
      if (response.status === 401) this.onUnauthenticated();
      throw new ApiError(
        response.status,
        payload.error?.code ?? `http_${response.status}`,
        payload.error?.message ?? '',
        payload.error?.requestId ?? response.headers.get('x-request-id') ?? undefined,
      );
    }
    return response;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.raw(method, path, {
      ...options,
      headers: { accept: 'application/json', ...options.headers },
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, query?: RequestOptions['query']) {
    return this.json<T>('GET', path, { query });
  }
  post<T>(path: string, json?: unknown, headers?: Record<string, string>) {
    return this.json<T>('POST', path, { json: json ?? {}, headers });
  }
  put<T>(path: string, json: unknown) {
    return this.json<T>('PUT', path, { json });
  }
  patch<T>(path: string, json: unknown) {
    return this.json<T>('PATCH', path, { json });
  }
  delete<T>(path: string) {
    return this.json<T>('DELETE', path);
  }

  /** A binary answer (a rendered image, a CSV) as a Blob, for an object URL or a download. */
  async blob(path: string, accept: string, query?: RequestOptions['query']): Promise<Blob> {
    return (await this.raw('GET', path, { headers: { accept }, query })).blob();
  }
}

/** Saves a Blob under a file name through a temporary object URL (no token in any URL). */
export function saveBlob(blob: Blob, fileName: string) {
  const href = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = href;
  anchor.download = fileName;
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
