import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction } from '#infra/shared/pacs-function';
import type { FunctionNetwork } from '#infra/shared/private-network';
import { PURGE_HANDLER, PURGE_TASK_BINDINGS } from '#schemas/imaging/env';

/** Deletions are due by the minute; an hourly run keeps a purge at most an hour past its retention. */
export const PURGE_SCHEDULE = events.Schedule.rate(Duration.hours(1));

export interface DeletedStudyPurgeProps {
  resources: Pick<BindingResources, 'imagingTable' | 'imagingStore' | 'imagingReplica' | 'auditTable'>;
  logEncryption: LogEncryption;
  /** The private network (PHI), or ISOLATION_OFF. */
  network: FunctionNetwork;
  reservedConcurrency: number;
}

/**
 * The retention purge of deleted studies: an EventBridge schedule invokes a function that removes each
 * deletion whose retention ended — every object version in the imaging bucket and, because S3 never
 * replicates the deletion of a version, in the replica bucket of the second region — then its index
 * items, auditing each purge. A run cut short leaves the deletion due, and the next run repeats it.
 */
export class DeletedStudyPurge extends Construct {
  readonly purge: PacsFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: DeletedStudyPurgeProps) {
    super(scope, id);
    this.purge = new PacsFunction(this, 'Purge', {
      handler: PURGE_HANDLER,
      description: 'Purges deleted studies whose retention ended, in both regions',
      serviceName: 'pacscribe-imaging',
      logEncryption: props.logEncryption,
      network: props.network,
      // One run at a time: the schedule never overlaps itself on the same deletions.
      reservedConcurrency: 1,
      timeout: Duration.minutes(15),
      dicomLibraries: true,
    });
    applyBindings(this.purge, PURGE_TASK_BINDINGS, props.resources);
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Hourly purge of deleted studies past their retention',
      schedule: PURGE_SCHEDULE,
      targets: [new targets.LambdaFunction(this.purge.function, { retryAttempts: 2 })],
    });
    Validations.of(this.purge).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked hourly by a schedule with nothing in its event: a failed run leaves its deletions due and the next run repeats them, so a dead-letter queue would hold only empty schedule events.',
    });
  }
}
