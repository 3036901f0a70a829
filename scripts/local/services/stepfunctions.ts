import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';

type JsonValue = Parameters<StateMachine['run']>[0];

import { type WorkflowDefinition, workflows } from '../../../functions/shared/workflows';
import { invokeLocal, PROJECT_ROOT } from '../lambda-registry';

interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
}

export const localStateMachineArn = (id: string) =>
  `arn:aws:states:us-east-1:000000000000:stateMachine:${id}`;

/**
 * A small Step Functions API (StartExecution, DescribeExecution, StopExecution) over the aws-json-1.0 protocol, so
 * functions use the same SFN client as in AWS. Executions run the same ASL files CDK deploys, with each
 * Task's function placeholder mapped to the local handler.
 */
export async function startStepFunctions(port: number) {
  const machines = new Map(workflows.map((workflow) => [localStateMachineArn(workflow.id), load(workflow)]));
  const executions = new Map<string, Execution>();
  const running = new Set<Promise<unknown>>();
  const aborts = new Map<string, () => void>();

  const startExecution = (body: Record<string, unknown>) => {
    const stateMachineArn = String(body.stateMachineArn ?? '');
    const machine = machines.get(stateMachineArn);
    if (!machine) return error(400, 'StateMachineDoesNotExist', 'State machine does not exist');
    const name = typeof body.name === 'string' ? body.name : randomUUID();
    const input = typeof body.input === 'string' ? body.input : '{}';
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      // AWS: the same name with the same input is idempotent; otherwise it is a conflict.
      if (existing.input === input) return ok({ executionArn, startDate: existing.startDate });
      return error(400, 'ExecutionAlreadyExists', `Execution already exists: ${executionArn}`);
    }
    const execution: Execution = {
      executionArn,
      stateMachineArn,
      name,
      input,
      status: 'RUNNING',
      startDate: Date.now() / 1000,
    };
    executions.set(executionArn, execution);
    const started = machine.run(JSON.parse(input));
    aborts.set(executionArn, started.abort);
    const run = started.result
      .then((output) => Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) }))
      .catch((failure: unknown) => {
        console.error(
          `${name}: execution failed (${failure instanceof Error ? failure.message.slice(0, 200) : 'error'})`,
        );
        return Object.assign(execution, {
          status: execution.status === 'ABORTED' ? 'ABORTED' : 'FAILED',
          error: failure instanceof Error ? failure.name : 'Error',
        });
      })
      .finally(() => {
        execution.stopDate ??= Date.now() / 1000;
        aborts.delete(executionArn);
        running.delete(run);
      });
    running.add(run);
    return ok({ executionArn, startDate: execution.startDate });
  };

  /** AWS: stopping an ended execution is a no-op; a running one ends ABORTED at once. */
  const stopExecution = (body: Record<string, unknown>) => {
    const execution = executions.get(String(body.executionArn ?? ''));
    if (!execution) return error(400, 'ExecutionDoesNotExist', 'Execution does not exist');
    if (execution.status === 'RUNNING') {
      execution.status = 'ABORTED';
      execution.stopDate = Date.now() / 1000;
      aborts.get(execution.executionArn)?.();
    }
    return ok({ stopDate: execution.stopDate });
  };

  const describeExecution = (body: Record<string, unknown>) => {
    const execution = executions.get(String(body.executionArn ?? ''));
    if (!execution) return error(400, 'ExecutionDoesNotExist', 'Execution does not exist');
    return ok(execution);
  };

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return send(response, error(400, 'SerializationException', 'Malformed body'));
    }
    if (target.endsWith('.StartExecution')) return send(response, startExecution(body));
    if (target.endsWith('.DescribeExecution')) return send(response, describeExecution(body));
    if (target.endsWith('.StopExecution')) return send(response, stopExecution(body));
    return send(response, error(400, 'UnknownOperationException', `Not supported locally: ${target}`));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    executions,
    stop: async () => {
      await Promise.allSettled(running);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function load(workflow: WorkflowDefinition) {
  let text = readFileSync(path.join(PROJECT_ROOT, workflow.aslFile), 'utf8');
  const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
  const definition = JSON.parse(text) as {
    States: Record<string, { Resource?: string; TimeoutSeconds?: number }>;
  };
  for (const [placeholder, handlerModule] of Object.entries(workflow.taskFunctions)) {
    text = text.replaceAll(
      `\${${placeholder}}`,
      `arn:aws:lambda:us-east-1:000000000000:function:${placeholder}`,
    );
    for (const [stateName, state] of Object.entries(definition.States)) {
      if (state.Resource === `\${${placeholder}}`)
        handlers[stateName] = (input) => {
          // The task function's own time: in AWS its Lambda timeout sits just under the state's.
          const timeoutMs = (state.TimeoutSeconds ?? 60) * 1000;
          const invocation = invokeLocal(handlerModule, input, timeoutMs) as Promise<JsonValue>;
          // A task that loses the race against its TimeoutSeconds still settles later; that must not
          // become an unhandled rejection that takes the whole local stack down.
          invocation.catch((failure: unknown) =>
            // The task's own logs say why; this says which step of which workflow (names only).
            console.error(
              `${workflow.id}: task ${stateName} failed (${failure instanceof Error ? failure.name : 'error'})`,
            ),
          );
          return invocation;
        };
    }
  }
  const machine = new StateMachine(JSON.parse(text));
  return {
    run: (input: unknown) =>
      machine.run(input as JsonValue, {
        overrides: {
          taskResourceLocalHandlers: handlers,
          // Keep retries real but quick on a laptop.
          retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((name) => [name, 200])),
        },
      }),
  };
}

interface Reply {
  status: number;
  body: unknown;
}
const ok = (body: unknown): Reply => ({ status: 200, body });
const error = (status: number, type: string, message: string): Reply => ({
  status,
  body: { __type: type, message },
});
function send(response: ServerResponse, reply: Reply) {
  response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify(reply.body));
}
