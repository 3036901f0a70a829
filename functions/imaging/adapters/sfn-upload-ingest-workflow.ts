import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { IngestWorkflow } from '../core/upload-ports';

/**
 * Starts the upload-ingest state machine. The execution is named after the session, so a second start
 * for the same session is a no-op (or ExecutionAlreadyExists once the first has finished).
 */
export class SfnUploadIngestWorkflow implements IngestWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: { orgId: string; sessionId: string }): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: `upload-${input.sessionId}`,
          input: JSON.stringify({ orgId: input.orgId, sessionId: input.sessionId }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
