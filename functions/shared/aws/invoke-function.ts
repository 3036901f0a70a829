import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** A relay function failed or refused the request: its error is not passed on (it may quote the input). */
export class RelayInvocationError extends Error {
  override readonly name = 'RelayInvocationError';
}

/**
 * Invokes a function synchronously with a JSON payload and returns its parsed JSON result. A function
 * error (thrown by the handler, or Lambda's own: timeout, throttling) becomes a RelayInvocationError, so a
 * caller never mistakes an error document for an answer.
 */
export async function invokeFunctionJson(
  client: Pick<LambdaClient, 'send'>,
  functionName: string,
  payload: unknown,
): Promise<unknown> {
  const output = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  if (output.FunctionError) {
    throw new RelayInvocationError(`${functionName} failed (${output.FunctionError})`);
  }
  if (output.StatusCode !== 200 || !output.Payload) {
    throw new RelayInvocationError(`${functionName} answered without a result (${output.StatusCode})`);
  }
  try {
    return JSON.parse(new TextDecoder().decode(output.Payload)) as unknown;
  } catch {
    throw new RelayInvocationError(`${functionName} answered with something other than JSON`);
  }
}
