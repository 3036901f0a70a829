import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExportWorkflow } from '../core/ports';

/**
 * Starts and stops the export state machine. The execution is named after the export, so a second start
 * of the same export is a no-op; its input is ids only.
 */
export class SfnExportWorkflow implements ExportWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: { orgId: string; exportId: string }): Promise<string> {
    const name = `export-${input.exportId}`;
    try {
      const { executionArn } = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify({ orgId: input.orgId, exportId: input.exportId }),
        }),
      );
      if (executionArn) return executionArn;
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async stop(executionArn: string): Promise<void> {
    try {
      await this.client.send(
        new StopExecutionCommand({ executionArn, cause: 'cancelled by the organization' }),
      );
    } catch (error) {
      // Already ended (or never ran): nothing left to stop.
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
    }
  }
}
