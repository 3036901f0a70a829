import { dynamoDocumentClient } from '../shared/aws/clients';
import { bindingEnv } from '../shared/binding-env';
import { once } from '../shared/once';
import { systemClock } from '../shared/ports';
import { DynamoAuditChainStore } from './adapters/dynamo-audit-log';

export const auditQueryDeps = /* @__PURE__ */ once(() => ({
  store: new DynamoAuditChainStore(dynamoDocumentClient(), bindingEnv('audit-table:read').AUDIT_TABLE_NAME),
  clock: systemClock,
}));
