import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { routes } from '../../../functions/shared/routes';
import {
  StripeEventSchema,
  StripeInvoiceObjectSchema,
  StripeSubscriptionObjectSchema,
} from '../../../schemas/billing/stripe-events';
import { ExportTaskInputSchema } from '../../../schemas/exports/exports';
import { UploadIngestInputSchema } from '../../../schemas/imaging/upload-session';
import { PropagationInputSchema, PropagationTaskInputSchema } from '../../../schemas/mail/propagation';
import { SesMailEventSchema, SnsMailEventsSchema } from '../../../schemas/mail/suppressions';
import { WelcomeMailInputSchema } from '../../../schemas/mail/welcome-mail';
import { EVENTS_DIR } from '../../support/events';

/** events/<ctx>/<source>/<name>.<case>.json; a `.valid` case must parse, any other case must not. */
function fixtures(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) found.push(path.relative(EVENTS_DIR, full));
    }
  };
  walk(EVENTS_DIR);
  return found.sort();
}

function checkApiGatewayFixture(file: string, event: APIGatewayProxyEvent) {
  const [context, , fileName] = file.split(path.sep);
  const [name, kind] = (fileName ?? '').split('.');
  const route = (routes as readonly RouteDefinition[]).find(
    (candidate) => candidate.handler === `${context}/handlers/${name}`,
  );
  expect(route).toBeDefined();
  expect(event.httpMethod).toBe(route?.method);
  expect(event.resource).toBe(route?.path);
  const query = route?.request?.query;
  if (query && event.queryStringParameters) {
    expect(query.safeParse(event.queryStringParameters).success).toBe(kind === 'valid');
  }
  const schema = route?.request?.body;
  if (!schema) return;
  const parsed = schema.safeParse(JSON.parse(event.body ?? 'null'));
  expect(parsed.success).toBe(kind === 'valid');
}

describe('event fixtures', () => {
  it.each(fixtures())('%s matches its schema', (file) => {
    const event = JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8'));
    if (file.includes(`${path.sep}apigw${path.sep}`)) return checkApiGatewayFixture(file, event);
    if (file === path.join('mail', 'sfn', 'send-welcome-mail.input.json')) {
      return expect(WelcomeMailInputSchema.safeParse(event).success).toBe(true);
    }
    if (file === path.join('mail', 'sfn', 'preference-propagation.execution-input.json')) {
      return expect(PropagationInputSchema.safeParse(event).success).toBe(true);
    }
    if (file === path.join('mail', 'sfn', 'propagate-preference.input.json')) {
      return expect(PropagationTaskInputSchema.safeParse(event).success).toBe(true);
    }
    if (file.startsWith(path.join('mail', 'ses', ''))) {
      const notification = SnsMailEventsSchema.parse(event);
      for (const record of notification.Records) {
        expect(SesMailEventSchema.safeParse(JSON.parse(record.Sns.Message)).success).toBe(true);
      }
      return;
    }
    if (file.startsWith(path.join('imaging', 'sfn', 'ingest-upload-session.'))) {
      return expect(UploadIngestInputSchema.safeParse(event).success).toBe(file.includes('.valid.'));
    }
    if (file.startsWith(path.join('exports', 'sfn', 'run-export-step.'))) {
      return expect(ExportTaskInputSchema.safeParse(event).success).toBe(file.includes('.valid.'));
    }
    if (file.startsWith(path.join('billing', 'stripe', ''))) {
      const envelope = StripeEventSchema.parse(event);
      const object = envelope.type.startsWith('invoice.')
        ? StripeInvoiceObjectSchema
        : StripeSubscriptionObjectSchema;
      return expect(object.safeParse(envelope.data.object).success).toBe(file.includes('.valid.'));
    }
    throw new Error(`no schema check for ${file}`);
  });
});
