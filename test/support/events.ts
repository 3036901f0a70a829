import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export const EVENTS_DIR = path.resolve(__dirname, '../../events');

/** A fresh copy of a fixture from events/, so tests can change it freely. */
export function loadEvent<T = APIGatewayProxyEvent>(relativePath: string): T {
  return structuredClone(JSON.parse(readFileSync(path.join(EVENTS_DIR, relativePath), 'utf8')) as T);
}

export function testContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:test',
    memoryLimitInMB: '1024',
    awsRequestId: 'test-request',
    logGroupName: '/aws/lambda/test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
