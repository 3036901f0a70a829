import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { PropagationInput } from '#schemas/mail/propagation';
import type { PreferenceWorkflow } from '../core/ports';

/** Starts the propagation state machine; named by the propagation, so a retried start is a no-op. */
export class SfnPreferenceWorkflow implements PreferenceWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: PropagationInput): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: `preference-${input.propagationId}`,
          // Ids only [PP-21]: never an address in execution state.
          input: JSON.stringify({ userId: input.userId, propagationId: input.propagationId }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
