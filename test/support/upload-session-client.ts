import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiResponse, callApi, postJson } from './local-client';
import { STOW_CONTENT_TYPE } from './stow';

/** Large files the way clients store them: an upload session, part PUTs straight to S3, completion. */
export interface Created {
  sessionId: string;
  status: string;
  upload: { partSizeBytes: number; parts: { partNumber: number; sizeBytes: number; url: string }[] };
}

export const open = (token: string, body: object) => postJson('/dicomweb/upload-sessions', body, token);

/** What a client does with the part URLs: PUT each slice straight to S3, keeping the ETag. */
export async function putParts(created: Created, body: Buffer, extraBytes = 0) {
  const parts: { partNumber: number; etag: string }[] = [];
  let offset = 0;
  for (const part of created.upload.parts) {
    const last = part.partNumber === created.upload.parts.length;
    const slice = body.subarray(offset, offset + part.sizeBytes);
    offset += part.sizeBytes;
    const response = await fetch(part.url, {
      method: 'PUT',
      body: last && extraBytes ? Buffer.concat([slice, Buffer.alloc(extraBytes)]) : slice,
    });
    expect(response.status).toBe(200);
    parts.push({ partNumber: part.partNumber, etag: response.headers.get('etag') ?? '' });
  }
  return parts;
}

export const complete = (token: string, sessionId: string, parts: { partNumber: number; etag: string }[]) =>
  postJson(`/dicomweb/upload-sessions/${sessionId}/complete`, { parts }, token);

export async function untilFinished(token: string, sessionId: string): Promise<ApiResponse> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const response = await callApi('GET', `/dicomweb/upload-sessions/${sessionId}`, { token });
    if (!['awaiting-upload', 'ingesting'].includes(response.json().status)) return response;
    await sleep(200);
  }
  throw new Error(`upload session ${sessionId} did not finish`);
}

/** Opens a session for `body`, uploads it through the part URLs and completes it. */
export async function uploadThroughSession(token: string, body: Buffer, extra: object = {}) {
  const opened = await open(token, { totalBytes: body.length, contentType: STOW_CONTENT_TYPE, ...extra });
  expect(opened.status).toBe(201);
  const created = opened.json() as Created;
  const parts = await putParts(created, body);
  return { created, parts, completed: await complete(token, created.sessionId, parts) };
}
