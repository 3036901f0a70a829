/**
 * Step Functions workflows: the ASL file both CDK and the local runner execute, and the function
 * each `${Placeholder}` in it stands for (handler module relative to functions/).
 */
export interface WorkflowDefinition {
  id: 'welcome-mail';
  aslFile: string;
  taskFunctions: Readonly<Record<string, string>>;
}

export const welcomeMailWorkflow = {
  id: 'welcome-mail',
  aslFile: 'infra/mail/welcome-mail.asl.json',
  taskFunctions: { SendWelcomeMailFunctionArn: 'mail/handlers/send-welcome-mail' },
} as const satisfies WorkflowDefinition;

export const workflows: readonly WorkflowDefinition[] = [welcomeMailWorkflow];
