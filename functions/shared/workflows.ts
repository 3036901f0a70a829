/**
 * Step Functions workflows: the ASL file both CDK and the local runner execute, and the function
 * each `${Placeholder}` in it stands for (handler module relative to functions/).
 */
export interface WorkflowDefinition {
  id: 'welcome-mail' | 'upload-ingest' | 'preference-propagation' | 'export-archive';
  aslFile: string;
  taskFunctions: Readonly<Record<string, string>>;
}

export const welcomeMailWorkflow = {
  id: 'welcome-mail',
  aslFile: 'infra/mail/welcome-mail.asl.json',
  taskFunctions: { SendWelcomeMailFunctionArn: 'mail/handlers/send-welcome-mail' },
} as const satisfies WorkflowDefinition;

/** Ingests a completed upload session; one task function, called again while it reports `done: false`. */
export const uploadIngestWorkflow = {
  id: 'upload-ingest',
  aslFile: 'infra/imaging/upload-ingest.asl.json',
  taskFunctions: { IngestUploadFunctionArn: 'imaging/handlers/ingest-upload-session' },
} as const satisfies WorkflowDefinition;

/**
 * Carries a marketing preference change to every marketing system, then records its completion [PP-21].
 * One task function, called once per step with the step's name.
 */
export const preferencePropagationWorkflow = {
  id: 'preference-propagation',
  aslFile: 'infra/mail/preference-propagation.asl.json',
  taskFunctions: { PropagatePreferenceFunctionArn: 'mail/handlers/propagate-preference' },
} as const satisfies WorkflowDefinition;

/**
 * Exports a whole organization [PP-14]: plans, writes numbered ZIP parts, finishes; one task function,
 * called once per step with the step's name, again while it reports `done: false`.
 */
export const exportArchiveWorkflow = {
  id: 'export-archive',
  aslFile: 'infra/exports/export-archive.asl.json',
  taskFunctions: { RunExportStepFunctionArn: 'exports/handlers/run-export-step' },
} as const satisfies WorkflowDefinition;

export const workflows: readonly WorkflowDefinition[] = [
  welcomeMailWorkflow,
  uploadIngestWorkflow,
  preferencePropagationWorkflow,
  exportArchiveWorkflow,
];
