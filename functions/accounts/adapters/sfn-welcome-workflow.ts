import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { WelcomeWorkflow } from '../core/ports';

/** Starts the welcome-mail state machine. The execution name makes a retried start a no-op. */
export class SfnWelcomeWorkflow implements WelcomeWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: { orgId: string; userId: string }): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: `welcome-${input.userId}`,
          input: JSON.stringify({ orgId: input.orgId, userId: input.userId }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
